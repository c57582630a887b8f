from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User


@dataclass(frozen=True)
class ConnectedGitHub:
    login: str
    profile_url: str


@dataclass(frozen=True)
class AccountOverview:
    email: str
    email_verified: bool
    date_joined_iso: str
    github: ConnectedGitHub | None


def account_overview_get(*, user: User) -> AccountOverview:
    """What the account page shows, in two queries: the verified flag and the GitHub link."""
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    social = SocialAccount.objects.filter(user=user, provider="github").only("extra_data").first()
    github = None
    if social is not None:
        login = str(social.extra_data.get("login", ""))
        github = ConnectedGitHub(login=login, profile_url=f"https://github.com/{login}")
    return AccountOverview(
        email=user.email,
        email_verified=verified,
        date_joined_iso=user.date_joined.isoformat(),
        github=github,
    )
