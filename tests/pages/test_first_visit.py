"""The first visit to an account we do not store, against the fake GitHub over HTTP: the page
answers at once with a progress state polling its RefreshJob, then swaps the dashboard in."""

from http import HTTPStatus

import pytest

from github_stats.models import GitHubAccount, RefreshJob
from github_stats.services.jobs import refresh_job_run


@pytest.mark.django_db
def test_first_visit_polls_the_job_and_swaps_the_dashboard_in(client_logged_in, htmx, fake_github):
    fake_github.state.add_user("newcomer", repos=12)

    # No worker has run yet (on_commit does not fire inside this test's transaction).
    response = client_logged_in.get("/u/newcomer")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = response.content.decode()
    job = RefreshJob.objects.get(login="newcomer")
    assert "Fetching newcomer from GitHub" in body
    assert 'aria-live="polite"' in body
    assert f'hx-get="/u/newcomer?job={job.pk}"' in body
    assert 'hx-trigger="load delay:1s"' in body
    # Without JavaScript the page reloads itself.
    assert f'<meta http-equiv="refresh" content="2;url=/u/newcomer?job={job.pk}">' in body

    # A poll while the job is queued answers the progress state again (it keeps polling).
    poll = htmx.get(f"/u/newcomer?job={job.pk}", target="progress")
    assert poll.status_code == HTTPStatus.OK
    assert poll.content.decode().lstrip().startswith('<section id="progress"')
    assert "HX-Retarget" not in poll

    refresh_job_run(job_id=job.pk)  # what the worker does
    assert fake_github.state.total > 0

    # The next poll answers the dashboard, swapped over the whole page region; no more polling.
    poll = htmx.get(f"/u/newcomer?job={job.pk}", target="progress")
    assert poll["HX-Retarget"] == "#main-region"
    assert poll["HX-Reswap"] == "outerHTML"
    body = poll.content.decode()
    assert body.lstrip().startswith('<div id="main-region"')
    assert "Total stars" in body
    assert 'hx-trigger="load delay' not in body
    assert GitHubAccount.objects.filter(login="newcomer").exists()


@pytest.mark.django_db(transaction=True)
def test_first_visit_with_inline_tasks_answers_the_dashboard_directly(
    client_logged_in, fake_github
):
    fake_github.state.add_org("acme-org", repos=5)
    response = client_logged_in.get("/u/acme-org")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Organisation" in body
    assert "Refreshed <time" in body


@pytest.mark.django_db(transaction=True)
def test_first_visit_to_a_login_github_does_not_know(client_logged_in, fake_github):
    response = client_logged_in.get("/u/nobody-at-all")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"No such GitHub account" in response.content
    # Asking again soon costs GitHub nothing (the service remembers the 404 for a while).
    before = fake_github.state.total
    assert client_logged_in.get("/u/nobody-at-all").status_code == HTTPStatus.NOT_FOUND
    assert fake_github.state.total == before


@pytest.mark.django_db(transaction=True)
def test_first_visit_while_github_rate_limit_is_used_up(client_logged_in, fake_github):
    fake_github.state.add_user("patient", repos=3)
    fake_github.state.set_quota(remaining=0, reset_in=1800)
    response = client_logged_in.get("/u/patient")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = response.content.decode()
    assert "GitHub&#x27;s rate limit is used up" in body
    assert "The limit resets <time" in body
    assert 'hx-trigger="load delay:15s"' in body  # no point asking every second


@pytest.mark.django_db(transaction=True)
def test_first_visit_while_github_is_unavailable(client_logged_in, fake_github):
    fake_github.state.add_user("flaky", repos=3)
    fake_github.state.inject("/users/flaky", "status", count=None)
    response = client_logged_in.get("/u/flaky")
    body = response.content.decode()
    assert "GitHub is not answering right now" in body
    assert 'href="/u/flaky"' in body  # try again


@pytest.mark.django_db
def test_refresh_button_queues_a_job_and_polls_it(htmx, fake_github):
    fake_github.state.add_user("known", repos=2)
    job = RefreshJob.objects.create(login="known")
    refresh_job_run(job_id=job.pk)

    response = htmx.post("/u/known/refresh", target="refresh-status")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    new_job = RefreshJob.objects.exclude(pk=job.pk).get()
    assert body.lstrip().startswith('<div id="refresh-status"')
    assert "Refreshing from GitHub" in body
    assert f'hx-get="/u/known?job={new_job.pk}"' in body

    # A second click while it is in flight gets the same job.
    htmx.post("/u/known/refresh", target="refresh-status")
    assert RefreshJob.objects.count() == 2

    refresh_job_run(job_id=new_job.pk)
    poll = htmx.get(f"/u/known?job={new_job.pk}", target="refresh-status")
    assert poll["HX-Retarget"] == "#main-region"
    assert b"Refreshed <time" in poll.content


@pytest.mark.django_db
def test_refresh_without_javascript_redirects_to_the_progress(client_logged_in, fake_github):
    fake_github.state.add_user("known", repos=2)
    job = RefreshJob.objects.create(login="known")
    refresh_job_run(job_id=job.pk)
    response = client_logged_in.post("/u/known/refresh")
    assert response.status_code == HTTPStatus.FOUND
    new_job = RefreshJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/u/known?job={new_job.pk}"


@pytest.mark.django_db
def test_a_job_of_another_account_is_ignored(client_logged_in, htmx, fake_github):
    other = RefreshJob.objects.create(login="someone-else")
    fake_github.state.add_user("mine", repos=1)
    response = htmx.get(f"/u/mine?job={other.pk}", target="progress")
    # Not this account's job: treated as a fresh first visit with its own job.
    assert RefreshJob.objects.filter(login="mine").exists()
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.ACCEPTED)


@pytest.fixture
def two_refreshes_a_minute(settings, fake_github):
    """A stored account, "known", and a Refresh limit of two (an hour: with two a minute, the
    test's three presses now and then straddled the window's end, and the third went through)."""
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "refresh": "2/h"}
    fake_github.state.add_user("known", repos=2)
    refresh_job_run(job_id=RefreshJob.objects.create(login="known").pk)


@pytest.mark.django_db
def test_a_throttled_refresh_keeps_the_page_and_says_when_in_place(htmx, two_refreshes_a_minute):
    for _ in range(2):
        htmx.post("/u/known/refresh", target="refresh-status")
    response = htmx.post("/u/known/refresh", target="refresh-status")
    assert response.status_code == HTTPStatus.OK
    assert "HX-Retarget" not in response  # the refresh line, not the page's main region
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="refresh-status"')
    assert "<strong>Too many refreshes.</strong> You can press Refresh again in" in body
    assert 'hx-post="/u/known/refresh"' in body  # the button stays
    assert "<h1" not in body


@pytest.mark.django_db
def test_a_throttled_refresh_without_javascript_returns_to_the_page_with_a_message(
    client_logged_in, two_refreshes_a_minute
):
    for _ in range(2):
        client_logged_in.post("/u/known/refresh")
    response = client_logged_in.post("/u/known/refresh", follow=True)
    assert response.redirect_chain[-1] == ("/u/known", HTTPStatus.FOUND)
    assert "Too many refreshes. You can press Refresh again in" in response.content.decode()
