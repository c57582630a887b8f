"""The GraphQL documents the client sends, the readers of their answers, and GraphQL's errors
(contributions.py has the contribution documents).

Names are always passed as variables, never spliced into the document. The documents and their
answers are exercised against the fake GitHub (tests/github_stats/test_client.py, languages).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from github_stats.github.errors import GitHubUnavailable, RateLimited
from github_stats.github.quota import quota_reset_at

# Repositories per languages query: about one point each (GitHub's cost of a node list).
LANGUAGES_BATCH = 100


def languages_query(batch: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """One query for up to LANGUAGES_BATCH repositories: an alias r{i} per repository."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, str] = {}
    for index, (owner, name) in enumerate(batch):
        params.append(f"$o{index}: String!, $n{index}: String!")
        variables[f"o{index}"] = owner
        variables[f"n{index}"] = name
        fields.append(
            f"  r{index}: repository(owner: $o{index}, name: $n{index}) "
            "{ languages(first: 100) { edges { size node { name } } } }"
        )
    query = (
        f"query Languages({', '.join(params)}) {{\n"
        "  rateLimit { cost remaining resetAt limit used }\n" + "\n".join(fields) + "\n}"
    )
    return query, variables


def repository_languages(node: Any) -> dict[str, int]:
    """{language: bytes} of one `repository { languages { edges } }` node; ValueError if the
    shape is wrong."""
    try:
        edges = node["languages"]["edges"]
        languages: dict[str, int] = {}
        for edge in edges:
            size, name = edge["size"], edge["node"]["name"]
            if not isinstance(size, int) or isinstance(size, bool) or not isinstance(name, str):
                raise ValueError("language edge of the wrong shape")
            languages[name] = size
    except (KeyError, TypeError) as exc:
        raise ValueError("languages of the wrong shape") from exc
    return languages


def query_cost(data: dict[str, Any]) -> int:
    """The points GitHub charged for a query, from its `rateLimit { cost }` (0 if absent)."""
    rate = data.get("rateLimit")
    cost = rate.get("cost") if isinstance(rate, dict) else None
    return cost if isinstance(cost, int) else 0


def graphql_errors(errors: Any, response: requests.Response, *, has_data: bool) -> dict[str, str]:
    """The top-level fields to skip ({field: error type}); raises for errors that spoil the
    whole answer: RATE_LIMITED as RateLimited, anything but NOT_FOUND/FORBIDDEN on a field
    beside data as GitHubUnavailable."""
    if not errors:
        return {}
    if not isinstance(errors, list):
        raise GitHubUnavailable("GitHub's GraphQL errors had the wrong shape.")
    skipped: dict[str, str] = {}
    for error in errors:
        kind = error.get("type") if isinstance(error, dict) else None
        path = error.get("path") if isinstance(error, dict) else None
        if kind == "RATE_LIMITED":
            raise RateLimited(quota_reset_at(response.headers))
        if kind in {"NOT_FOUND", "FORBIDDEN"} and isinstance(path, list) and path and has_data:
            skipped[str(path[0])] = kind
            continue
        message = error.get("message") if isinstance(error, dict) else None
        raise GitHubUnavailable(f"GitHub's GraphQL API answered an error: {message or kind}")
    return skipped
