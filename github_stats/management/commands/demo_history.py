"""manage.py demo_history LOGIN [LOGIN ...] [--days 365]

DEMO ONLY (`make demo` runs it): gives stored accounts a year of invented daily snapshots, so the
offline demo shows curves as a long-tracked account has them. Refuses to run unless
GITHUB_API_URL is the fake GitHub on loopback, and needs each account stored first (`make demo`
fetches them with backfill_accounts). Days that already have a snapshot are kept, so running it
again adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from github_stats.models import GitHubAccount
from github_stats.services.demo import demo_history_seed, github_is_fake


class Command(BaseCommand):
    help = "Demo only: invent a year of daily history for accounts fetched from the fake GitHub."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("logins", nargs="+", metavar="LOGIN")
        parser.add_argument("--days", type=int, default=365, help="days of history (default 365)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not github_is_fake():
            raise CommandError(
                "demo_history invents history: it runs only against the demo's fake GitHub "
                "(GITHUB_API_URL on 127.0.0.1 or localhost)."
            )
        days = options["days"]
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        for login in options["logins"]:
            account = GitHubAccount.objects.by_login(login).first()
            if account is None:
                raise CommandError(f"{login} is not stored: fetch it first (backfill_accounts).")
            added = demo_history_seed(account=account, days=days)
            self.stdout.write(self.style.SUCCESS(f"{account.login}: {added} days of history"))
