"""Domain exceptions. Services and the client raise these; one place maps them to JSON errors
(config/api.py) and views map them to error fragments a person can act on."""

from datetime import datetime


class GitHubStatsError(Exception):
    """Base class: `code` is the API's `error` field, `message` is safe to show a person."""

    code = "error"
    status = 500

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()


class InvalidLogin(GitHubStatsError):
    """That is not a valid GitHub login or repository name."""

    code = "invalid_login"
    status = 422


class NotFound(GitHubStatsError):
    """No such GitHub account or repository."""

    code = "not_found"
    status = 404


class AccountHidden(GitHubStatsError):
    """This account is not available."""

    code = "not_found"  # hidden accounts are indistinguishable from missing ones in the API
    status = 404


class RateLimited(GitHubStatsError):
    """GitHub's rate limit is used up until `reset_at`; no call is made before then."""

    code = "github_rate_limited"
    status = 429

    def __init__(self, reset_at: datetime, message: str = "", *, secondary: bool = False) -> None:
        self.reset_at = reset_at
        self.secondary = secondary
        super().__init__(message or f"GitHub's rate limit is used up until {reset_at:%H:%M} UTC.")


class GitHubUnavailable(GitHubStatsError):
    """GitHub did not answer properly; stored data is still shown."""

    code = "github_unavailable"
    status = 502


class GitHubBadCredentials(GitHubStatsError):
    """GitHub refused our token (401): check GITHUB_TOKEN."""

    code = "github_bad_credentials"
    status = 502
