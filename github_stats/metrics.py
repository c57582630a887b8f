"""github_stats's figures for /metrics (config/metrics.py registers them from
settings.METRICS_COLLECTORS): GitHub's answers by status, its quota, the request limiter's
waits, the measured time of a request, and refresh jobs by status and duration. Read when
scraped, from the shared cache and PostgreSQL, so every machine reports the same cluster-wide
values. Each part fails on its own: a dead Redis still leaves the database's figures in the
answer, and the other way round."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeHistogramMetricFamily,
    GaugeMetricFamily,
    Metric,
)

from github_stats.github.limiter import limiter_waits
from github_stats.github.quota import CORE, GRAPHQL, quota_get, secondary_blocked_until
from github_stats.github.request_time import request_seconds_mean
from github_stats.models import GitHubAccount, JobStatus, RefreshJob, today_utc

logger = logging.getLogger(__name__)

NAMESPACE = "gitpulse"
# GitHub responses by status: shared counters in the cache, one key per status of interest,
# so that the scrape reads them all in one get_many().
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


def github_response_hook(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A `requests` response hook (settings.GITHUB_RESPONSE_HOOKS) counting GitHub's answers by
    status in the shared cache. Never raises: metrics must not break a refresh."""
    status = str(getattr(response, "status_code", "other"))
    key = GITHUB_STATUS_KEY.format(status if status in GITHUB_STATUSES else "other")
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # a cache outage, or the key evicted between add and incr
        logger.debug("could not count a GitHub response", exc_info=True)
    return response


class GitHubCollector:
    def collect(self) -> Iterator[Metric]:
        for part in (self._responses, self._quota, self._limiter, self._jobs, self._freshness):
            try:
                yield from part()
            except Exception as exc:
                logger.warning("metrics: %s failed: %s: %s", part.__name__, type(exc).__name__, exc)

    def _responses(self) -> Iterator[Metric]:
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

    def _limiter(self) -> Iterator[Metric]:
        # Shared counters in the cache too (github/limiter.py counts them), by what was full.
        family = CounterMetricFamily(
            f"{NAMESPACE}_github_limiter_waits",
            "GitHub requests that waited for (or were refused by) the shared request limiter, "
            "by what was full: the rest or graphql bucket, or every concurrency slot.",
            labels=["limit"],
        )
        for reason, count in limiter_waits().items():
            family.add_metric([reason], float(count))
        yield family
        # What the scheduler's tick divides by (services/scheduling.py bounds it); no sample
        # before any request was measured, when the tick uses SCHEDULER_REQUEST_MS.
        mean = GaugeMetricFamily(
            f"{NAMESPACE}_github_request_seconds_mean",
            "Mean seconds a GitHub request held its slot lately, measured by every process "
            "(decaying over about a minute).",
        )
        seconds = request_seconds_mean()
        if seconds is not None:
            mean.add_metric([], seconds)
        yield mean

    def _jobs(self) -> Iterator[Metric]:
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

    def _freshness(self) -> Iterator[Metric]:
        """Whether the scheduler keeps up (docs/operations.md, "Keeping 100,000 accounts
        fresh"): one aggregate over the tracked accounts, on the scheduler's own index."""
        now = timezone.now()
        stale_before = now - timedelta(seconds=settings.STATS_TTL)
        midnight = datetime.combine(today_utc(now), time.min, tzinfo=UTC)
        row = (
            GitHubAccount.objects.visible()
            .tracked()
            .aggregate(
                tracked=Count("pk"),
                stale=Count(
                    "pk", filter=Q(fetched_at__isnull=True) | Q(fetched_at__lt=stale_before)
                ),
                without_today=Count(
                    "pk", filter=Q(fetched_at__isnull=True) | Q(fetched_at__lt=midnight)
                ),
                oldest=Min("fetched_at"),
            )
        )
        for name, help_text, value in (
            ("tracked_accounts", "Visible accounts on at least one watchlist.", row["tracked"]),
            (
                "tracked_accounts_stale",
                "Tracked accounts never fetched or older than STATS_TTL: should drain.",
                row["stale"],
            ),
            (
                "tracked_accounts_without_snapshot_today",
                "Tracked accounts not refreshed yet this UTC day (no snapshot for today).",
                row["without_today"],
            ),
        ):
            yield GaugeMetricFamily(f"{NAMESPACE}_{name}", help_text, value=value)
        oldest = row["oldest"]
        yield GaugeMetricFamily(
            f"{NAMESPACE}_tracked_account_staleness_seconds_max",
            "Seconds since the least recently refreshed tracked account's refresh.",
            value=(now - oldest).total_seconds() if oldest is not None else 0.0,
        )
