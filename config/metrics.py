"""Prometheus metrics at /metrics, for a scraper holding `Authorization: Bearer $METRICS_TOKEN`.

HTTP requests and latencies, and cache reads, are django-prometheus's (its middleware and cache
backends, settings.MIDDLEWARE and CACHES). They are per process: with PROMETHEUS_MULTIPROC_DIR
set (production: one empty folder per machine, made fresh when the container starts) every
gunicorn worker writes them to files there and a scrape of any worker sums the machine's
workers. Cluster-wide state is read when scraped, from where it already lives: the Celery
queue's length from the broker (here), and the collectors the apps name in
settings.METRICS_COLLECTORS (github_stats: GitHub's quota, its answers, refresh jobs). Scraping
several web machines returns the same cluster-wide values: aggregate them with max(), not sum().

/metrics is answered by config.middleware.ProbesMiddleware before host validation, the HTTPS
redirect and sessions (Prometheus scrapes machines by address, over the internal network). No
token configured: 404, as if absent. A wrong or missing token: 401, compared in constant time.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

PATH = "/metrics"


class QueueCollector:
    """Tasks waiting in the broker's default queue (Redis only)."""

    def collect(self) -> Iterator[Metric]:
        broker = settings.CELERY_BROKER_URL
        if not broker.startswith(("redis://", "rediss://")):
            return
        import redis

        queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
        try:
            client = redis.Redis.from_url(broker, socket_timeout=1, socket_connect_timeout=1)
            try:
                # kombu's Redis transport keeps one list per priority step next to the plain one.
                names = [queue, *(f"{queue}\x06\x16{step}" for step in range(1, 10))]
                pipe = client.pipeline()
                for name in names:
                    pipe.llen(name)
                length = sum(pipe.execute())
            finally:
                client.close()
        except Exception as exc:
            logger.warning("metrics: queue length failed: %s: %s", type(exc).__name__, exc)
            return
        family = GaugeMetricFamily(
            "gitpulse_celery_queue_length",
            "Tasks waiting in the broker's queue (not yet taken by a worker).",
            labels=["queue"],
        )
        family.add_metric([queue], length)
        yield family


class _ProcessCollector:
    """This process's own metrics, when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def metrics_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(QueueCollector())
    for path in settings.METRICS_COLLECTORS:
        registry.register(import_string(path)())
    return registry


def _authorised(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest on bytes: constant-time whatever the input (str needs ASCII).
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@never_cache
def metrics_response(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        # As if there were nothing here; plain text, since no session or host check ran.
        return HttpResponseNotFound("Not found\n", content_type="text/plain")
    if not _authorised(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
