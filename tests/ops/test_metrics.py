"""/metrics: Prometheus text, only for the bearer of METRICS_TOKEN: django-prometheus's HTTP and
cache metrics, and github_stats's own figures (github_stats/metrics.py)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from github_stats.github.quota import quota_from_headers, quota_record
from github_stats.metrics import github_response_hook
from github_stats.models import JobStatus
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory, TrackingFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(token: str = TOKEN) -> dict[str, list]:
    response = Client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == HTTPStatus.OK, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family.samples for family in families}


def _value(samples: list, name: str, **labels: str) -> float:
    for sample in samples:
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    raise AssertionError(f"no sample {name} {labels} in {samples}")


def test_metrics_are_404_when_no_token_is_configured(settings):
    settings.METRICS_TOKEN = ""
    response = Client().get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"]
)
def test_metrics_refuse_a_missing_or_wrong_token(metrics_token, header):
    headers = {"Authorization": header} if header is not None else {}
    response = Client().get("/metrics", headers=headers)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert b"gitpulse" not in response.content


def test_metrics_answer_for_any_host_name(metrics_token, settings):
    # Prometheus scrapes each machine by address; ALLOWED_HOSTS must not refuse it.
    settings.ALLOWED_HOSTS = ["gitpulse.example.com"]
    response = Client(HTTP_HOST="10.0.0.7:8000").get(
        "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == HTTPStatus.OK


RESPONSES = "django_http_responses_total_by_status_view_method"
LATENCY = "django_http_requests_latency_seconds_by_view_method"


def _count(samples: list, name: str, **labels: str) -> float:
    """A counter's value, 0 before its first increment."""
    wanted = [s for s in samples if s.name == name]
    matching = [s for s in wanted if all(s.labels.get(k) == v for k, v in labels.items())]
    return matching[0].value if matching else 0.0


def test_requests_and_latencies_are_counted_by_view_and_status(metrics_token, client_logged_in):
    before = _scrape()
    client_logged_in.get("/watchlist/")
    after = _scrape()
    labels = {"method": "GET", "view": "watchlist"}
    name = f"{RESPONSES}_total"
    assert _count(after[RESPONSES], name, status="200", **labels) == (
        _count(before.get(RESPONSES, []), name, status="200", **labels) + 1
    )
    name = f"{LATENCY}_count"
    assert (
        _count(after[LATENCY], name, **labels)
        == _count(before.get(LATENCY, []), name, **labels) + 1
    )


def test_unresolved_paths_share_one_label(metrics_token, client):
    client.get("/no/such/page/12345")
    views = {s.labels.get("view") for s in _scrape()[RESPONSES]}
    assert "<unnamed view>" in views
    assert not any("12345" in (view or "") for view in views)


def test_cache_hits_and_misses_are_counted(metrics_token):
    # Read from this process's registry: a scrape reads the cache too (the quota state).
    def counted(name: str) -> float:
        return sum(
            sample.value
            for family in REGISTRY.collect()
            for sample in family.samples
            if sample.name == name
        )

    hits, misses = counted("django_cache_get_hits_total"), counted("django_cache_get_misses_total")
    cache.set("metrics-test", 1)
    cache.get("metrics-test")
    cache.get("metrics-test-missing")
    assert counted("django_cache_get_hits_total") == hits + 1
    assert counted("django_cache_get_misses_total") == misses + 1
    assert "django_cache_get_hits" in _scrape()


def test_refresh_jobs_by_status_and_duration(metrics_token):
    now = timezone.now()
    RefreshJobFactory(status=JobStatus.QUEUED)
    RefreshJobFactory(
        status=JobStatus.SUCCEEDED, started_at=now - timedelta(seconds=3), finished_at=now
    )
    RefreshJobFactory(
        status=JobStatus.FAILED, started_at=now - timedelta(seconds=40), finished_at=now
    )
    metrics = _scrape()
    jobs = metrics["gitpulse_refresh_jobs"]
    assert _value(jobs, "gitpulse_refresh_jobs", status="queued") == 1
    assert _value(jobs, "gitpulse_refresh_jobs", status="succeeded") == 1
    assert _value(jobs, "gitpulse_refresh_jobs", status="failed") == 1
    assert _value(jobs, "gitpulse_refresh_jobs", status="running") == 0
    durations = metrics["gitpulse_refresh_job_duration_seconds"]
    name = "gitpulse_refresh_job_duration_seconds_bucket"
    assert _value(durations, name, le="5.0") == 1
    assert _value(durations, name, le="60.0") == 2
    assert _value(durations, name, le="+Inf") == 2
    gsum = metrics["gitpulse_refresh_job_duration_seconds_gsum"]
    assert _value(gsum, "gitpulse_refresh_job_duration_seconds_gsum") == pytest.approx(43)


def test_how_fresh_the_tracked_accounts_are(metrics_token, settings):
    now = timezone.now()
    ttl = timedelta(seconds=settings.STATS_TTL)
    TrackingFactory(account__fetched_at=now)  # fresh, refreshed today
    TrackingFactory(account__fetched_at=now - ttl * 10)  # stale and not refreshed today
    TrackingFactory(account__fetched_at=None)  # never fetched
    GitHubAccountFactory(fetched_at=now - ttl * 20)  # stale, but nobody tracks it
    metrics = _scrape()

    def gauge(name: str) -> float:
        return _value(metrics[name], name)

    assert gauge("gitpulse_tracked_accounts") == 3
    assert gauge("gitpulse_tracked_accounts_stale") == 2
    assert gauge("gitpulse_tracked_accounts_without_snapshot_today") == 2
    staleness = gauge("gitpulse_tracked_account_staleness_seconds_max")
    assert staleness == pytest.approx((ttl * 10).total_seconds(), rel=0.01)


def test_github_quota_remaining_and_reset(metrics_token):
    reset = int(timezone.now().timestamp()) + 1800
    state = quota_from_headers(
        {
            "x-ratelimit-remaining": "42",
            "x-ratelimit-limit": "60",
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core",
        }
    )
    assert state is not None
    quota_record(state)
    metrics = _scrape()
    remaining = metrics["gitpulse_github_quota_remaining"]
    assert _value(remaining, "gitpulse_github_quota_remaining", resource="core") == 42
    assert (
        _value(
            metrics["gitpulse_github_quota_limit"], "gitpulse_github_quota_limit", resource="core"
        )
        == 60
    )
    reset_samples = metrics["gitpulse_github_quota_reset_timestamp_seconds"]
    name = "gitpulse_github_quota_reset_timestamp_seconds"
    assert _value(reset_samples, name, resource="core") == reset


def test_github_responses_are_counted_by_status_through_the_session_hook(
    metrics_token,
    fake_github,
):
    fake_github.state.add_user("octocat")
    session = requests.Session()
    session.hooks["response"].append(github_response_hook)
    assert session.get(f"{fake_github.url}/users/octocat", timeout=5).status_code == 200
    assert session.get(f"{fake_github.url}/users/nobody-here", timeout=5).status_code == 404
    samples = _scrape()["gitpulse_github_responses"]
    assert _value(samples, "gitpulse_github_responses_total", status="200") == 1
    assert _value(samples, "gitpulse_github_responses_total", status="404") == 1


def test_the_github_client_reports_every_answer_to_the_metrics(
    metrics_token,
    fake_github,
):
    from github_stats.github.client import GitHubClient
    from github_stats.github.errors import GitHubNotFound

    fake_github.state.add_user("hooked")
    client = GitHubClient(base_url=fake_github.url, token="")
    client.account_get(login="hooked")
    with pytest.raises(GitHubNotFound):
        client.account_get(login="nobody-at-all")
    samples = _scrape()["gitpulse_github_responses"]
    assert _value(samples, "gitpulse_github_responses_total", status="200") == 1
    assert _value(samples, "gitpulse_github_responses_total", status="404") == 1


def test_limiter_waits_are_counted_for_every_process(metrics_token, fake_github, settings):
    from github_stats.github.client import GitHubClient
    from github_stats.github.errors import RateLimited

    settings.GITHUB_REST_POINTS_PER_MINUTE = 1
    fake_github.state.add_user("hooked")
    client = GitHubClient(base_url=fake_github.url, token="ghp_metrics_waits")
    client.account_get(login="hooked")
    with pytest.raises(RateLimited):
        client.account_get(login="hooked")  # the bucket was full
    samples = _scrape()["gitpulse_github_limiter_waits"]
    name = "gitpulse_github_limiter_waits_total"
    assert _value(samples, name, limit="rest") == 1
    assert _value(samples, name, limit="graphql") == 0
    assert _value(samples, name, limit="concurrency") == 0


def test_the_measured_time_of_a_github_request_is_a_gauge(metrics_token, fake_github):
    from github_stats.github.client import GitHubClient

    name = "gitpulse_github_request_seconds_mean"
    assert _scrape()[name] == []  # nothing measured yet: no sample, the tick uses the setting
    fake_github.state.add_user("hooked")
    fake_github.state.latency = 0.1
    client = GitHubClient(base_url=fake_github.url, token="")  # the settings' token
    client.account_get(login="hooked")
    client.account_get(login="hooked")
    assert 0.1 <= _value(_scrape()[name], name) < 0.2


def test_the_celery_queue_length_is_read_from_the_broker(metrics_token, settings):
    from tests.services import require_redis

    require_redis()
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = "celery"
    before = broker.llen(queue)
    broker.rpush(queue, b"{}", b"{}")
    try:
        samples = _scrape()["gitpulse_celery_queue_length"]
        assert _value(samples, "gitpulse_celery_queue_length", queue="celery") == before + 2
    finally:
        broker.lrem(queue, 2, b"{}")


_INCREMENT = """
import django; django.setup()
from django_prometheus.middleware import Metrics
Metrics.get_instance().responses_by_status_view_method.labels("200", "watchlist", "GET").inc()
"""
_SCRAPE = """
import django; django.setup()
from django.conf import settings
settings.CELERY_BROKER_URL = "memory://"
from prometheus_client import generate_latest
from config.metrics import metrics_registry
print(generate_latest(metrics_registry()).decode())
"""


def test_gunicorn_workers_are_summed_in_multiprocess_mode(tmp_path):
    # Two "workers" count a request each; a scrape in a third process sees both.
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _INCREMENT], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", _SCRAPE], env=env, check=True, timeout=60, capture_output=True
    ).stdout.decode()
    samples = {family.name: family.samples for family in text_string_to_metric_families(out)}
    total = _value(samples[RESPONSES], f"{RESPONSES}_total", view="watchlist", status="200")
    assert total == 2


def _method_series(samples_by_family: dict[str, list]) -> set[tuple]:
    return {
        (sample.name, tuple(sorted(sample.labels.items())))
        for samples in samples_by_family.values()
        for sample in samples
        if "method" in sample.labels
    }


def test_invented_http_methods_add_no_metric_series(metrics_token, client):
    # The first one may add the "other" series; the next twenty add none.
    for path in ("/", "/no/such/page", "/api/v1/me"):
        client.generic("INVENTED", path)
    before = _method_series(_scrape())
    for number in range(20):
        for path in ("/", "/no/such/page", "/api/v1/me"):
            client.generic(f"INVENTED{number}", path)
    after = _scrape()
    assert _method_series(after) == before
    methods = {dict(labels)["method"] for _, labels in _method_series(after)}
    assert "other" in methods
    assert not any(method.startswith("INVENTED") for method in methods)
