"""Page tests: the fake GitHub from tests/github_stats (tasks run inline in tests, so a first
visit refreshes against it over real HTTP) and a signed-in htmx client."""

import pytest
from django.test import Client

from tests.github_stats.conftest import fake_github, fake_github_server  # noqa: F401


class HtmxClient:
    """The test client with the headers htmx sends."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, *, target: str | None = None, current_url: str = "", **extra):
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": current_url or f"http://testserver{path}",
        }
        if target:
            headers["HX-Target"] = target
        return self.client.get(path, headers=headers, **extra)

    def post(self, path: str, data=None, *, target: str | None = None, **extra):
        headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
        if target:
            headers["HX-Target"] = target
        return self.client.post(path, data or {}, headers=headers, **extra)


@pytest.fixture
def htmx(client_logged_in: Client) -> HtmxClient:
    return HtmxClient(client_logged_in)


@pytest.fixture
def htmx_anonymous(client: Client) -> HtmxClient:
    return HtmxClient(client)


@pytest.fixture
def refresh(fake_github, django_capture_on_commit_callbacks):  # noqa: F811 - the fixture
    """Refresh an account for real, as Refresh or the scheduler does: its RefreshJob, run
    inline against the fake GitHub over HTTP, and everything queued on commit (the task, then
    the new cache version) carried out."""
    from github_stats.models import GitHubAccount, JobStatus
    from github_stats.services.jobs import refresh_request

    def run(login: str) -> GitHubAccount:
        with django_capture_on_commit_callbacks(execute=True):
            job = refresh_request(login=login)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        return GitHubAccount.objects.get(pk=job.account_id)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the block queued for after its commit (the tests'
    transaction never commits), as production's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
