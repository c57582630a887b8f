# syntax=docker/dockerfile:1
# Gitpulse production image: gunicorn serving config.wsgi with config.settings.production, static
# files collected at build time and served by whitenoise. The same image runs the Celery worker
# and beat (docker-compose.yml overrides the command).

# --- builder: a virtualenv with the runtime dependencies, nothing of the build left behind ----
FROM python:3.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /build
# Dependencies first, from pyproject.toml alone: code changes then reuse this cached layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install --upgrade pip \
    && pip install -r requirements.txt

# --- final: slim runtime, non-root ------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

# A fixed uid so volumes and orchestrators can reason about file ownership.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The code runs from /app (templates/ and static/ sit next to the packages), owned by root so
# the app user can read but not change it.
COPY manage.py pyproject.toml ./
COPY config ./config
COPY accounts ./accounts
COPY github_stats ./github_stats
COPY templates ./templates
COPY static ./static

# collectstatic needs settings, not secrets or services: throwaway values for this step only
# (a token key must never be generated into, and shipped with, the image).
RUN DJANGO_SECRET_KEY=collectstatic-build-only DJANGO_ALLOWED_HOSTS=localhost \
    HEADLESS_JWT_PRIVATE_KEY=collectstatic-build-only \
    python manage.py collectstatic --noinput --verbosity 0 \
    && test ! -e var

USER app

EXPOSE 8000

# /health/live over loopback. Django checks the Host header against DJANGO_ALLOWED_HOSTS, so the
# probe sends the first allowed host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; h = next((x.strip().lstrip('.') for x in os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',') if x.strip() and x.strip() != '*'), 'localhost'); sys.exit(0 if r.urlopen(r.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/health/live', headers={'Host': h}), timeout=3).status == 200 else 1)"]

# gunicorn's settings are in config/gunicorn_conf.py: threaded workers, so that slow clients hold
# a thread and not a whole worker (WEB_CONCURRENCY workers of WEB_THREADS threads, 2 x 8), 30 s
# timeouts, no access log (request lines carry query strings, which our redacting log filters
# never see). Metrics: every gunicorn worker writes its counters into one fresh folder (tmpfs),
# so a scrape of any worker sums them all (prometheus-client multiprocess mode).
CMD ["sh", "-c", "export PROMETHEUS_MULTIPROC_DIR=/dev/shm/gitpulse-metrics && rm -rf $PROMETHEUS_MULTIPROC_DIR && mkdir -p $PROMETHEUS_MULTIPROC_DIR && exec gunicorn -c config/gunicorn_conf.py --bind 0.0.0.0:${PORT} config.wsgi:application"]
