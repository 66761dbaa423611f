#!/usr/bin/env bash
# Start (or check) the local services the tests need, on 127.0.0.1 only:
#   PostgreSQL on $SCREENING_TEST_PG_PORT (55432), Redis on $SCREENING_TEST_REDIS_PORT (56379).
# Installs the Debian packages when they are missing and we run as root; otherwise stops with a
# message naming what is missing. Never skips silently.
#
#   scripts/services.sh start    start whatever is not running yet, wait until it answers
#   scripts/services.sh stop     stop what this script started
#   scripts/services.sh env      print the environment variables the tests read
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR=${SCREENING_SERVICES_DIR:-$ROOT/.services}
PG_PORT=${SCREENING_TEST_PG_PORT:-55432}
REDIS_PORT=${SCREENING_TEST_REDIS_PORT:-56379}
PG_DATA=$RUN_DIR/pg
DEBIAN_PACKAGES=(postgresql redis-server)

die() { echo "services.sh: $*" >&2; exit 1; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$dir" ] && echo "$dir"
}

ensure_packages() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    die "missing Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) or run as root."
  fi
  echo "services.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

as_pg() {
  # PostgreSQL refuses to run as root: run its tools as the 'postgres' system user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
  local bin; bin=$(pg_bin)
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then echo "postgres: already up on $PG_PORT"; return; fi
  mkdir -p "$RUN_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$RUN_DIR"; chmod 755 "$RUN_DIR"; fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    rm -rf "$PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$RUN_DIR/pg.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $PG_PORT -k '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30 || die "postgres did not start; see $RUN_DIR/pg.log"
  echo "postgres: started on 127.0.0.1:$PG_PORT"
}

ensure_pg_databases() {
  local bin; bin=$(pg_bin)
  for name in screening_test screening_bench; do
    if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1; then
      "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$name"
    fi
  done
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo "redis: already up on $REDIS_PORT"; return; fi
  mkdir -p "$RUN_DIR"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$RUN_DIR" --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && { echo "redis: started on 127.0.0.1:$REDIS_PORT"; return; }
    sleep 0.1
  done
  die "redis did not start; see $RUN_DIR/redis.log"
}

stop_all() {
  local bin; bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -s "$PG_DATA/postmaster.pid" ]; then as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null || true; fi
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

print_env() {
  echo "SCREENING_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/screening_test"
  echo "SCREENING_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-start}" in
  start) ensure_packages; start_pg; ensure_pg_databases; start_redis ;;
  stop) stop_all ;;
  env) print_env ;;
  *) die "usage: $0 start|stop|env" ;;
esac
