"""Moderation in the admin: hiding with a reason, unhiding, refreshing now, retrying jobs,
deactivating people, revoking sessions and tokens; each writes an audit row."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import AuditAction, AuditLog
from github_stats.models import GitHubAccount, JobStatus, RefreshJob
from github_stats.services.scheduling import refresh_stale_tick
from tests.api.conftest import bearer_client, tokens_obtain
from tests.factories import UserFactory
from tests.github_stats.factories import (
    GitHubAccountFactory,
    RefreshJobFactory,
    RepositoryFactory,
    TrackingFactory,
)

pytestmark = pytest.mark.django_db


def _act(client: Client, url: str, action: str, pks: list, **extra) -> object:
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **extra}
    return client.post(url, data)


def _hide(staff_client: Client, admin_url: str, account: GitHubAccount, reason: str = "spam"):
    return _act(
        staff_client,
        f"{admin_url}github_stats/githubaccount/",
        "hide_accounts",
        [account.pk],
        apply="1",
        reason=reason,
    )


# --- hiding -----------------------------------------------------------------------------------


def test_hide_asks_for_a_reason_before_hiding(staff_client, admin_url):
    account = GitHubAccountFactory(login="spammer")
    response = _act(
        staff_client, f"{admin_url}github_stats/githubaccount/", "hide_accounts", [account.pk]
    )
    assert response.status_code == HTTPStatus.OK
    assert b'name="reason"' in response.content
    account.refresh_from_db()
    assert not account.hidden
    assert not AuditLog.objects.exists()


def test_hide_without_a_reason_is_refused(staff_client, admin_url):
    account = GitHubAccountFactory(login="spammer")
    response = _hide(staff_client, admin_url, account, reason="  ")
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    account.refresh_from_db()
    assert not account.hidden


def test_hide_with_a_reason_hides_and_writes_the_audit_log(staff_client, admin_url, staff):
    account = GitHubAccountFactory(login="spammer")
    response = _hide(staff_client, admin_url, account, reason="Impersonates a project")
    assert response.status_code == HTTPStatus.FOUND
    account.refresh_from_db()
    assert account.hidden
    assert account.hidden_reason == "Impersonates a project"
    entry = AuditLog.objects.get()
    assert entry.action == AuditAction.ACCOUNT_HIDE
    assert entry.actor == staff
    assert entry.actor_email == staff.email
    assert (entry.target_type, entry.target_id) == ("github_stats.githubaccount", str(account.pk))
    assert entry.target_repr == "spammer"
    assert entry.reason == "Impersonates a project"
    assert entry.request_id == "req-moderation-0001"
    assert entry.ip_address == "192.0.2.10"
    assert entry.created_at is not None


def test_unhide_restores_the_account_and_writes_the_audit_log(staff_client, admin_url):
    account = GitHubAccountFactory(login="spammer", hidden=True, hidden_reason="spam")
    response = _act(
        staff_client, f"{admin_url}github_stats/githubaccount/", "unhide_accounts", [account.pk]
    )
    assert response.status_code == HTTPStatus.FOUND
    account.refresh_from_db()
    assert not account.hidden
    assert account.hidden_reason == ""
    assert AuditLog.objects.get().action == AuditAction.ACCOUNT_UNHIDE


# --- a hidden account, everywhere -------------------------------------------------------------


@pytest.fixture
def hidden_by_admin(staff_client, admin_url) -> GitHubAccount:
    account = GitHubAccountFactory(
        login="gone-dark", fetched_at=timezone.now() - timedelta(days=30)
    )
    TrackingFactory(account=account)
    assert _hide(staff_client, admin_url, account).status_code == HTTPStatus.FOUND
    account.refresh_from_db()
    return account


def test_a_hidden_account_is_not_shown_on_its_page(client_logged_in, hidden_by_admin):
    response = client_logged_in.get("/u/gone-dark")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"This account is not available" in response.content


def test_a_hidden_account_is_404_in_the_api(user, hidden_by_admin):
    api = bearer_client(tokens_obtain(user.email).access)
    response = api.get("/api/v1/accounts/gone-dark")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"] == "not_found"


def test_the_scheduler_skips_a_hidden_account(hidden_by_admin, django_capture_on_commit_callbacks):
    stale_visible = GitHubAccountFactory(fetched_at=timezone.now() - timedelta(days=30))
    TrackingFactory(account=stale_visible)
    with django_capture_on_commit_callbacks():
        tick = refresh_stale_tick()
    assert tick.queued == [stale_visible.login]
    assert not RefreshJob.objects.filter(account=hidden_by_admin).exists()


def test_the_stale_backfill_skips_a_hidden_account(hidden_by_admin):
    # The only stale account is hidden, so --stale finds nothing to refresh.
    with pytest.raises(CommandError, match="at least one LOGIN"):
        call_command("backfill_accounts", "--stale")


# --- refresh now, retry -----------------------------------------------------------------------


def test_refresh_now_queues_a_job_through_refresh_request(staff_client, admin_url, staff):
    account = GitHubAccountFactory(login="octo")
    response = _act(
        staff_client, f"{admin_url}github_stats/githubaccount/", "refresh_accounts", [account.pk]
    )
    assert response.status_code == HTTPStatus.FOUND
    job = RefreshJob.objects.get(account=account)
    assert job.requested_by == staff
    assert AuditLog.objects.get().action == AuditAction.ACCOUNT_REFRESH


def test_refresh_now_refuses_a_hidden_account(staff_client, admin_url):
    account = GitHubAccountFactory(login="octo", hidden=True)
    _act(staff_client, f"{admin_url}github_stats/githubaccount/", "refresh_accounts", [account.pk])
    assert not RefreshJob.objects.exists()
    assert not AuditLog.objects.exists()


def test_retry_queues_a_new_job_for_a_failed_one(staff_client, admin_url):
    failed = RefreshJobFactory(status=JobStatus.FAILED, error="GitHub answered 500 3 times.")
    response = _act(staff_client, f"{admin_url}github_stats/refreshjob/", "retry_jobs", [failed.pk])
    assert response.status_code == HTTPStatus.FOUND
    retry = RefreshJob.objects.exclude(pk=failed.pk).get()
    assert retry.status == JobStatus.QUEUED
    assert retry.account == failed.account
    assert AuditLog.objects.get().action == AuditAction.REFRESH_JOB_RETRY


def test_retry_leaves_jobs_in_flight_alone(staff_client, admin_url):
    queued = RefreshJobFactory(status=JobStatus.QUEUED)
    _act(staff_client, f"{admin_url}github_stats/refreshjob/", "retry_jobs", [queued.pk])
    assert RefreshJob.objects.count() == 1
    assert not AuditLog.objects.exists()


def test_refresh_jobs_filter_by_status_and_search_error_text(staff_client, admin_url):
    RefreshJobFactory(login="a", status=JobStatus.FAILED, error="GitHub answered 502")
    RefreshJobFactory(login="b", status=JobStatus.SUCCEEDED)
    url = f"{admin_url}github_stats/refreshjob/"
    by_status = staff_client.get(url, {"status__exact": "failed"})
    by_error = staff_client.get(url, {"q": "answered 502"})
    assert by_status.status_code == by_error.status_code == HTTPStatus.OK
    assert by_status.context["cl"].result_count == 1
    assert by_error.context["cl"].result_count == 1


def test_accounts_filter_by_kind_hidden_stale_and_status(staff_client, admin_url):
    GitHubAccountFactory(login="fresh-user")
    GitHubAccountFactory(login="old-org", kind="org", fetched_at=timezone.now() - timedelta(days=9))
    url = f"{admin_url}github_stats/githubaccount/"
    for query, expected in [
        ({"kind__exact": "org"}, 1),
        ({"hidden__exact": "0"}, 2),
        ({"stale": "yes"}, 1),
        ({"refresh_status__exact": "ok"}, 2),
        ({"q": "fresh"}, 1),
    ]:
        response = staff_client.get(url, query)
        assert response.status_code == HTTPStatus.OK
        assert response.context["cl"].result_count == expected, query


# --- people, sessions, tokens -----------------------------------------------------------------


def test_deactivate_ends_sessions_and_writes_the_audit_log(staff_client, admin_url):
    person = UserFactory()
    browser = Client()
    browser.force_login(person)
    assert browser.get("/watchlist/").status_code == HTTPStatus.OK

    response = _act(staff_client, f"{admin_url}accounts/user/", "deactivate_users", [person.pk])

    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert not person.is_active
    assert browser.get("/watchlist/").status_code == HTTPStatus.FOUND  # to the login page
    assert AuditLog.objects.get().action == AuditAction.USER_DEACTIVATE


def test_staff_cannot_deactivate_themselves(staff_client, admin_url, staff):
    _act(staff_client, f"{admin_url}accounts/user/", "deactivate_users", [staff.pk])
    staff.refresh_from_db()
    assert staff.is_active


def test_the_user_page_shows_their_watchlist(staff_client, admin_url):
    tracking = TrackingFactory(account__login="watched-one")
    response = staff_client.get(f"{admin_url}accounts/user/{tracking.user.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    assert b"watched-one" in response.content


def test_revoking_a_session_revokes_its_api_tokens(staff_client, admin_url, user):
    tokens = tokens_obtain(user.email)
    api = bearer_client(tokens.access)
    assert api.get("/api/v1/me").status_code == HTTPStatus.OK
    session_keys = [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    assert session_keys

    response = _act(staff_client, f"{admin_url}accounts/signedinsession/", "revoke", session_keys)

    assert response.status_code == HTTPStatus.FOUND
    assert api.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED
    refreshed = Client().post(
        "/_allauth/app/v1/tokens/refresh",
        {"refresh_token": tokens.refresh},
        content_type="application/json",
    )
    assert refreshed.status_code >= HTTPStatus.BAD_REQUEST
    entry = AuditLog.objects.get()
    assert entry.action == AuditAction.SESSION_REVOKE
    assert entry.target_repr == user.email


def test_sign_out_everywhere_revokes_every_token_of_a_person(staff_client, admin_url, user):
    first, second = tokens_obtain(user.email), tokens_obtain(user.email)
    _act(staff_client, f"{admin_url}accounts/user/", "revoke_sessions", [user.pk])
    for tokens in (first, second):
        assert bearer_client(tokens.access).get("/api/v1/me").status_code == 401
    assert AuditLog.objects.get().action == AuditAction.SESSION_REVOKE


def test_the_sessions_page_names_who_is_signed_in(staff_client, admin_url, user):
    tokens_obtain(user.email)
    response = staff_client.get(f"{admin_url}accounts/signedinsession/")
    assert response.status_code == HTTPStatus.OK
    assert user.email.encode() in response.content


# --- untrusted strings ------------------------------------------------------------------------


def test_admin_lists_escape_github_strings(staff_client, admin_url):
    owner = GitHubAccountFactory(login="evil", name="<b>x</b>", bio="<script>alert('bio')</script>")
    RepositoryFactory(owner=owner, description="<script>alert('repo')</script>")
    RefreshJobFactory(account=owner, status=JobStatus.FAILED, error="<script>alert(1)</script>")
    for path in (
        "github_stats/githubaccount/",
        "github_stats/repository/",
        "github_stats/refreshjob/",
    ):
        response = staff_client.get(f"{admin_url}{path}")
        assert response.status_code == HTTPStatus.OK
        assert b"<script>alert" not in response.content, path
        assert b"&lt;script&gt;alert" in response.content, path


# --- who may moderate -------------------------------------------------------------------------


def test_people_who_are_not_staff_cannot_moderate(client_logged_in, admin_url):
    account = GitHubAccountFactory(login="spammer")
    response = _act(
        client_logged_in,
        f"{admin_url}github_stats/githubaccount/",
        "hide_accounts",
        [account.pk],
        apply="1",
        reason="x",
    )
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    account.refresh_from_db()
    assert not account.hidden


def test_the_admin_login_is_allauths_rate_limited_login(client, admin_url):
    response = client.get(admin_url)
    assert response.status_code == HTTPStatus.FOUND
    login = client.get(response["Location"])
    assert login.status_code == HTTPStatus.FOUND
    assert login["Location"].startswith("/accounts/login/")


def test_repositories_and_snapshots_are_read_only(staff_client, admin_url):
    repo = RepositoryFactory()
    assert staff_client.get(f"{admin_url}github_stats/repository/add/").status_code == 403
    change = staff_client.post(f"{admin_url}github_stats/repository/{repo.pk}/change/", {})
    assert change.status_code == HTTPStatus.FORBIDDEN
    delete = staff_client.post(
        f"{admin_url}github_stats/repository/{repo.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert staff_client.get(f"{admin_url}github_stats/accountsnapshot/add/").status_code == 403
