"""The app's own exceptions, about what we store (GitHub's answers raise those of
github/errors.py). Both families are ShownErrors: the API's `error` code, an HTTP status and a
message safe to show a person, so the API's one error handler answers them alike
(api/errors.py) and views turn either into a Problem a person can act on (views/problems.py)."""

from datetime import datetime

from github_stats.github.errors import ShownError


class GitHubStatsError(ShownError):
    """Something about what we store."""


class NotFound(GitHubStatsError):
    """We have no such account or repository."""

    code = "not_found"
    status = 404


class AccountHidden(GitHubStatsError):
    """This account is not available."""

    code = "not_found"  # hidden accounts are indistinguishable from missing ones in the API
    status = 404


class BudgetSpent(GitHubStatsError):
    """A fetch from GitHub refused until `reset_at` to keep the shared quota fair
    (services/budget.py); the API answers with Retry-After, the pages say when to try again."""

    def __init__(self, reset_at: datetime, message: str = "") -> None:
        self.reset_at = reset_at
        super().__init__(message)


class PersonBudgetSpent(BudgetSpent):
    """You have used your share of GitHub for this hour."""

    code = "person_budget_spent"
    status = 429


class QuotaReserved(BudgetSpent):
    """The rest of this hour's GitHub quota is kept for the accounts people already track."""

    code = "quota_reserved"
    status = 503


class RefreshAbandoned(GitHubStatsError):
    """Nobody was waiting for this refresh any more: ask again to queue a new one."""

    # Dropped when GitHub's rate limit that parked it reset, rather than run ahead of the
    # refreshes people are waiting for (services/jobs.py refresh_jobs_unwanted_drop).

    code = "abandoned"
    status = 410
