# One image, three roles: web | worker | migrate (see README "Production").
# Not built on the development machines (no Docker engine there); kept consistent with the Makefile.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY screening ./screening
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY workers ./workers
COPY deploy/gunicorn.conf.py ./deploy/
RUN pip install -c requirements.lock -e . && useradd --system --home /app screening \
    && mkdir -p /data && chown screening /data
USER screening
ENV SCREENING_INSTANCE_DIR=/data SCREENING_STORAGE_DIR=/data/storage
COPY --chmod=755 scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["web"]
