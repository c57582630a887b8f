"""Typed, immutable views of GitHub's response bodies.

The parsers tolerate what real payloads do: optional fields missing (old recordings lack fields
GitHub's schema now marks required), `null` where the schema says string, and counts that are
absent. They insist only on what we cannot work without (an integer `id`, a string `login` or
`name`); anything else of the wrong shape raises `PayloadError`, which the client turns into
`GitHubUnavailable`. Strings are kept exactly as GitHub sent them: escaping them is the
templates' job, and a URL goes into an `href` only after `http_url_or_none()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

AccountKind = Literal["user", "org"]


class PayloadError(ValueError):
    """A response body does not have the shape we need."""


@dataclass(frozen=True)
class AccountPayload:
    id: int
    login: str
    kind: AccountKind
    name: str | None
    bio: str | None
    company: str | None
    location: str | None
    blog: str | None
    email: str | None
    twitter_username: str | None
    avatar_url: str | None
    html_url: str
    followers: int
    following: int
    public_repos: int
    public_gists: int
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RepoPayload:
    id: int
    node_id: str | None
    name: str
    full_name: str
    owner_id: int
    owner_login: str
    description: str | None
    language: str | None
    stars: int
    forks: int
    open_issues: int
    watchers: int
    is_fork: bool
    archived: bool
    disabled: bool
    size_kb: int
    default_branch: str | None
    homepage: str | None
    html_url: str
    topics: tuple[str, ...]
    license_spdx: str | None
    pushed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


def parse_account(data: Any) -> AccountPayload:
    obj = _object(data, "account")
    login = _required_str(obj, "login")
    # /users/{login} answers for organisations too, with type "Organization"; /orgs/{login}
    # always describes an organisation.
    kind: AccountKind = "org" if obj.get("type") == "Organization" else "user"
    return AccountPayload(
        id=_required_int(obj, "id"),
        login=login,
        kind=kind,
        name=_opt_str(obj, "name"),
        # Organisations have a description where users have a bio.
        bio=_opt_str(obj, "bio") or _opt_str(obj, "description"),
        company=_opt_str(obj, "company"),
        location=_opt_str(obj, "location"),
        blog=_opt_str(obj, "blog"),
        email=_opt_str(obj, "email"),
        twitter_username=_opt_str(obj, "twitter_username"),
        avatar_url=_opt_str(obj, "avatar_url"),
        html_url=_opt_str(obj, "html_url") or f"https://github.com/{login}",
        followers=_count(obj, "followers"),
        following=_count(obj, "following"),
        public_repos=_count(obj, "public_repos"),
        public_gists=_count(obj, "public_gists"),
        created_at=parse_datetime(obj.get("created_at")),
        updated_at=parse_datetime(obj.get("updated_at")),
    )


def parse_repo(data: Any) -> RepoPayload:
    obj = _object(data, "repository")
    name = _required_str(obj, "name")
    owner = _object(obj.get("owner"), "repository owner")
    owner_login = _required_str(owner, "login")
    full_name = _opt_str(obj, "full_name") or f"{owner_login}/{name}"
    license_obj = obj.get("license")
    license_spdx = None
    if isinstance(license_obj, dict):
        spdx = license_obj.get("spdx_id")
        # GitHub says "NOASSERTION" when it found a licence file it cannot classify.
        license_spdx = spdx if isinstance(spdx, str) and spdx != "NOASSERTION" else None
    raw_topics = obj.get("topics")
    topics = (
        tuple(t for t in raw_topics if isinstance(t, str)) if isinstance(raw_topics, list) else ()
    )
    return RepoPayload(
        id=_required_int(obj, "id"),
        node_id=_opt_str(obj, "node_id"),
        name=name,
        full_name=full_name,
        owner_id=_required_int(owner, "id"),
        owner_login=owner_login,
        description=_opt_str(obj, "description"),
        language=_opt_str(obj, "language"),
        stars=_count(obj, "stargazers_count"),
        forks=_count(obj, "forks_count", fallback="forks"),
        open_issues=_count(obj, "open_issues_count", fallback="open_issues"),
        # `watchers_count` is a legacy alias of stars; `subscribers_count` (repository page
        # only) is the real watcher figure.
        watchers=_count(obj, "subscribers_count", fallback="watchers_count"),
        is_fork=obj.get("fork") is True,
        archived=obj.get("archived") is True,
        disabled=obj.get("disabled") is True,
        size_kb=_count(obj, "size"),
        default_branch=_opt_str(obj, "default_branch"),
        homepage=_opt_str(obj, "homepage") or None,
        html_url=_opt_str(obj, "html_url") or f"https://github.com/{full_name}",
        topics=topics,
        license_spdx=license_spdx,
        pushed_at=parse_datetime(obj.get("pushed_at")),
        created_at=parse_datetime(obj.get("created_at")),
        updated_at=parse_datetime(obj.get("updated_at")),
    )


def parse_repo_list(data: Any) -> list[RepoPayload]:
    if not isinstance(data, list):
        raise PayloadError(f"expected a list of repositories, got {type(data).__name__}")
    return [parse_repo(item) for item in data]


def parse_languages(data: Any) -> dict[str, int]:
    obj = _object(data, "languages")
    result: dict[str, int] = {}
    for language, size in obj.items():
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise PayloadError(f"language {language!r} has a size of {size!r}")
        result[language] = size
    return result


def parse_datetime(value: Any) -> datetime | None:
    """GitHub's ISO 8601 timestamps (`2010-07-09T06:10:06Z`) as aware datetimes; junk → None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def http_url_or_none(value: str | None) -> str | None:
    """The URL if its scheme is http or https (safe for an href), else None.

    Users type anything into `blog`, including `javascript:` URLs; a bare host such as
    `example.com` is read as https, as github.com itself shows it."""
    if not value:
        return None
    candidate = value.strip()
    if "://" not in candidate and not candidate.lower().startswith(("javascript:", "data:")):
        candidate = f"https://{candidate}"
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return candidate


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PayloadError(f"expected a {what} object, got {type(data).__name__}")
    return data


def _required_int(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadError(f"{key!r} must be an integer, got {value!r}")
    return value


def _required_str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{key!r} must be a non-empty string, got {value!r}")
    return value


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _count(obj: dict[str, Any], key: str, *, fallback: str | None = None) -> int:
    for name in (key, fallback):
        if name is None:
            continue
        value = obj.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
    return 0
