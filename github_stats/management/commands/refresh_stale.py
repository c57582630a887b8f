"""manage.py refresh_stale: one tick of the scheduler that Celery beat runs every 5 minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from github_stats.services.scheduling import refresh_stale_tick


class Command(BaseCommand):
    help = (
        "Queue refreshes of the stalest tracked accounts that GitHub's remaining quota can pay "
        "for (one scheduler tick). Without REDIS_URL the refreshes run here, inline."
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
            f"estimated cost {tick.estimated_cost} of a budget of {tick.budget} requests"
            + (f"; {tick.left_for_later} left for later" if tick.left_for_later else "")
            + (
                f"; gave up {len(tick.failed_stuck)} lost jobs ({', '.join(tick.failed_stuck)})"
                if tick.failed_stuck
                else ""
            )
            + "."
        )
