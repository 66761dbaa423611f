#!/bin/sh
# Roles of the one image: web (gunicorn), worker (RQ with scheduler), migrate (alembic upgrade).
set -e
case "$1" in
  web) shift; exec gunicorn --config deploy/gunicorn.conf.py --bind 0.0.0.0:8000 \
         'screening:create_app()' "$@" ;;
  worker) shift; exec python -m workers.rq_worker "$@" ;;
  migrate) exec screening db upgrade ;;
  *) exec "$@" ;;
esac
