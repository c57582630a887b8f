"""manage.py backfill_accounts LOGIN [LOGIN ...] [--file F] [--stale] [--track-for EMAIL]

Refreshes accounts now, in this process: no Celery worker needs to run, and nothing is queued.
One line per account, then a summary. Exit status 0 when every account was refreshed, 1
otherwise. It never waits for a rate limit to reset: it reports the reset time and stops.
Accounts hidden by moderation are skipped (not a failure).
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
from github_stats.client import GitHubClient
from github_stats.exceptions import (
    AccountHidden,
    GitHubBadCredentials,
    GitHubUnavailable,
    InvalidLogin,
    NotFound,
    RateLimited,
)
from github_stats.models import Account
from github_stats.quota import quota_get
from github_stats.services import account_refresh, tracking_add

OK = "ok"
NOT_FOUND = "not found"
INVALID = "invalid"
RATE_LIMITED = "rate limited"
FAILED = "failed"
HIDDEN = "hidden (skipped)"
NOT_ATTEMPTED = "not attempted"
_FAILURES = (NOT_FOUND, INVALID, RATE_LIMITED, FAILED, NOT_ATTEMPTED)


@dataclass(frozen=True)
class _Target:
    label: str
    account: Account | None = None  # --stale gives stored accounts, the rest are logins


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
            for account in Account.objects.visible().stale(older_than=ttl).stalest_first():
                if account.login.lower() not in seen:
                    seen.add(account.login.lower())
                    targets.append(_Target(label=account.login, account=account))
        return targets

    def _refresh(self, target: _Target, client: GitHubClient, user: User | None) -> tuple[str, str]:
        try:
            if target.account is not None:
                result = account_refresh(account=target.account, client=client)
            else:
                result = account_refresh(login=target.label, client=client)
        except InvalidLogin as exc:
            return INVALID, f"invalid: {exc.message}"
        except AccountHidden:
            return HIDDEN, "skipped: hidden by moderation"
        except NotFound:
            return NOT_FOUND, "not found on GitHub"
        except RateLimited as exc:
            return RATE_LIMITED, (
                f"rate limited until {exc.reset_at:%Y-%m-%d %H:%M:%S} UTC; stopping here"
            )
        except (GitHubUnavailable, GitHubBadCredentials) as exc:
            return FAILED, f"failed: {exc.message}"
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
        order = (OK, NOT_FOUND, INVALID, RATE_LIMITED, FAILED, HIDDEN, NOT_ATTEMPTED)
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
