"""Typed, immutable views of GitHub's response bodies (pydantic models).

They tolerate what real payloads do: optional fields missing (old recordings lack fields GitHub's
schema now marks required), `null` where the schema says string, and counts that are absent or
junk. They insist only on what we cannot work without (an integer `id`, a non-empty `login` or
`name`); anything else of the wrong shape raises `PayloadError`, which the client turns into
`GitHubUnavailable`. Strings are kept exactly as GitHub sent them: escaping them is the
templates' job, and a URL goes into an `href` only through ui.formatting.safe_external_url.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictInt,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

AccountKind = Literal["user", "org"]


class PayloadError(ValueError):
    """A response body does not have the shape we need."""


def parse_datetime(value: Any) -> datetime | None:
    """GitHub's ISO 8601 timestamps (`2010-07-09T06:10:06Z`) as aware datetimes; junk → None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int:
    """A count GitHub may leave out, null or (in old payloads) send as anything else: 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    return 0


Text = Annotated[str | None, BeforeValidator(_text_or_none)]
Count = Annotated[int, BeforeValidator(_count)]
Moment = Annotated[datetime | None, BeforeValidator(parse_datetime)]
Name = Annotated[str, StringConstraints(strict=True, min_length=1)]
Id = StrictInt  # refuses "1" and True alike


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def _first_count(data: dict[str, Any], *keys: str) -> int:
    """The first of `keys` that holds a real count (old payloads use other names)."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
    return 0


class AccountPayload(_Payload):
    id: Id
    login: Name
    kind: AccountKind
    name: Text = None
    bio: Text = None
    company: Text = None
    location: Text = None
    blog: Text = None
    email: Text = None
    twitter_username: Text = None
    avatar_url: Text = None
    html_url: str
    followers: Count = 0
    following: Count = 0
    public_repos: Count = 0
    public_gists: Count = 0
    created_at: Moment = None
    updated_at: Moment = None

    @model_validator(mode="before")
    @classmethod
    def _from_github(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"expected an account object, got {type(data).__name__}")
        login = data.get("login")
        return {
            **data,
            # /users/{login} answers for organisations too, with type "Organization".
            "kind": "org" if data.get("type") == "Organization" else "user",
            # Organisations have a description where users have a bio.
            "bio": _text_or_none(data.get("bio")) or _text_or_none(data.get("description")),
            "html_url": _text_or_none(data.get("html_url")) or f"https://github.com/{login}",
        }


class RepoPayload(_Payload):
    id: Id
    node_id: Text = None
    name: Name
    full_name: str
    owner_id: Id
    owner_login: Name
    description: Text = None
    language: Text = None
    stars: Count = 0
    forks: Count = 0
    open_issues: Count = 0
    # `watchers_count` is a legacy alias of stars; `subscribers_count` (on GET /repos/{o}/{r}
    # only) is the real watcher figure.
    watchers: Count = 0
    is_fork: bool = False
    archived: bool = False
    disabled: bool = False
    size_kb: Count = 0
    default_branch: Text = None
    homepage: Text = None
    html_url: str
    topics: tuple[str, ...] = ()
    license_spdx: Text = None
    pushed_at: Moment = None
    created_at: Moment = None
    updated_at: Moment = None

    @model_validator(mode="before")
    @classmethod
    def _from_github(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"expected a repository object, got {type(data).__name__}")
        owner = data.get("owner")
        if not isinstance(owner, dict):
            raise ValueError("a repository needs an owner object")
        name, owner_login = data.get("name"), owner.get("login")
        full_name = _text_or_none(data.get("full_name")) or f"{owner_login}/{name}"
        licence = data.get("license")
        spdx = licence.get("spdx_id") if isinstance(licence, dict) else None
        topics = data.get("topics")
        return {
            **data,
            "owner_id": owner.get("id"),
            "owner_login": owner_login,
            "full_name": full_name,
            "stars": data.get("stargazers_count"),
            "forks": _first_count(data, "forks_count", "forks"),
            "open_issues": _first_count(data, "open_issues_count", "open_issues"),
            "watchers": _first_count(data, "subscribers_count", "watchers_count"),
            "is_fork": data.get("fork") is True,
            "archived": data.get("archived") is True,
            "disabled": data.get("disabled") is True,
            "size_kb": data.get("size"),
            "homepage": _text_or_none(data.get("homepage")) or None,
            "html_url": _text_or_none(data.get("html_url")) or f"https://github.com/{full_name}",
            "topics": [t for t in topics if isinstance(t, str)] if isinstance(topics, list) else [],
            # GitHub says "NOASSERTION" when it found a licence file it cannot classify.
            "license_spdx": spdx if isinstance(spdx, str) and spdx != "NOASSERTION" else None,
        }


_REPO_LIST = TypeAdapter(list[RepoPayload])
_Parsed = TypeVar("_Parsed")


def _parsed(validate: Callable[[Any], _Parsed], data: Any, what: str) -> _Parsed:
    try:
        return validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or what
        raise PayloadError(f"{what}: {where}: {first['msg']}") from exc


def parse_account(data: Any) -> AccountPayload:
    return _parsed(AccountPayload.model_validate, data, "account")


def parse_repo(data: Any) -> RepoPayload:
    return _parsed(RepoPayload.model_validate, data, "repository")


def parse_repo_list(data: Any) -> list[RepoPayload]:
    if not isinstance(data, list):
        raise PayloadError(f"expected a list of repositories, got {type(data).__name__}")
    return _parsed(_REPO_LIST.validate_python, data, "repositories")
