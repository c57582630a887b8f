"""manage.py backfill_accounts LOGIN [LOGIN ...] [--file F] [--stale] [--track-for EMAIL]

Refreshes accounts now, in this process: no Celery worker needs to run. Each refresh is the
account's RefreshJob (services/jobs.py refresh_run_now), so an account already being refreshed by a
worker is reported, not fetched twice. One line per account, then a summary. Exit status 0 when
every account was refreshed, 1 otherwise. It never waits for a rate limit to reset: it reports
the reset time and stops, leaving that job parked for the scheduler. Accounts hidden by moderation
are skipped (not a failure).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from github_stats.exceptions import AccountHidden, QuotaReserved
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubNotFound, InvalidLogin, RateLimited
from github_stats.github.quota import quota_get
from github_stats.models import GitHubAccount, JobStatus
from github_stats.services.jobs import refresh_run_now
from github_stats.services.tracking import tracking_add

OK = "ok"
NOT_FOUND = "not found"
INVALID = "invalid"
RATE_LIMITED = "rate limited"
FAILED = "failed"
BUSY = "being refreshed elsewhere"
HIDDEN = "hidden (skipped)"
NOT_ATTEMPTED = "not attempted"
_FAILURES = (NOT_FOUND, INVALID, RATE_LIMITED, FAILED, BUSY, NOT_ATTEMPTED)


@dataclass(frozen=True)
class _Target:
    label: str
    account: GitHubAccount | None = None  # --stale gives stored accounts, the rest are logins


class Command(BaseCommand):
    help = (
        "Refresh GitHub accounts synchronously (no worker needed): one line per account and a "
        "summary; exit status 1 unless all succeeded. Never waits for a rate-limit reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("logins", nargs="*", metavar="LOGIN", help="GitHub logins")
        parser.add_argument("--file", type=Path, help="a file of logins, one a line (# comments)")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="also every visible stored account older than STATS_TTL, stalest first",
        )
        parser.add_argument(
            "--track-for", metavar="EMAIL", help="add every refreshed account to this watchlist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["track_for"])
        targets = self._targets(options["logins"], options["file"], stale=options["stale"])
        if not targets:
            raise CommandError("Name at least one LOGIN, or use --file or --stale.")
        counts: Counter[str] = Counter()
        client = GitHubClient(may_sleep=False)
        total = len(targets)
        for index, target in enumerate(targets, start=1):
            outcome, line = self._refresh(target, client, user)
            counts[outcome] += 1
            style = self.style.SUCCESS if outcome in (OK, HIDDEN) else self.style.ERROR
            self.stdout.write(style(f"[{index}/{total}] {target.label}: {line}"))
            if outcome == RATE_LIMITED:
                counts[NOT_ATTEMPTED] += total - index
                break
        self.stdout.write(self._summary(counts, client))
        failures = sum(counts[name] for name in _FAILURES)
        if failures:
            raise CommandError(f"{failures} of {total} accounts were not refreshed.", returncode=1)

    def _user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        return user

    def _targets(self, logins: list[str], file: Path | None, *, stale: bool) -> list[_Target]:
        names = list(logins)
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
            for raw in text.splitlines():
                line = raw.split("#", 1)[0].strip()
                if line:
                    names.append(line)
        targets: list[_Target] = []
        seen: set[str] = set()
        for name in names:
            if name.lower() not in seen:
                seen.add(name.lower())
                targets.append(_Target(label=name))
        if stale:
            ttl = timedelta(seconds=settings.STATS_TTL)
            for account in GitHubAccount.objects.visible().stale(older_than=ttl).stalest_first():
                if account.login.lower() not in seen:
                    seen.add(account.login.lower())
                    targets.append(_Target(label=account.login, account=account))
        return targets

    def _refresh(self, target: _Target, client: GitHubClient, user: User | None) -> tuple[str, str]:
        try:
            run = refresh_run_now(
                login=None if target.account else target.label,
                account=target.account,
                client=client,
            )
        except InvalidLogin as exc:
            return INVALID, f"invalid: {exc.message}"
        except AccountHidden:
            return HIDDEN, "skipped: hidden by moderation"
        except RateLimited as exc:
            return RATE_LIMITED, (
                f"rate limited until {exc.reset_at:%Y-%m-%d %H:%M:%S} UTC; stopping here"
            )
        except QuotaReserved as exc:
            # New accounts, like everyone's, stop at the reserve kept for tracked accounts.
            return RATE_LIMITED, (
                "the rest of the hour's quota is kept for tracked accounts until "
                f"{exc.reset_at:%Y-%m-%d %H:%M:%S} UTC; stopping here"
            )
        job, result = run.job, run.result
        if run.busy or job is None:
            return BUSY, "skipped: a worker is refreshing it right now"
        if result is None:
            if job.status == JobStatus.FAILED and job.error_code == GitHubNotFound.code:
                return NOT_FOUND, "not found on GitHub"
            return FAILED, f"failed: {job.error or job.status}"
        if user is not None:
            tracking_add(user=user, account=result.account)
        stats = result.stats
        renamed = (
            f" (now {result.account.login})"
            if result.account.login.lower() != target.label.lower()
            else ""
        )
        return OK, (
            f"ok{renamed}: {result.repositories} repositories "
            f"({result.repositories_written} written, {result.repositories_removed} removed), "
            f"{stats.requests} GitHub requests, {stats.quota_requests} counted against the quota"
            + (f", {stats.graphql_points} GraphQL points" if stats.graphql_points else "")
        )

    def _summary(self, counts: Counter[str], client: GitHubClient) -> str:
        order = (OK, NOT_FOUND, INVALID, RATE_LIMITED, FAILED, BUSY, HIDDEN, NOT_ATTEMPTED)
        parts = ", ".join(f"{name} {counts[name]}" for name in order if counts[name] or name == OK)
        state = quota_get()
        if state is None:
            quota = "GitHub quota left: unknown (no response seen)"
        else:
            limit = f"/{state.limit}" if state.limit is not None else ""
            quota = (
                f"GitHub quota left: {state.remaining}{limit}, "
                f"resets {state.reset_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        return (
            f"Summary: {parts}. {client.stats.requests} GitHub requests "
            f"({client.stats.quota_requests} counted). {quota}."
        )
