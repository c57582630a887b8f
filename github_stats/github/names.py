"""GitHub's naming rules for logins and repositories, and how a search box's text becomes one.

Every client method validates its arguments with these before it makes a request, so a typo never
costs quota and nothing a person types ever becomes part of a URL path unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from github_stats.github.errors import InvalidLogin, InvalidName, InvalidRepoName

# GitHub's rule for user and organisation names: 1 to 39 ASCII letters, digits and single hyphens,
# neither starting nor ending with a hyphen. (Some very old accounts break it, e.g. with a
# trailing hyphen; GitHub no longer lets anyone create those, and we do not serve them.)
_LOGIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", re.ASCII)
_REPO_RE = re.compile(r"[A-Za-z0-9._-]{1,100}", re.ASCII)
_GITHUB_HOSTS = {"github.com", "www.github.com"}

SearchKind = Literal["account", "repo"]


@dataclass(frozen=True)
class SearchTarget:
    kind: SearchKind
    login: str
    repo_name: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.login}/{self.repo_name}" if self.repo_name else self.login


def validate_login(value: object) -> str:
    if not isinstance(value, str) or not _LOGIN_RE.fullmatch(value):
        raise InvalidLogin(
            f"{_shown(value)} is not a GitHub login: use 1 to 39 letters, digits or single "
            "hyphens, not starting or ending with a hyphen."
        )
    return value


def validate_repo_name(value: object) -> str:
    if not isinstance(value, str) or value in {".", ".."} or not _REPO_RE.fullmatch(value):
        raise InvalidRepoName(
            f"{_shown(value)} is not a GitHub repository name: use 1 to 100 letters, digits, "
            "dots, hyphens or underscores."
        )
    return value


def parse_search(query: object) -> SearchTarget:
    """`login`, `@login`, `owner/repo`, or a github.com URL of an account or repository."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidName("Type a GitHub login such as octocat, or owner/repo.")
    text = query.strip()
    segments = _url_segments(text) if _looks_like_url(text) else _plain_segments(text)
    if segments is None or not segments or len(segments) > 2:
        raise InvalidName(
            f"{_shown(text)} is neither a GitHub login (octocat), a repository "
            "(octocat/hello-world) nor a github.com address."
        )
    login = validate_login(segments[0])
    if len(segments) == 1:
        return SearchTarget(kind="account", login=login)
    return SearchTarget(kind="repo", login=login, repo_name=validate_repo_name(segments[1]))


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return "://" in lowered or lowered.startswith(("github.com/", "www.github.com/"))


def _url_segments(text: str) -> list[str] | None:
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or (parts.hostname or "") not in _GITHUB_HOSTS:
        return None
    if parts.port is not None or parts.username is not None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    # github.com/orgs/<login>[/...] is an organisation's page.
    if segments[0].lower() == "orgs" and len(segments) >= 2:
        return [segments[1]]
    # Anything after owner/repo (/tree/main, /issues/1, ...) still names that repository.
    segments = segments[:2]
    if len(segments) == 2:
        segments[1] = _strip_git_suffix(segments[1])
    return segments


def _plain_segments(text: str) -> list[str] | None:
    if text.startswith("@"):
        text = text[1:]
    if text.endswith("/"):
        text = text[:-1]
    segments = text.split("/")
    if len(segments) == 2:
        segments[1] = _strip_git_suffix(segments[1])
    return segments


def _strip_git_suffix(name: str) -> str:
    return name[:-4] if name.lower().endswith(".git") and len(name) > 4 else name


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:60] + "…" if len(text) > 60 else text)
