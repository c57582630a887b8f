"""The last 90 days of public events, by day: a user's without a token (no calendar to fetch),
an organisation's with one (GitHub keeps no calendar for organisations; `/orgs/{org}/events`).

GitHub's GraphQL (the contribution calendar) needs a token; `GET /users/{login}/events/public`
does not. It serves at most 300 events from the last 90 days, so the view is labelled "last 90
days, public events" wherever it is shown. Without a token every request counts against the 60
an hour, a 304 included, so these rules apply:
- only tracked accounts are polled (a one-off visit shows what we have);
- never sooner than GitHub's `X-Poll-Interval` after the last poll;
- the first page is conditional on its ETag: a 304 means nothing new, and nothing more is asked;
  otherwise pages 2 and 3 follow while GitHub links them.

Stored in AccountActivity.recent as {"YYYY-MM-DD": [events, commits]}. The days the fetched
events cover replace what was stored; older days are kept until they pass 90 days. A feed
truncated at 300 events leaves its oldest day partial, so that day keeps the larger count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from github_stats.github.client import GitHubClient
from github_stats.github.events import MAX_EVENTS_PAGE, PublicEvent
from github_stats.models import AccountActivity, AccountKind, GitHubAccount, Tracking, today_utc

RECENT_DAYS = 90


def recent_activity_fetch(
    *, account: GitHubAccount, state: AccountActivity, client: GitHubClient, now: datetime
) -> bool:
    """Poll the account's public events if the rules above allow, updating `state` (not saved).
    True when `recent` changed. Raises the client's errors (the fill records them). The fill
    has checked that someone tracks the account (`recent_activity_wanted`)."""
    if state.events_polled_at is not None and now < state.events_polled_at + timedelta(
        seconds=state.poll_interval
    ):
        return False
    token = client.token_fingerprint
    etag = state.events_etag if state.validators_token == token else None
    org = account.kind == AccountKind.ORG
    first = client.public_events_page(login=account.login, etag=etag or None, org=org)
    state.events_polled_at = now
    if first.poll_interval:
        state.poll_interval = first.poll_interval
    if first.etag:
        state.events_etag, state.validators_token = first.etag, token
    if first.not_modified:
        return _expire(state, now=now)
    events = list(first.events)
    page, truncated = first, first.has_next
    while page.has_next and page.page < MAX_EVENTS_PAGE:
        page = client.public_events_page(login=account.login, page=page.page + 1, org=org)
        events += page.events
        truncated = page.has_next or page.limit_reached
    state.recent = recent_merge(
        stored=state.recent or {}, events=events, truncated=truncated, today=today_utc(now)
    )
    return True


def recent_activity_wanted(*, account: GitHubAccount, has_token: bool) -> bool:
    """With a token an unchanged feed is a free 304: poll any account shown. Without one every
    poll costs one of the 60 an hour: only accounts someone tracks."""
    return has_token or Tracking.objects.filter(account=account).exists()


def recent_merge(
    *, stored: dict[str, list[int]], events: list[PublicEvent], truncated: bool, today: date
) -> dict[str, list[int]]:
    """The new day map. Pure."""
    fresh: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for event in events:
        day = event.created_at.date().isoformat()
        fresh[day][0] += 1
        fresh[day][1] += event.commits
    oldest = min(fresh) if fresh else None
    merged: dict[str, list[int]] = {}
    for day, counts in stored.items():
        if _valid(day, counts) and (oldest is None or day < oldest):
            merged[day] = [int(counts[0]), int(counts[1])]
    for day, counts in fresh.items():
        if truncated and day == oldest and day in stored and _valid(day, stored[day]):
            counts = [max(counts[0], int(stored[day][0])), max(counts[1], int(stored[day][1]))]
        merged[day] = counts
    cutoff = (today - timedelta(days=RECENT_DAYS - 1)).isoformat()
    return {day: merged[day] for day in sorted(merged) if cutoff <= day <= today.isoformat()}


def _expire(state: AccountActivity, *, now: datetime) -> bool:
    kept = recent_merge(stored=state.recent or {}, events=[], truncated=False, today=today_utc(now))
    changed = kept != (state.recent or {})
    state.recent = kept
    return changed


def _valid(day: object, counts: object) -> bool:
    if not isinstance(day, str) or not isinstance(counts, list) or len(counts) != 2:
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts)
