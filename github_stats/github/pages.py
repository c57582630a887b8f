"""What the client answers about an account and its repository listing, and what is stored to
ask again conditionally: a repository page's validator (kept as JSON on the account), an
account's fetch (None payload: a 304), one listing page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github_stats.github.payloads import AccountPayload, RepoPayload


@dataclass(frozen=True)
class PageValidator:
    """One page of a repository listing as we last saw it; stored (as JSON) on the account,
    keyed by the page's URL."""

    url: str
    etag: str | None
    last_modified: str | None
    next_url: str | None
    repo_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "next_url": self.next_url,
            "repo_ids": list(self.repo_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageValidator:
        return cls(
            url=str(data["url"]),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            next_url=data.get("next_url"),
            repo_ids=tuple(int(i) for i in data.get("repo_ids") or ()),
        )


@dataclass(frozen=True)
class AccountFetch:
    payload: AccountPayload | None  # None ⇔ 304 not modified
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.payload is None


@dataclass(frozen=True)
class RepoListPage:
    """One page of an account's repository listing: its repositories (a 200) or, on a 304, the
    ids its stored validator lists, which stay as they are in the database."""

    url: str
    not_modified: bool
    repos: list[RepoPayload]  # empty when not_modified
    etag: str | None
    last_modified: str | None
    next_url: str | None
    repo_ids: tuple[int, ...] = ()

    def validator(self) -> PageValidator:
        return PageValidator(
            url=self.url,
            etag=self.etag,
            last_modified=self.last_modified,
            next_url=self.next_url,
            repo_ids=self.repo_ids,
        )
