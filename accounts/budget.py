"""What is left of a person's share of GitHub this hour, for their settings page and
GET /api/v1/me. The github_stats app keeps the counters (github_stats/services/budget.py);
accounts reaches them through settings.PERSON_BUDGET_GET, as /metrics reaches the domain's
collector, because config imports accounts and must know nothing of github_stats."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string


class PersonBudget(Protocol):
    first_fetches_limit: int
    first_fetches_left: int
    requests_limit: int
    requests_left: int
    resets_at: datetime
    first_fetches_paused_until: datetime | None


def person_budget_get(*, user_id: int) -> PersonBudget:
    return cast(PersonBudget, import_string(settings.PERSON_BUDGET_GET)(user_id=user_id))
