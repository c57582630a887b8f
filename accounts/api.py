"""GET /api/v1/me: who the token or session belongs to, and what is left of their share of
GitHub this hour (github_stats/services/budget.py)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accounts.budget import person_budget_get
from accounts.selectors import account_overview_get
from config.errors import error_responses

router = Router(tags=["me"])


class ConnectedGitHubOut(Schema):
    login: str
    profile_url: str


class BudgetLeftOut(Schema):
    limit: int
    left: int


class GitHubBudgetOut(Schema):
    first_fetches: BudgetLeftOut = Field(
        description="Accounts we do not store yet that you may still have fetched this hour."
    )
    requests: BudgetLeftOut = Field(
        description="GitHub requests your refreshes may still spend this hour."
    )
    resets_at: datetime = Field(description="When both start again (the next full hour, UTC).")
    first_fetches_paused_until: datetime | None = Field(
        description="Set while the rest of GitHub's hourly quota is kept for tracked accounts: "
        "no new account is fetched for anyone before then."
    )


class MeOut(Schema):
    email: str
    email_verified: bool
    date_joined: datetime
    github: ConnectedGitHubOut | None
    github_budget: GitHubBudgetOut


@router.get("/me", response={200: MeOut, **error_responses()}, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    overview = account_overview_get(user=request.auth)  # type: ignore[attr-defined]
    github = overview.github
    budget = person_budget_get(user_id=request.auth.pk)  # type: ignore[attr-defined]
    return MeOut(
        email=overview.email,
        email_verified=overview.email_verified,
        date_joined=datetime.fromisoformat(overview.date_joined_iso),
        github=ConnectedGitHubOut(login=github.login, profile_url=github.profile_url)
        if github
        else None,
        github_budget=GitHubBudgetOut(
            first_fetches=BudgetLeftOut(
                limit=budget.first_fetches_limit, left=budget.first_fetches_left
            ),
            requests=BudgetLeftOut(limit=budget.requests_limit, left=budget.requests_left),
            resets_at=budget.resets_at,
            first_fetches_paused_until=budget.first_fetches_paused_until,
        ),
    )
