#!/usr/bin/env bash
# Get and run the LanguageTool HTTP server from Maven Central (no download from languagetool.org).
#
# Usage:
#   scripts/languagetool.sh fetch           copy the server's jars into the cache (once; reused)
#   scripts/languagetool.sh start [PORT]    fetch if needed, start on 127.0.0.1:PORT (default 8081),
#                                           wait until /v2/languages answers
#   scripts/languagetool.sh run [PORT]      fetch if needed, run in the foreground (containers;
#                                           LT_LISTEN=public adds --public)
#   scripts/languagetool.sh stop [PORT]     stop the server this script started on PORT
#   scripts/languagetool.sh status [PORT]   exit 0 if a LanguageTool answers on PORT, 3 if not
#   scripts/languagetool.sh url [PORT]      print http://127.0.0.1:PORT (for SCREENING_LANGUAGETOOL_URL)
#   scripts/languagetool.sh ltp-path        fetch if needed, lay the jars out the way
#                                           language_tool_python expects a local LanguageTool, and
#                                           print the folder to export as LTP_PATH (lets the app
#                                           start its own server when no URL is configured)
#
# Environment:
#   SCREENING_CACHE_DIR  cache root (default: <repo>/.cache); jars go to
#                        $SCREENING_CACHE_DIR/languagetool/<version>/lib, pid and log files to
#                        $SCREENING_CACHE_DIR/languagetool/run/
#   LT_VERSION           LanguageTool version (default: languagetool.version in deploy/languagetool/pom.xml)
#   LT_HEAP              JVM maximum heap, e.g. 1g (default 1g)
#   LT_START_TIMEOUT     seconds to wait for the server to answer (default 120)
#   LT_PORT              default port when none is given (default 8081)
#   LT_WARMUP            1 (default): after start, check one English sentence so rules are
#                        loaded before the first real request (about 3 s); 0 skips it
#   JAVA                 java executable (default: java on PATH); Java 17 or newer
#
# The server listens on the loopback interface only: HTTPServer binds to "localhost" unless it
# is given --public, which this script never passes, and the JVM is told to prefer IPv4 so
# "localhost" means 127.0.0.1.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPLOY_DIR="$REPO/deploy/languagetool"
POM="$DEPLOY_DIR/pom.xml"
CONFIG="$DEPLOY_DIR/server.properties"

pom_version() {
  sed -n 's:.*<languagetool.version>\([^<]*\)</languagetool.version>.*:\1:p' "$POM" | head -n 1
}

VERSION="${LT_VERSION:-$(pom_version)}"
CACHE_ROOT="${SCREENING_CACHE_DIR:-$REPO/.cache}/languagetool"
LIB_DIR="$CACHE_ROOT/$VERSION/lib"
MARKER="$LIB_DIR/.fetch-complete"
RUN_DIR="$CACHE_ROOT/run"
HEAP="${LT_HEAP:-1g}"
START_TIMEOUT="${LT_START_TIMEOUT:-120}"
JAVA="${JAVA:-java}"

say() { printf 'languagetool: %s\n' "$*"; }
die() { printf 'languagetool: error: %s\n' "$*" >&2; exit 1; }

[[ -n "$VERSION" ]] || die "cannot read languagetool.version from $POM"

valid_port() {
  if ! [[ "$1" =~ ^[0-9]{1,5}$ ]] || (( 10#$1 < 1 || 10#$1 > 65535 )); then
    die "invalid port: '$1' (expected 1-65535)"
  fi
}

pom_digest() { sha256sum "$POM" | cut -d' ' -f1; }

# True when the lib folder holds every jar listed by a finished fetch of the current pom.
fetch_complete() {
  [[ -f "$MARKER" ]] || return 1
  local line digest=""
  digest="$(sed -n 's/^pom-sha256: //p' "$MARKER")"
  [[ "$digest" == "$(pom_digest)" ]] || return 1
  while IFS= read -r line; do
    [[ "$line" == jar:\ * ]] || continue
    [[ -s "$LIB_DIR/${line#jar: }" ]] || return 1
  done <"$MARKER"
  [[ -s "$LIB_DIR/languagetool-server-$VERSION.jar" && -s "$LIB_DIR/language-en-$VERSION.jar" ]]
}

cmd_fetch() {
  if fetch_complete; then
    say "LanguageTool $VERSION already fetched in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn (Apache Maven) is needed to fetch LanguageTool; install it (Debian: apt-get install -y maven)"
  mkdir -p "$CACHE_ROOT/$VERSION"
  # One fetch at a time (CI and a developer's shell may start together); the second one
  # waits, then finds the work done.
  if command -v flock >/dev/null; then
    exec 9>"$CACHE_ROOT/$VERSION/.fetch.lock"
    flock 9
    if fetch_complete; then
      exec 9>&-
      say "LanguageTool $VERSION already fetched in $LIB_DIR"
      return 0
    fi
  fi
  local tmp="$CACHE_ROOT/$VERSION/lib.partial.$$"
  rm -rf "$CACHE_ROOT/$VERSION"/lib.partial.*  # left by an interrupted fetch
  trap 'rm -rf "$tmp"' EXIT
  say "fetching LanguageTool $VERSION jars from Maven Central into $LIB_DIR ..."
  local started=$SECONDS
  local mvn_log="$CACHE_ROOT/$VERSION/fetch.log"
  if ! mvn -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -Dlanguagetool.version="$VERSION" -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    tail -n 30 "$mvn_log" >&2
    die "mvn could not fetch LanguageTool $VERSION (full output: $mvn_log)"
  fi
  [[ -s "$tmp/languagetool-server-$VERSION.jar" && -s "$tmp/language-en-$VERSION.jar" ]] \
    || die "fetch finished but languagetool-server-$VERSION.jar / language-en-$VERSION.jar are missing"
  {
    printf 'languagetool-version: %s\n' "$VERSION"
    printf 'pom-sha256: %s\n' "$(pom_digest)"
    (cd "$tmp" && for jar in *.jar; do printf 'jar: %s\n' "$jar"; done)
  } >"$tmp/.fetch-complete"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  trap - EXIT
  exec 9>&-  # release the lock; the server started next must not inherit it
  say "fetched $(grep -c '^jar: ' "$MARKER") jars ($(du -sh "$LIB_DIR" | cut -f1)) in $((SECONDS - started)) s"
}

# True when something on 127.0.0.1:PORT answers /v2/languages like LanguageTool does.
answers() {
  local url="http://127.0.0.1:$1/v2/languages" body=""
  if command -v curl >/dev/null; then
    body="$(curl -sf -m 3 "$url" 2>/dev/null)" || return 1
  else
    body="$(python3 - "$url" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=3) as r:  # noqa: S310 (loopback only)
    sys.stdout.write(r.read().decode())
PY
)" || return 1
  fi
  [[ "$body" == *'"longCode"'* ]]
}

pid_file() { printf '%s/languagetool-%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/languagetool-%s.log' "$RUN_DIR" "$1"; }

# Prints the pid recorded for PORT if that process is still our HTTPServer on that port.
our_pid() {
  local pf pid
  pf="$(pid_file "$1")"
  [[ -f "$pf" ]] || return 1
  pid="$(cat "$pf")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  [[ "$cmdline" == *org.languagetool.server.HTTPServer*" --port $1 "* ]] || return 1
  printf '%s\n' "$pid"
}

check_java() {
  command -v "$JAVA" >/dev/null || die "java not found; LanguageTool $VERSION needs Java 17 or newer (Debian: apt-get install -y openjdk-17-jre-headless)"
  local major
  major="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  if [[ -z "$major" ]] || (( major < 17 )); then
    die "LanguageTool $VERSION needs Java 17 or newer; '$JAVA' is version '${major:-unknown}'"
  fi
}

# One small check so LanguageTool builds its English rule pipeline now, not on the first request.
warm_up() {
  [[ "${LT_WARMUP:-1}" == 1 ]] || return 0
  command -v curl >/dev/null || return 0
  local started=$SECONDS
  if curl -sf -m 60 -o /dev/null "http://127.0.0.1:$1/v2/check" \
      --data-urlencode 'text=Thank you for calling. How can I help you today?' -d language=en-US; then
    say "warmed up (en-US rules loaded) in $((SECONDS - started)) s"
  else
    say "warning: warm-up check failed; the first real check may be slow"
  fi
}

cmd_start() {
  local port="${1:-${LT_PORT:-8081}}"
  valid_port "$port"
  if answers "$port"; then
    say "already running: LanguageTool answers on http://127.0.0.1:$port"
    return 0
  fi
  cmd_fetch
  check_java
  mkdir -p "$RUN_DIR"
  local pid log
  log="$(log_file "$port")"
  if pid="$(our_pid "$port")"; then
    say "a server started earlier (pid $pid) is still coming up on port $port; waiting for it"
  else
    : >"$log"
    local pf
    pf="$(pid_file "$port")"
    rm -f "$pf"
    # setsid + nohup: the server outlives this shell; stdin closed so it never waits on a
    # terminal. The inner shell records its own pid, then becomes java (exec keeps the pid),
    # so the pid file is right even if setsid forks.
    # shellcheck disable=SC2016  # $$ and $0 are expanded by the inner shell
    setsid nohup bash -c 'echo "$$" >"$0"; exec "$@"' "$pf" \
      "$JAVA" -Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Djava.net.preferIPv4Stack=true -Dfile.encoding=UTF-8 -cp "$LIB_DIR/*" \
      org.languagetool.server.HTTPServer --config "$CONFIG" --port "$port" \
      </dev/null >>"$log" 2>&1 &
    local waited=0
    while [[ ! -s "$pf" ]] && (( waited < 50 )); do
      sleep 0.1
      waited=$((waited + 1))
    done
    [[ -s "$pf" ]] || die "the server process did not start; see $log"
    pid="$(cat "$pf")"
    say "starting LanguageTool $VERSION (pid $pid, heap $HEAP) on http://127.0.0.1:$port; log: $log"
  fi
  local started=$SECONDS
  while (( SECONDS - started < START_TIMEOUT )); do
    if answers "$port"; then
      say "ready on http://127.0.0.1:$port after $((SECONDS - started)) s"
      warm_up "$port"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$(pid_file "$port")"
      printf 'languagetool: error: the server exited before answering on port %s; last log lines:\n' "$port" >&2
      tail -n 25 "$log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  printf 'languagetool: error: no answer from http://127.0.0.1:%s/v2/languages within %s s (pid %s still running; see %s)\n' \
    "$port" "$START_TIMEOUT" "$pid" "$log" >&2
  exit 1
}

# Foreground server for a container (compose.yaml): listens on all interfaces of the container
# with --public, since other containers must reach it; never used on a host.
cmd_run() {
  local port="${1:-${LT_PORT:-8081}}"
  valid_port "$port"
  cmd_fetch
  check_java
  local public=()
  [[ "${LT_LISTEN:-}" == public ]] && public=(--public)
  exec "$JAVA" -Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dfile.encoding=UTF-8 -cp "$LIB_DIR/*" org.languagetool.server.HTTPServer \
    --config "$CONFIG" --port "$port" "${public[@]}"
}

cmd_stop() {
  local port="${1:-${LT_PORT:-8081}}"
  valid_port "$port"
  local pid
  if ! pid="$(our_pid "$port")"; then
    rm -f "$(pid_file "$port")"
    if answers "$port"; then
      die "a LanguageTool answers on port $port but was not started by this script (no pid file); not stopping it"
    fi
    say "not running on port $port"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && (( waited < 30 )); do
    sleep 0.5
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$port")"
  say "stopped (pid $pid, port $port)"
}

# language_tool_python looks for $LTP_PATH/LanguageTool-<version>/languagetool-server.jar. The
# jar written here is empty except for a manifest whose Class-Path names every fetched jar.
cmd_ltp_path() {
  cmd_fetch >&2
  local root="$CACHE_ROOT/ltp"
  local dir="$root/LanguageTool-$VERSION"
  mkdir -p "$dir"
  ln -sfn "$LIB_DIR" "$dir/lib"
  python3 - "$dir" <<'PY'
import os, sys, zipfile
folder = sys.argv[1]
jars = sorted(n for n in os.listdir(os.path.join(folder, "lib")) if n.endswith(".jar"))
lines = ["Manifest-Version: 1.0", "Main-Class: org.languagetool.server.HTTPServer"]
# Manifest lines are at most 72 bytes; a line starting with a space continues the previous one,
# so "  lib/x.jar" adds a space-separated entry.
lines += ["Class-Path: lib/" + jars[0]] + ["  lib/" + jar for jar in jars[1:]]
if any(len(line.encode()) > 72 for line in lines):
    sys.exit("a jar name is too long for a manifest line")
tmp = os.path.join(folder, "languagetool-server.jar.tmp")
with zipfile.ZipFile(tmp, "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "\r\n".join(lines) + "\r\n\r\n")
os.replace(tmp, os.path.join(folder, "languagetool-server.jar"))
PY
  printf '%s\n' "$root"
}

cmd_status() {
  local port="${1:-${LT_PORT:-8081}}"
  valid_port "$port"
  if answers "$port"; then
    say "running: http://127.0.0.1:$port"
    return 0
  fi
  say "not answering on port $port"
  return 3
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start "${2:-}" ;;
  run) cmd_run "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  ltp-path) cmd_ltp_path ;;
  url) port="${2:-${LT_PORT:-8081}}"; valid_port "$port"; printf 'http://127.0.0.1:%s\n' "$port" ;;
  *)
    sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
