"""manage.py backfill_accounts LOGIN [LOGIN ...] [--file F] [--stale] [--track-for EMAIL]
                             [--star-history [--star-history-budget N]]
                             [--activity [--activity-budget N]]

Refreshes accounts now, in this process: no Celery worker needs to run. Each refresh is the
account's RefreshJob (services/jobs.py refresh_run_now), so an account already being refreshed by a
worker is reported, not fetched twice. One line per account, then a summary. Exit status 0 when
every account was refreshed, 1 otherwise. It never waits for a rate limit to reset: it reports
the reset time and stops, leaving that job parked for the scheduler. Accounts hidden by moderation
are skipped (not a failure).

--star-history also fills in each refreshed account's star history here and now (the same fill a
worker runs after a refresh: services/star_history.py), up to --star-history-budget requests per
account. Alone, without logins, it fills in every stored account that still lacks some, most
tracked first, without refreshing them: the upgrade path for accounts stored before star history
existed (the scheduler's normal refreshes do the same over time).

--activity does the same for activity, GitHub's contribution calendar (services/activity.py,
GraphQL: it needs GITHUB_TOKEN; without one each account says "skipped"): after each refresh,
the years it lacks, up to --activity-budget contribution years per account (about a GraphQL
point each). Alone, it fills in every stored visible user without any stored contribution year,
most tracked first. Both alone: each account lacking either gets both fills.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Exists, OuterRef

from accounts.models import User
from github_stats.exceptions import AccountHidden, QuotaReserved
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubNotFound, InvalidLogin, RateLimited
from github_stats.github.quota import quota_get
from github_stats.models import (
    AccountKind,
    ContributionYear,
    GitHubAccount,
    JobStatus,
    Repository,
)
from github_stats.services.activity import ActivityResult, activity_fill
from github_stats.services.jobs import refresh_run_now
from github_stats.services.star_history import FillResult, star_history_fill
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
        parser.add_argument(
            "--star-history",
            action="store_true",
            help="fill in star history too; alone: every stored account that lacks some",
        )
        parser.add_argument(
            "--star-history-budget",
            type=int,
            default=None,
            metavar="N",
            help="GitHub requests per account for star history (default STAR_HISTORY_BUDGET)",
        )
        parser.add_argument(
            "--activity",
            action="store_true",
            help="fill in activity (contributions) too; alone: every stored user without any",
        )
        parser.add_argument(
            "--activity-budget",
            type=int,
            default=None,
            metavar="N",
            help="contribution years fetched per account (default ACTIVITY_BUDGET)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["track_for"])
        self.star_history = options["star_history"]
        self.star_history_budget = options["star_history_budget"]
        if self.star_history_budget is not None and self.star_history_budget < 1:
            raise CommandError("--star-history-budget must be at least 1.")
        self.activity = options["activity"]
        self.activity_budget = options["activity_budget"]
        if self.activity_budget is not None and self.activity_budget < 1:
            raise CommandError("--activity-budget must be at least 1.")
        targets = self._targets(options["logins"], options["file"], stale=options["stale"])
        fill_only = not targets and (self.star_history or self.activity)
        if fill_only:
            targets = self._lacking()
            if not targets:
                self.stdout.write(
                    "Every stored account has its "
                    + " and ".join(
                        what
                        for what, asked in (
                            ("star history", self.star_history),
                            ("activity", self.activity),
                        )
                        if asked
                    )
                    + "."
                )
                return
        if not targets:
            raise CommandError(
                "Name at least one LOGIN, or use --file, --stale, --star-history or --activity."
            )
        counts: Counter[str] = Counter()
        client = GitHubClient(may_sleep=False)
        total = len(targets)
        for index, target in enumerate(targets, start=1):
            if fill_only:
                assert target.account is not None
                outcome, line = self._fills(target.account, client)
            else:
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
        filled = ""
        if self.star_history or self.activity:
            outcome, filled = self._fills(result.account, client)
            if outcome != OK:
                return outcome, filled
            filled = f"; {filled}"
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
            + filled
        )

    def _fills(self, account: GitHubAccount, client: GitHubClient) -> tuple[str, str]:
        """The fills asked for, star history first; the first that is not OK ends the line."""
        lines = []
        for asked, fill in ((self.star_history, self._fill), (self.activity, self._activity)):
            if not asked:
                continue
            outcome, line = fill(account, client)
            lines.append(line)
            if outcome != OK:
                return outcome, "; ".join(lines)
        return OK, "; ".join(lines)

    def _activity(self, account: GitHubAccount, client: GitHubClient) -> tuple[str, str]:
        if not client.has_token:
            return OK, "activity: skipped (no GITHUB_TOKEN)"
        if account.kind == AccountKind.ORG:
            return OK, "activity: skipped (an organisation has no contribution calendar)"
        result = activity_fill(account_id=account.pk, client=client, budget=self.activity_budget)
        if not result.ran:
            return BUSY, "activity: skipped, being fetched elsewhere"
        line = _activity_line(result)
        if result.rate_limited_until is not None:
            until = f"{result.rate_limited_until:%Y-%m-%d %H:%M:%S}"
            return RATE_LIMITED, f"{line}; rate limited until {until} UTC; stopping here"
        if result.error:
            # The rest of the refresh stands; the fill is retried later (its backoff is stored).
            return FAILED, f"{line}; failed: {result.error}"
        return OK, line

    def _fill(self, account: GitHubAccount, client: GitHubClient) -> tuple[str, str]:
        result = star_history_fill(
            account_id=account.pk, client=client, budget=self.star_history_budget
        )
        if not result.ran:
            return BUSY, "skipped: its star history is being fetched elsewhere"
        line = _fill_line(result)
        if result.rate_limited_until is not None:
            until = f"{result.rate_limited_until:%Y-%m-%d %H:%M:%S}"
            return RATE_LIMITED, f"{line}; rate limited until {until} UTC; stopping here"
        return OK, line

    def _lacking(self) -> list[_Target]:
        """The accounts a fill alone is for: lacking star history and/or activity, as asked,
        each once, in the order of the first list that names it."""
        found: dict[int, _Target] = {}
        if self.star_history:
            found |= {t.account.pk: t for t in self._lacking_star_history() if t.account}
        if self.activity:
            for target in self._lacking_activity():
                assert target.account is not None
                found.setdefault(target.account.pk, target)
        return list(found.values())

    def _lacking_activity(self) -> list[_Target]:
        """Visible users without any stored contribution year, most tracked first (then
        stalest). One query."""
        stored = ContributionYear.objects.filter(account=OuterRef("pk"))
        accounts = (
            GitHubAccount.objects.visible()
            .filter(kind=AccountKind.USER)
            .exclude(Exists(stored))
            .annotate(trackers=Count("trackings"))
            .order_by("-trackers", "fetched_at", "pk")
        )
        return [_Target(label=a.login, account=a) for a in accounts.only("pk", "login", "kind")]

    def _lacking_star_history(self) -> list[_Target]:
        """Visible accounts with a starred repository whose history was never fetched, most
        tracked first (then stalest): who waits for it most gets it first. One query."""
        lacking = Repository.objects.filter(
            owner=OuterRef("pk"), stars__gt=0, star_history__isnull=True
        )
        accounts = (
            GitHubAccount.objects.visible()
            .filter(Exists(lacking))
            .annotate(trackers=Count("trackings"))
            .order_by("-trackers", "fetched_at", "pk")
        )
        return [_Target(label=a.login, account=a) for a in accounts.only("pk", "login", "kind")]

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


def _fill_line(result: FillResult) -> str:
    failed = (
        f", {len(result.repositories_failed)} refused by GitHub"
        if result.repositories_failed
        else ""
    )
    later = f", {result.left_for_later} left for later" if result.left_for_later else ""
    return (
        f"star history of {result.repositories_fetched} repositories fetched "
        f"({result.requests} requests, {result.quota_requests} counted){failed}{later}"
    )


def _activity_line(result: ActivityResult) -> str:
    if result.events_not_modified:
        return "activity: nothing new (public events unchanged, 0 GraphQL points)"
    years = len(result.years_fetched)
    later = f", {result.left_for_later} left for later" if result.left_for_later else ""
    return (
        f"activity: {years} year{'s' if years != 1 else ''} fetched "
        f"({result.graphql_points} GraphQL points){later}"
    )
