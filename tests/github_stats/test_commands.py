"""manage.py backfill_accounts and refresh_stale: output and exit status."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository, Tracking
from tests.github_stats.commands import backfill
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory

pytestmark = pytest.mark.django_db


def test_backfill_refreshes_every_login_and_exits_0(fake_github):
    fake_github.state.add_user("alice", repos=120)
    fake_github.state.add_org("acme", repos=3)

    status, output = backfill("alice", "acme")

    assert status == 0
    assert "[1/2] alice: ok: 120 repositories (120 written, 0 removed), 3 GitHub requests" in output
    assert "[2/2] acme: ok: 3 repositories" in output
    assert "Summary: ok 2." in output
    assert "GitHub quota left: 4995/5000" in output
    assert set(GitHubAccount.objects.values_list("login", "kind")) == {
        ("alice", "user"),
        ("acme", "org"),
    }
    # Each through its RefreshJob, run here: none is left for a worker.
    jobs = RefreshJob.objects.order_by("created_at")
    assert [(job.login, job.status, job.quota_requests) for job in jobs] == [
        ("alice", JobStatus.SUCCEEDED, 3),
        ("acme", JobStatus.SUCCEEDED, 2),
    ]


def test_backfill_reports_not_found_and_invalid_and_exits_1(fake_github):
    fake_github.state.add_user("alice")

    status, output = backfill("alice", "nobody", "bad--login")

    assert status == 1
    assert "[2/3] nobody: not found on GitHub" in output
    assert "[3/3] bad--login: invalid: 'bad--login' is not a GitHub login" in output
    assert "Summary: ok 1, not found 1, invalid 1." in output
    assert "CommandError: 2 of 3 accounts were not refreshed." in output
    assert "Traceback" not in output


def test_backfill_stops_at_a_rate_limit_without_waiting(fake_github):
    fake_github.state.add_user("alice")
    fake_github.state.add_user("bob")
    fake_github.state.set_quota(remaining=0, reset_in=900)

    status, output = backfill("alice", "bob")

    assert status == 1
    reset = timezone.now() + dt.timedelta(seconds=900)
    assert f"[1/2] alice: rate limited until {reset:%Y-%m-%d %H:%M}" in output
    assert "stopping here" in output
    assert "bob" not in output.split("Summary")[0]
    assert "rate limited 1, not attempted 1" in output
    assert "GitHub quota left: 0/5000" in output
    assert fake_github.state.total == 1
    # Parked for the scheduler, which resumes it after the reset.
    job = RefreshJob.objects.get()
    assert (job.login, job.status, job.error_code) == ("alice", "queued", "github_rate_limited")


def test_backfill_leaves_an_account_a_worker_is_refreshing_to_the_worker(fake_github):
    fake = fake_github.state.add_user("alice")
    account = GitHubAccountFactory(login="alice", github_id=fake.id)
    RefreshJobFactory(account=account, status=JobStatus.RUNNING)

    status, output = backfill("alice")

    assert status == 1
    assert "[1/1] alice: skipped: a worker is refreshing it right now" in output
    assert fake_github.state.total == 0


def test_backfill_reports_github_failures(fake_github):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=500, count=None)

    status, output = backfill("alice")

    assert status == 1
    assert "[1/1] alice: failed: GitHub answered 500 3 times." in output


def test_backfill_skips_hidden_accounts(fake_github):
    GitHubAccountFactory(login="alice", hidden=True)

    status, output = backfill("alice")

    assert status == 0
    assert "[1/1] alice: skipped: hidden by moderation" in output
    assert fake_github.state.total == 0


def test_backfill_reads_logins_from_a_file(fake_github, tmp_path: Path):
    fake_github.state.add_user("alice")
    fake_github.state.add_user("bob")
    logins = tmp_path / "logins.txt"
    logins.write_text("# people\nalice\n\nbob  # a comment\nALICE\n")

    status, output = backfill("--file", str(logins))

    assert status == 0
    assert "Summary: ok 2." in output


def test_backfill_stale_refreshes_stored_accounts_older_than_the_ttl(fake_github, settings):
    fake = fake_github.state.add_user("alice", repos=2)
    old = timezone.now() - dt.timedelta(seconds=settings.STATS_TTL + 60)
    GitHubAccountFactory(login="alice", github_id=fake.id, fetched_at=old)
    GitHubAccountFactory(fetched_at=timezone.now())  # fresh: not refreshed

    status, output = backfill("--stale")

    assert status == 0
    assert "[1/1] alice: ok" in output
    assert Repository.objects.count() == 2


def test_backfill_tracks_for_a_user(fake_github, user):
    fake_github.state.add_user("alice")

    status, _ = backfill("alice", "--track-for", user.email.upper())

    assert status == 0
    assert Tracking.objects.get().user == user


def test_backfill_for_an_unknown_user_is_an_error(fake_github):
    status, output = backfill("alice", "--track-for", "nobody@example.com")

    assert status == 1
    assert "No user has the email address nobody@example.com." in output
    assert fake_github.state.total == 0


def test_backfill_needs_something_to_do(db):
    status, output = backfill()

    assert status == 1
    assert "Name at least one LOGIN" in output


def test_refresh_stale_runs_one_tick(fake_github, django_capture_on_commit_callbacks):
    out = io.StringIO()

    call_command("refresh_stale", stdout=out)

    assert out.getvalue().startswith("Queued 0 stale accounts, re-queued 0 waiting jobs;")
