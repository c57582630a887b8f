"""Languages in a refresh (services/refresh.py): the per-repository language sizes through
GraphQL, with a token only, and only for repositories pushed to since we last looked; without a
token the primary language GitHub lists is all we use."""

from __future__ import annotations

import logging

from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubUnavailable, RateLimited
from github_stats.models import Repository

logger = logging.getLogger(__name__)


def repository_languages_held(
    client: GitHubClient, stored: dict[int, Repository], unchanged_ids: set[int]
) -> list[Repository]:
    """Repositories on 304 pages whose languages were never fetched for their latest push (a
    token added since, or a GraphQL failure last time): they join the upsert as stored."""
    if not client.has_token:
        return []
    rows = []
    for github_id in unchanged_ids:
        repo = stored.get(github_id)
        if repo is not None and repo.languages_outdated():
            repo.pk = None  # see refresh._account_write: the upsert goes by github_id alone
            rows.append(repo)
    return rows


def repository_languages_fill(client: GitHubClient, rows: list[Repository], login: str) -> int:
    """Language sizes through GraphQL (token only), only for repositories pushed to since we
    last looked. Without a token the primary language is all we use: no per-repo calls."""
    if not client.has_token:
        return 0
    wanted = [row for row in rows if row.languages_outdated()]
    if not wanted:
        return 0
    try:
        sizes = client.languages_for(repos=[(login, row.name) for row in wanted])
    except (GitHubUnavailable, RateLimited) as exc:
        # Languages are the least of it: store everything else and try them next time.
        logger.warning("Languages for %s skipped: %s", login, exc)
        return 0
    fetched = 0
    for row in wanted:
        found = sizes.get(f"{login}/{row.name}")
        if found is not None:
            row.language_bytes = found
            row.languages_pushed_at = row.pushed_at
            fetched += 1
    return fetched
