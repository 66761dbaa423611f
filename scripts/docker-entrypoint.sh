#!/bin/sh
# Roles of the one image: web (gunicorn), worker (RQ with scheduler), migrate (alembic upgrade).
set -e
case "$1" in
  web) shift; exec gunicorn --bind 0.0.0.0:8000 --workers "${WEB_CONCURRENCY:-4}" --threads 4 \
         'screening:create_app()' "$@" ;;
  worker) shift; exec python -m workers.rq_worker "$@" ;;
  migrate) exec screening db upgrade ;;
  *) exec "$@" ;;
esac
