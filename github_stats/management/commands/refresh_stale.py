"""manage.py refresh_stale: one tick of the scheduler that Celery beat runs every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from github_stats.services.scheduling import refresh_stale_tick


class Command(BaseCommand):
    help = (
        "Queue refreshes of the stalest tracked accounts, as many as one scheduler tick's share "
        "of GitHub's limits pays for. Without REDIS_URL the refreshes run here, inline."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        tick = refresh_stale_tick()
        if not tick.ran:
            self.stdout.write("Another scheduler tick is running; nothing done.")
            return
        self.stdout.write(
            f"Queued {len(tick.queued)} stale accounts"
            + (f" ({', '.join(tick.queued)})" if tick.queued else "")
            + f", re-queued {len(tick.requeued)} waiting jobs; "
            f"expected cost {tick.expected.requests:.0f} requests ({tick.expected.quota:.0f} "
            f"charged to the quota) of this tick's {tick.allowance.requests:.0f} "
            f"({tick.allowance.quota:.0f})"
            + (f"; {tick.left_for_later} left for later" if tick.left_for_later else "")
            + (
                f"; gave up {len(tick.failed_stuck)} lost jobs ({', '.join(tick.failed_stuck)})"
                if tick.failed_stuck
                else ""
            )
            + "."
        )
