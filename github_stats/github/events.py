"""A user's public events (`GET /users/{username}/events/public`; an organisation's are
`GET /orgs/{org}/events`, the same answers): no token needed, at most 300
events from the last 90 days, newest first, 100 a page (pages 1..3), with an `ETag` and an
`X-Poll-Interval` (seconds GitHub asks us to wait before polling again).

The refresh polls page 1 conditionally: a 304 ("nothing new") costs no quota when authorized
(an unauthenticated one still counts against the 60 an hour). Pages 2 and 3 are there for a
caller that wants the whole 90-day view; the client never walks them by itself, so one call is
one request. Past the third page GitHub answers 422 ("pagination is limited"): that is
`limit_reached`, an empty page, not an error, as for the star history.

Parsing decisions:
- A body that is not a list: PayloadError (an error object is no list of events).
- An entry we cannot use (not an object, no string/integer `id`, no string `type`, no
  parseable `created_at`, no `repo.name`): skipped. The feed is a best-effort view of recent
  activity; one odd event must not cost the other 99.
- Event types we do not know are kept (commits 0): GitHub adds types now and then.
- `commits` of a PushEvent: `distinct_size` (commits new to the repository, what GitHub's
  calendar counts), else `size`, else the length of `commits`; GitHub's 2025 slimming of event
  payloads may leave none of them, and then it is 0. Never negative; booleans are no counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from github_stats.github.payloads import PayloadError, parse_datetime

if TYPE_CHECKING:
    from github_stats.github.transport import Transport

EVENTS_PER_PAGE = 100
MAX_EVENTS_PAGE = 3  # 300 events: GitHub's cap for this endpoint


@dataclass(frozen=True)
class PublicEvent:
    id: str
    type: str  # "PushEvent", "IssuesEvent", ... kept as sent
    created_at: datetime
    repo: str  # "owner/name"
    commits: int  # PushEvent: commits pushed; 0 for every other type


@dataclass(frozen=True)
class EventsPage:
    not_modified: bool  # a 304 for the ETag we sent
    events: list[PublicEvent]  # newest first; [] on a 304 or past the limit
    etag: str | None  # the page's ETag (ours on a 304)
    poll_interval: int | None  # X-Poll-Interval in seconds, when GitHub sent one
    page: int = 1
    has_next: bool = False  # a rel="next" link: older events exist (page + 1 ≤ 3)
    limit_reached: bool = False  # 422 "pagination is limited": nothing more to ask for


def events_page(http: Transport, events_url: str, *, etag: str | None, page: int) -> EventsPage:
    """GET a user's {users/login}/events/public or an organisation's {orgs/login}/events (the
    same shape, limits and headers) for client.public_events_page (login validated)."""
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_EVENTS_PAGE:
        raise ValueError(f"GitHub serves public events pages 1 to {MAX_EVENTS_PAGE}, not {page!r}")
    response = http.request(
        "GET",
        f"{events_url}?per_page={EVENTS_PER_PAGE}&page={page}",
        etag=etag,
        not_found="GitHub has no such user (or shows no events of it).",
        passthrough=frozenset({422}),  # "pagination is limited": past the 300th event
    )
    interval = poll_interval(response.headers)
    if response.status_code == 422:
        return EventsPage(
            not_modified=False, events=[], etag=None, poll_interval=interval, page=page,
            limit_reached=True,
        )  # fmt: skip
    if response.status_code == 304:
        # GitHub answers a weak tag's 304 with the strong form: keep the one we sent.
        return EventsPage(
            not_modified=True, events=[], etag=etag or response.headers.get("ETag"),
            poll_interval=interval, page=page,
        )  # fmt: skip
    return EventsPage(
        not_modified=False,
        events=http.parse(parse_events, response),
        etag=response.headers.get("ETag"),
        poll_interval=interval,
        page=page,
        has_next=http.next_link(response) is not None and page < MAX_EVENTS_PAGE,
    )


def parse_events(data: Any) -> list[PublicEvent]:
    if not isinstance(data, list):
        raise PayloadError(f"expected a list of events, got {type(data).__name__}")
    events = [_event(entry) for entry in data]
    return [event for event in events if event is not None]


def poll_interval(headers: Any) -> int | None:
    raw = headers.get("X-Poll-Interval")
    try:
        seconds = int(str(raw).strip()) if raw is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds > 0 else None


def _event(entry: Any) -> PublicEvent | None:
    if not isinstance(entry, dict):
        return None
    ident, kind = entry.get("id"), entry.get("type")
    repo = entry.get("repo")
    name = repo.get("name") if isinstance(repo, dict) else None
    created = parse_datetime(entry.get("created_at"))
    if isinstance(ident, bool) or not isinstance(ident, str | int) or str(ident) == "":
        return None
    if not isinstance(kind, str) or not kind or not isinstance(name, str) or "/" not in name:
        return None
    if created is None:
        return None
    commits = _push_commits(entry.get("payload")) if kind == "PushEvent" else 0
    return PublicEvent(id=str(ident), type=kind, created_at=created, repo=name, commits=commits)


def _push_commits(payload: Any) -> int:
    if not isinstance(payload, dict):
        return 0
    for key in ("distinct_size", "size"):
        value = payload.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
    listed = payload.get("commits")
    return len(listed) if isinstance(listed, list) else 0
