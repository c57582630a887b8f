"""The rows a refresh writes, built from GitHub's payloads and what we already store; and the
account's figures summed over its repositories, from the rows in memory (no aggregate query).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from github_stats.github.payloads import AccountPayload, RepoPayload
from github_stats.models import GitHubAccount, Repository

# Written by every refresh that got a profile; the rest of the row is ours (first_seen_at) or
# moderation's (hidden, hidden_reason).
PROFILE_FIELDS = [
    "login",
    "kind",
    "name",
    "bio",
    "company",
    "location",
    "blog",
    "email",
    "twitter_username",
    "avatar_url",
    "html_url",
    "followers",
    "following",
    "public_repos",
    "public_gists",
    "created_at",
    "updated_at",
]
ACCOUNT_FIELDS = [
    *PROFILE_FIELDS,
    "total_stars",
    "total_forks",
    "language_bytes",
    "language_repos",
    "fetched_at",
    "refresh_status",
    "last_error",
    "last_error_at",
    "etag",
    "last_modified",
    "repo_page_validators",
    "validators_token",
    "change_rate",
    "cache_version",
]
REPOSITORY_FIELDS = [
    "owner",
    "name",
    "description",
    "language",
    "language_bytes",
    "languages_pushed_at",
    "stars",
    "forks",
    "open_issues",
    "watchers",
    "size_kb",
    "is_fork",
    "archived",
    "disabled",
    "default_branch",
    "topics",
    "license_spdx",
    "homepage",
    "html_url",
    "pushed_at",
    "created_at",
    "updated_at",
    "fetched_at",
]
SNAPSHOT_FIELDS = [
    "followers",
    "following",
    "public_repos",
    "total_stars",
    "total_forks",
    "non_fork_stars",
    "non_fork_forks",
]


@dataclass
class RepositorySums:
    """Stars and forks over an account's own repositories (and over the non-forks), and its
    languages over the non-forks: by bytes (token only) and by primary language."""

    repositories: int = 0
    stars: int = 0
    forks: int = 0
    non_fork_stars: int = 0
    non_fork_forks: int = 0
    language_bytes: dict[str, int] = field(default_factory=dict)
    language_repos: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, repositories: Iterable[Repository]) -> RepositorySums:
        sums = cls()
        for repo in repositories:
            sums.repositories += 1
            sums.stars += repo.stars
            sums.forks += repo.forks
            if repo.is_fork:
                continue
            sums.non_fork_stars += repo.stars
            sums.non_fork_forks += repo.forks
            if repo.language:
                sums.language_repos[repo.language] = sums.language_repos.get(repo.language, 0) + 1
            sizes = repo.language_bytes if isinstance(repo.language_bytes, dict) else {}
            for language, size in sizes.items():
                if isinstance(size, int):
                    sums.language_bytes[language] = sums.language_bytes.get(language, 0) + size
        return sums


def profile_apply(row: GitHubAccount, payload: AccountPayload) -> None:
    row.github_id = payload.id
    row.login = payload.login
    row.kind = payload.kind
    row.name = payload.name or ""
    row.bio = payload.bio or ""
    row.company = payload.company or ""
    row.location = payload.location or ""
    row.blog = payload.blog or ""
    row.email = payload.email or ""
    row.twitter_username = payload.twitter_username or ""
    row.avatar_url = payload.avatar_url or ""
    row.html_url = payload.html_url or ""
    row.followers = payload.followers
    row.following = payload.following
    row.public_repos = payload.public_repos
    row.public_gists = payload.public_gists
    row.created_at = payload.created_at
    row.updated_at = payload.updated_at


def repository_row(repo: RepoPayload, stored: Repository | None, *, now: datetime) -> Repository:
    return Repository(
        github_id=repo.id,
        name=repo.name,
        description=repo.description or "",
        language=repo.language or "",
        # Language sizes describe a push: keep them until a newer push asks for new ones.
        language_bytes=stored.language_bytes if stored else {},
        languages_pushed_at=stored.languages_pushed_at if stored else None,
        stars=repo.stars,
        forks=repo.forks,
        open_issues=repo.open_issues,
        watchers=repo.watchers,
        size_kb=repo.size_kb,
        is_fork=repo.is_fork,
        archived=repo.archived,
        disabled=repo.disabled,
        default_branch=repo.default_branch or "",
        topics=list(repo.topics),
        license_spdx=repo.license_spdx or "",
        homepage=repo.homepage or "",
        html_url=repo.html_url,
        pushed_at=repo.pushed_at,
        created_at=repo.created_at,
        updated_at=repo.updated_at,
        fetched_at=now,
    )
