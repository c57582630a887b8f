"""Prometheus metrics at /metrics, for a scraper holding `Authorization: Bearer $METRICS_TOKEN`.

Two kinds, because gunicorn runs several worker processes and Celery runs on other machines:

- Per-process events (HTTP requests and latencies, cache hits and misses) are prometheus-client
  counters and histograms. With PROMETHEUS_MULTIPROC_DIR set (production: one empty folder per
  machine, made fresh when the container starts) every gunicorn worker writes them to files there
  and a scrape of any worker sums the machine's workers. Without it (development, tests) they
  are the process's own. Only counters and histograms are used, so a dead worker needs no
  clean-up (its files keep counting, as counters must).
- Cluster-wide state is read when scraped, from where it already lives: GitHub's quota from the
  shared cache (github_stats.quota), refresh jobs by status and their durations from
  PostgreSQL, the Celery queue's length from the broker, and GitHub responses by status from
  counters in the shared cache that every process (workers included) adds to. Scraping several
  web machines returns the same values: aggregate them with max(), not sum().

/metrics is answered by MetricsMiddleware before host validation, the HTTPS redirect and
sessions (Prometheus scrapes machines by address, over the internal network), and by the URL in
config/urls.py when the middleware is not installed. No token configured: 404, as if absent.
A wrong or missing token: 401. The comparison is constant-time.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

PATH = "/metrics"
NAMESPACE = "gitpulse"

HTTP_REQUESTS = Counter(
    "gitpulse_http_requests",
    "HTTP requests answered, by method, view (URL name) and status code.",
    ["method", "view", "status"],
)
HTTP_LATENCY = Histogram(
    "gitpulse_http_request_duration_seconds",
    "Time from the first middleware to the response, by method and view.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
CACHE_REQUESTS = Counter(
    "gitpulse_cache_requests",
    "Reads from the default cache: hit, miss, or error (the cache was unreachable).",
    ["result"],
)

# GitHub responses by status: shared counters in the cache, one key per status class of
# interest, so that the scrape reads them all in one get_many().
GITHUB_STATUS_KEY = "metrics:github:responses:{}"
GITHUB_STATUSES = (
    "200",
    "201",
    "204",
    "301",
    "302",
    "304",
    "400",
    "401",
    "403",
    "404",
    "409",
    "422",
    "429",
    "500",
    "502",
    "503",
    "504",
    "other",
)
# Refresh job durations: the jobs finished in this window (a gauge histogram).
JOB_DURATION_WINDOW = timedelta(hours=1)
JOB_DURATION_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
_MISSING = object()


# --- per-process events ---------------------------------------------------------------------


def _view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"  # 404s and middleware answers: one label, not one per path
    return match.view_name or match.route or "unnamed"


class MetricsMiddleware:
    """Times every request and serves /metrics. Goes right after RequestIdMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return metrics_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_label(request)
        HTTP_LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


class _CacheReadCounter:
    """Counts the default cache's reads by outcome (mixed into its backend class)."""

    def _count_read(self, value: Any) -> bool:
        from django_redis.cache import CONNECTION_INTERRUPTED

        if value is CONNECTION_INTERRUPTED:
            CACHE_REQUESTS.labels("error").inc()
            return False
        found = value is not _MISSING
        CACHE_REQUESTS.labels("hit" if found else "miss").inc()
        return found


try:
    from django_redis.cache import RedisCache

    class InstrumentedRedisCache(_CacheReadCounter, RedisCache):
        """django-redis, counting hits and misses; an unreachable Redis counts as an error
        (and, with IGNORE_EXCEPTIONS, answers `default` as before)."""

        def get(
            self, key: Any, default: Any = None, version: Any = None, client: Any = None
        ) -> Any:
            value = self._get(key, _MISSING, version, client)
            return value if self._count_read(value) else default

except ImportError:  # pragma: no cover - django-redis is a dependency
    pass


class InstrumentedLocMemCache(_CacheReadCounter, LocMemCache):
    """The zero-setup local-memory cache, counting hits and misses."""

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        value = super().get(key, _MISSING, version=version)
        return value if self._count_read(value) else default


# --- GitHub responses -----------------------------------------------------------------------


def github_response_hook(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A `requests` response hook (session.hooks["response"]) counting GitHub's answers by
    status in the shared cache. Never raises: metrics must not break a refresh."""
    status = str(getattr(response, "status_code", "other"))
    github_response_count(status=status)
    return response


def github_response_count(*, status: str) -> None:
    key = GITHUB_STATUS_KEY.format(status if status in GITHUB_STATUSES else "other")
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # a cache outage, or the key evicted between add and incr
        logger.debug("could not count a GitHub response", exc_info=True)


# --- cluster-wide state, read when scraped --------------------------------------------------


class SharedStateCollector:
    """Reads the shared stores at scrape time. Each part fails on its own: a dead Redis still
    leaves the database's figures in the answer, and the other way round."""

    def collect(self) -> Iterator[Metric]:
        for part in (self._github, self._quota, self._jobs, self._queue):
            try:
                yield from part()
            except Exception as exc:
                logger.warning("metrics: %s failed: %s: %s", part.__name__, type(exc).__name__, exc)

    def _github(self) -> Iterator[Metric]:
        keys = {GITHUB_STATUS_KEY.format(status): status for status in GITHUB_STATUSES}
        found = cache.get_many(list(keys))
        family = CounterMetricFamily(
            f"{NAMESPACE}_github_responses",
            "Responses from GitHub's API by status code, from every process.",
            labels=["status"],
        )
        for key, status in keys.items():
            if key in found:
                family.add_metric([status], float(found[key]))
        yield family

    def _quota(self) -> Iterator[Metric]:
        from github_stats.quota import CORE, GRAPHQL, quota_get, secondary_blocked_until

        remaining = GaugeMetricFamily(
            f"{NAMESPACE}_github_quota_remaining",
            "Requests (core) or points (graphql) left in GitHub's current rate-limit window.",
            labels=["resource"],
        )
        limit = GaugeMetricFamily(
            f"{NAMESPACE}_github_quota_limit",
            "Size of GitHub's rate-limit window.",
            labels=["resource"],
        )
        reset = GaugeMetricFamily(
            f"{NAMESPACE}_github_quota_reset_timestamp_seconds",
            "When GitHub's current rate-limit window resets (Unix time).",
            labels=["resource"],
        )
        for resource in (CORE, GRAPHQL):
            state = quota_get(resource=resource)
            if state is None:
                continue
            remaining.add_metric([resource], state.remaining)
            if state.limit is not None:
                limit.add_metric([resource], state.limit)
            reset.add_metric([resource], state.reset_at.timestamp())
        blocked = secondary_blocked_until()
        yield remaining
        yield limit
        yield reset
        yield GaugeMetricFamily(
            f"{NAMESPACE}_github_secondary_limit_until_timestamp_seconds",
            "Until when every process pauses after a secondary rate limit (0: no pause).",
            value=blocked.timestamp() if blocked is not None else 0,
        )

    def _jobs(self) -> Iterator[Metric]:
        from github_stats.models import JobStatus, RefreshJob

        by_status = dict(
            RefreshJob.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        jobs = GaugeMetricFamily(
            f"{NAMESPACE}_refresh_jobs",
            "Refresh jobs stored, by status (queued and running are the backlog).",
            labels=["status"],
        )
        for status in JobStatus.values:
            jobs.add_metric([status], by_status.get(status, 0))
        yield jobs

        duration = ExpressionWrapper(
            F("finished_at") - F("started_at"), output_field=DurationField()
        )
        recent = RefreshJob.objects.filter(
            finished_at__gte=timezone.now() - JOB_DURATION_WINDOW, started_at__isnull=False
        ).annotate(took=duration)
        aggregates: dict[str, Any] = {
            f"le_{index}": Count("pk", filter=Q(took__lte=timedelta(seconds=bound)))
            for index, bound in enumerate(JOB_DURATION_BUCKETS)
        }
        row = recent.aggregate(total=Count("pk"), seconds=Sum("took"), **aggregates)
        buckets = [
            (str(bound), float(row[f"le_{index}"]))
            for index, bound in enumerate(JOB_DURATION_BUCKETS)
        ]
        buckets.append(("+Inf", float(row["total"])))
        seconds = row["seconds"].total_seconds() if row["seconds"] is not None else 0.0
        yield GaugeHistogramMetricFamily(
            f"{NAMESPACE}_refresh_job_duration_seconds",
            f"Run time of the refresh jobs finished in the last {JOB_DURATION_WINDOW}.",
            buckets=buckets,
            gsum_value=seconds,
        )

    def _queue(self) -> Iterator[Metric]:
        broker = settings.CELERY_BROKER_URL
        if not broker.startswith(("redis://", "rediss://")):
            return
        import redis

        client = redis.Redis.from_url(broker, socket_timeout=1, socket_connect_timeout=1)
        try:
            queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
            # kombu's Redis transport keeps one list per priority step next to the plain one.
            names = [queue, *(f"{queue}\x06\x16{step}" for step in (1, 2, 3, 4, 5, 6, 7, 8, 9))]
            pipe = client.pipeline()
            for name in names:
                pipe.llen(name)
            length = sum(pipe.execute())
        finally:
            client.close()
        yield _gauge_with(
            f"{NAMESPACE}_celery_queue_length",
            "Tasks waiting in the broker's queue (not yet taken by a worker).",
            "queue",
            queue,
            length,
        )


def _gauge_with(name: str, doc: str, label: str, value_label: str, value: float) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=[label])
    family.add_metric([value_label], value)
    return family


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
    registry.register(SharedStateCollector())
    return registry


# --- the endpoint ---------------------------------------------------------------------------


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


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The URL's view (config/urls.py), for setups without MetricsMiddleware."""
    return metrics_response(request)
