"""The fake GitHub's records: accounts, repositories, injected faults, the rate-limit budget
and the request log's entries (tests/fakegithub/state.py holds them all)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

FaultKind = Literal[
    "status", "slow", "malformed", "body", "secondary", "not_found", "disconnect", "replay"
]


def stable_int(text: str, modulo: int) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % modulo


@dataclass
class FakeRepo:
    id: int
    node_id: str
    name: str
    owner: FakeAccount
    description: str | None
    language: str | None
    languages: dict[str, int]
    stars: int
    forks: int
    open_issues: int
    subscribers: int
    is_fork: bool
    archived: bool
    disabled: bool
    size_kb: int
    default_branch: str
    homepage: str | None
    topics: tuple[str, ...]
    license_spdx: str | None
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None
    # Stars GitHub no longer attributes to a day: counted in `stars`, absent from the history.
    unattributed: int = 0
    # The star history's daily counts (tests/fakegithub/stars.py), generated on first use and
    # kept in step with `stars` - unattributed by every mutation.
    star_days: dict[date, int] | None = None
    # GitHub shows this repository's star history to its admins only: 403 for everyone else.
    private_history: bool = False


@dataclass
class FakeAccount:
    id: int
    node_id: str
    login: str
    kind: Literal["user", "org"]
    name: str | None
    bio: str | None
    company: str | None
    location: str | None
    blog: str | None
    email: str | None
    twitter_username: str | None
    hireable: bool | None
    followers: int
    following: int
    public_gists: int
    created_at: datetime
    updated_at: datetime
    repos: dict[str, FakeRepo] = field(default_factory=dict)  # lower-case name → repo
    # Contributions per day (tests/fakegithub/contributions.py), generated on first use.
    contribution_days: dict[date, int] | None = None

    @property
    def public_repos(self) -> int:
        return len(self.repos)


@dataclass
class Fault:
    pattern: str
    kind: FaultKind
    remaining: int | None  # None: forever
    method: str | None = None
    status: int = 500
    seconds: float = 0.0
    retry_after: int | None = None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None


@dataclass
class Budget:
    limit: int
    used: int
    reset: int  # epoch seconds

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]
    counted: bool  # against the rate-limit budget
    body: Any = None  # parsed JSON request body (GraphQL)
