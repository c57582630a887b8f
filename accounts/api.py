"""GET /api/v1/me: who the token or session belongs to."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.selectors import account_overview_get
from config.errors import error_responses

router = Router(tags=["me"])


class ConnectedGitHubOut(Schema):
    login: str
    profile_url: str


class MeOut(Schema):
    email: str
    email_verified: bool
    date_joined: datetime
    github: ConnectedGitHubOut | None


@router.get("/me", response={200: MeOut, **error_responses()}, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    overview = account_overview_get(user=request.auth)  # type: ignore[attr-defined]
    github = overview.github
    return MeOut(
        email=overview.email,
        email_verified=overview.email_verified,
        date_joined=datetime.fromisoformat(overview.date_joined_iso),
        github=ConnectedGitHubOut(login=github.login, profile_url=github.profile_url)
        if github
        else None,
    )
