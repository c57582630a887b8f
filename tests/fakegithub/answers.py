"""What the fake GitHub answers, apart from routing: the response type, GraphQL, the rate-limit
resource, injected faults and conditional requests (tests/fakegithub/server.py routes to them)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from tests.fakegithub import render
from tests.fakegithub.records import Fault
from tests.fakegithub.state import FakeAccount, FakeState

_GRAPHQL_FIELD = re.compile(
    r"(\w+)\s*:\s*repository\(\s*owner:\s*\$(\w+)\s*,\s*name:\s*\$(\w+)\s*\)"
)
_HOP_BY_HOP = {
    "content-length",
    "transfer-encoding",
    "connection",
    "content-encoding",
    "status",
    "date",
    "server",
    "keep-alive",
}
_SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:FAKE."
)


class Response:
    def __init__(
        self,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        conditional: bool = False,
        last_modified: datetime | None = None,
        replayed: bool = False,
    ) -> None:
        self.replayed = replayed
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.conditional = conditional  # may answer 304 (a GET of a resource)
        self.last_modified = last_modified


def rate_limit_answer(state: FakeState) -> Response:
    resources = {}
    for name in ("core", "search", "graphql"):
        budget = state.budget(name)
        resources[name] = {
            "limit": budget.limit,
            "used": budget.used,
            "remaining": budget.remaining,
            "reset": budget.reset,
        }
    return Response(200, {"resources": resources, "rate": resources["core"]})


def graphql_answer(state: FakeState, body: Any, *, authorization: str | None) -> Response:
    """The GraphQL the client sends: languages of repositories by alias, and rateLimit; the
    contribution documents are answered by tests/fakegithub/contributions.py."""
    if not authorization:
        return Response(
            401,
            {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            },
        )
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return Response(400, {"message": "Problems parsing JSON"})
    query: str = body["query"]
    variables = body.get("variables") or {}
    # contributions.py answers GraphQL too, with Response from here: import it late.
    from tests.fakegithub.contributions import contributions_graphql

    contributions = contributions_graphql(state, query, variables)
    if contributions is not None:
        return contributions
    fields = _GRAPHQL_FIELD.findall(query)
    if not fields and "rateLimit" not in query:
        return Response(200, {"errors": [{"message": "Parse error: the fake knows one query"}]})
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for alias, owner_var, name_var in fields:
        owner, name = variables.get(owner_var, ""), variables.get(name_var, "")
        repo = state.repo(owner, name)
        if repo is None:
            data[alias] = None
            errors.append(
                {
                    "type": "NOT_FOUND",
                    "path": [alias],
                    "locations": [{"line": 1, "column": 1}],
                    "message": f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                }
            )
            continue
        edges = [{"size": size, "node": {"name": lang}} for lang, size in repo.languages.items()]
        data[alias] = {"languages": {"edges": edges[:100]}}
    # GitHub's cost: requests needed (1 + one languages connection per repository) / 100.
    cost = max(1, round((1 + len(fields)) / 100))
    if "rateLimit" in query:
        data["rateLimit"] = rate_limit_data(state, cost)
    result: dict[str, Any] = {"data": data}
    if errors:
        result["errors"] = errors
    return Response(200, result, headers={"X-Fake-Cost": str(cost)})


def rate_limit_data(state: FakeState, cost: int) -> dict[str, Any]:
    """GraphQL's `rateLimit { cost limit remaining used resetAt }` after this query."""
    budget = state.budget("graphql")
    return {
        "cost": cost,
        "limit": budget.limit,
        "remaining": max(budget.remaining - cost, 0),
        "used": budget.used + cost,
        "resetAt": datetime.fromtimestamp(budget.reset, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def fault_answer(fault: Fault) -> Response:
    """What an injected fault answers instead of the route."""
    if fault.kind == "replay":
        headers = {
            name: value for name, value in fault.headers.items() if name.lower() not in _HOP_BY_HOP
        }
        return Response(fault.status, fault.json_body, headers=headers, replayed=True)
    if fault.kind == "malformed":
        return Response(fault.status, raw=b'{"login": "trunc', headers={})
    if fault.kind == "body":
        return Response(fault.status, raw=fault.body.encode())
    if fault.kind == "secondary":
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return Response(
            fault.status,
            {
                "message": _SECONDARY_MESSAGE,
                "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            },
            headers=headers,
        )
    if fault.kind == "not_found":
        return Response(404, render.not_found())
    return Response(
        fault.status,
        {"message": "Server Error"} if fault.status >= 500 else {"message": "Fault"},
    )


def conditional_answer(response: Response, *, headers: Any, link_on_304: bool) -> Response:
    """ETag and Last-Modified on a 200 that may be conditional, and the 304 when the request's
    validators match (GitHub's rules, per token)."""
    if response.status != 200 or not response.conditional:
        return response
    payload = json.dumps(response.body, separators=(",", ":")).encode()
    # Vary: Authorization. GitHub's ETags differ per token, so ours hash it in too.
    digest = hashlib.sha256(headers.get("Authorization", "").encode() + payload).hexdigest()
    etag = f'W/"{digest}"'
    response.headers["ETag"] = etag
    if response.last_modified is not None:
        response.headers["Last-Modified"] = format_datetime(response.last_modified, usegmt=True)
    if_none_match = headers.get("If-None-Match")
    if_modified_since = headers.get("If-Modified-Since")
    not_modified = False
    if if_none_match is not None:
        sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        not_modified = f'"{digest}"' in sent or "*" in sent
    elif if_modified_since is not None and response.last_modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
            not_modified = response.last_modified.replace(microsecond=0) <= since
        except (TypeError, ValueError):
            not_modified = False
    if not not_modified:
        return response
    headers = {"ETag": f'"{digest}"'}  # GitHub answers a 304 with the strong form
    if "Last-Modified" in response.headers:
        headers["Last-Modified"] = response.headers["Last-Modified"]
    if "X-Poll-Interval" in response.headers:  # the events feed says it on a 304 too
        headers["X-Poll-Interval"] = response.headers["X-Poll-Interval"]
    if link_on_304 and "Link" in response.headers:
        headers["Link"] = response.headers["Link"]
    return Response(304, headers=headers)


def repo_list_answer(account: FakeAccount | None, params: dict[str, str], api: str) -> Response:
    """An account's repositories a page at a time, as GitHub lists them: its `type` filter, its
    default orders, and Link headers in the id form GitHub switches to."""
    if account is None:
        return Response(404, render.not_found())
    try:
        per_page = min(max(int(params.get("per_page", 30)), 1), 100)
        page = max(int(params.get("page", 1)), 1)
    except ValueError:
        return Response(422, {"message": "Invalid pagination", "documentation_url": ""})
    repos = list(account.repos.values())
    kind = params.get("type", "owner" if account.kind == "user" else "all")
    if kind == "sources":
        repos = [r for r in repos if not r.is_fork]
    elif kind == "forks":
        repos = [r for r in repos if r.is_fork]
    elif kind == "member":
        repos = []
    # GitHub's defaults: users' repositories by full_name, organisations' by creation.
    if account.kind == "user":
        repos.sort(key=lambda r: r.name.lower())
    else:
        repos.sort(key=lambda r: (r.created_at, r.id))
    last = max(math.ceil(len(repos) / per_page), 1)
    chunk = repos[(page - 1) * per_page : page * per_page]
    body = [render.repo_json(repo, api) for repo in chunk]
    # Page links switch to the id form, as GitHub's do.
    collection = (
        f"/user/{account.id}/repos"
        if account.kind == "user"
        else f"/organizations/{account.id}/repos"
    )
    headers = link_header(f"{api}{collection}", params, page, last)
    return Response(200, body, headers=headers, conditional=True)


def link_header(collection: str, params: dict[str, str], page: int, last: int) -> dict[str, str]:
    """GitHub's Link header of a paginated list (prev, next, last, first), its other
    parameters kept."""
    if last <= 1 and page <= 1:
        return {}
    kept = {key: value for key, value in params.items() if key != "page"}

    def link(number: int, rel: str) -> str:
        query = urlencode({**kept, "page": number})
        return f'<{collection}?{query}>; rel="{rel}"'

    links = []
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links.append(link(1, "first"))
    return {"Link": ", ".join(links)}
