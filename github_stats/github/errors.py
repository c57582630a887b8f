"""What the transport raises. Each has the API's `error` code, an HTTP status for our own API and
a message that is safe to show a person (the API's error handler and the pages use all three)."""

from __future__ import annotations

from datetime import datetime


class ShownError(Exception):
    """Something went wrong that a person may be told about. The base of the transport's errors
    here and of the domain's (github_stats/exceptions.py), so the API and the pages each map
    them all in one place."""

    code = "error"
    status = 500

    def __init__(self, message: str = "") -> None:
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        super().__init__(self.message)


class GitHubError(ShownError):
    """GitHub did not give us what we asked for."""

    code = "github_error"
    status = 502


class InvalidName(GitHubError):
    """That is not a valid GitHub name."""

    code = "invalid_name"
    status = 422


class InvalidLogin(InvalidName):
    """That is not a valid GitHub login."""

    code = "invalid_login"


class InvalidRepoName(InvalidName):
    """That is not a valid GitHub repository name."""

    code = "invalid_repo_name"


class GitHubNotFound(GitHubError):
    """GitHub has no such account or repository."""

    code = "not_found"
    status = 404


class RateLimited(GitHubError):
    """GitHub's rate limit is used up until `reset_at`; no call is made before then."""

    code = "github_rate_limited"
    status = 429

    def __init__(self, reset_at: datetime, message: str = "", *, secondary: bool = False) -> None:
        self.reset_at = reset_at
        self.secondary = secondary
        super().__init__(message or f"GitHub's rate limit is used up until {reset_at:%H:%M} UTC.")


class GitHubUnavailable(GitHubError):
    """GitHub did not answer properly; stored data is still shown."""

    code = "github_unavailable"
    status = 502


class GitHubBadCredentials(GitHubError):
    """GitHub refused our token (401): check GITHUB_TOKEN."""

    code = "github_bad_credentials"
    status = 502
