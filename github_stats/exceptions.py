"""The app's own exceptions, about what we store (GitHub's answers raise those of
github/errors.py). Both families are ShownErrors: the API's `error` code, an HTTP status and a
message safe to show a person, so the API's one error handler answers them alike
(api/errors.py) and views turn either into a Problem a person can act on (views/problems.py)."""

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
