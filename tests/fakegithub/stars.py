"""The fake GitHub's star history (`GET /repos/{owner}/{repo}/stargazers/history`, 2026-09-04):
a deterministic, realistic day-by-day history for every repository, kept in step with its star
count, and the endpoint's answer (tests/fakegithub/server.py routes to `history_answer`).

A repository's history is generated the first time anything needs it, from its created_at to
today (`max(state.clock, now)`, so histories reach the real today), and sums exactly to
`stars - unattributed`. Its shape is a real repository's: a launch burst in the first weeks
(the author tells their friends), a long tail that fades over the years with quieter weekends,
and now and then a spike that decays over a few days (a Hacker News day). Small repositories
have mostly empty weeks, because ten stars fill ten days at most. It is seeded from the state's
seed and the repository's id, so a run repeats (on the same day: the history ends today).
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from tests.fakegithub.answers import Response, link_header
from tests.fakegithub.records import FakeRepo
from tests.fakegithub.render import not_found

if TYPE_CHECKING:
    from tests.fakegithub.state import FakeState

MAX_PER_PAGE = 30
MAX_PAGE = 100
_DOCS = "https://docs.github.com/rest/activity/starring#get-star-history"
# Above this many stars, draw only the remainder of the expected counts one by one: a million
# single draws would make a test wait for its fake.
_EXACT_DRAWS = 200_000


def today(state: FakeState) -> date:
    return max(state.clock, datetime.now(UTC)).date()


def attributed(repo: FakeRepo) -> int:
    return max(repo.stars - repo.unattributed, 0)


def week_start(day: date) -> date:
    """The Sunday that starts `day`'s week, as GitHub's statistics endpoints count weeks."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def star_days(state: FakeState, repo: FakeRepo) -> dict[date, int]:
    """The repository's daily counts: generated on first use, then reconciled with
    `stars - unattributed`, because tests also set `repo.stars` directly. New stars land on
    today; lost ones leave random earlier days (an unstar removes the star from its week)."""
    with state.lock:
        if repo.star_days is None:
            repo.star_days = _generate(state.seed, repo, today(state))
        difference = attributed(repo) - sum(repo.star_days.values())
        if difference > 0:
            day = today(state)
            repo.star_days[day] = repo.star_days.get(day, 0) + difference
        elif difference < 0:
            _remove(state.seed, repo, -difference)
        return repo.star_days


def set_star_days(state: FakeState, repo: FakeRepo, days: Mapping[date, int]) -> None:
    """An exact history for a test; the star count follows it (plus `unattributed`)."""
    first, last = _created(repo), today(state)
    exact: dict[date, int] = {}
    for key, count in days.items():
        day = key.date() if isinstance(key, datetime) else key
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"{day}: a star count is a non-negative integer, not {count!r}")
        if not first <= day <= last:
            raise ValueError(f"{day} is outside the repository's life ({first} to {last})")
        if count:
            exact[day] = exact.get(day, 0) + count
    with state.lock:
        repo.star_days = exact
        repo.stars = sum(exact.values()) + repo.unattributed


def history_answer(
    state: FakeState, repo: FakeRepo | None, params: dict[str, str], api: str
) -> Response:
    """One page of weeks, newest first, from the week of the repository's creation to this
    week, empty weeks included; weeks start on Sunday 00:00 UTC."""
    if repo is None:
        return Response(404, not_found())
    if repo.private_history:
        return Response(
            403, {"message": "Must have admin rights to Repository.", "documentation_url": _DOCS}
        )
    try:
        per_page = min(max(int(params.get("per_page", MAX_PER_PAGE)), 1), MAX_PER_PAGE)
        page = max(int(params.get("page", 1)), 1)
    except ValueError:
        return Response(422, {"message": "Invalid pagination", "documentation_url": _DOCS})
    if page > MAX_PAGE:
        message = (
            "Pagination is limited for this resource. "
            f"Only the first {MAX_PAGE} pages are available."
        )
        return Response(422, {"message": message, "documentation_url": _DOCS})
    days = star_days(state, repo)
    newest = week_start(today(state))
    weeks = (newest - week_start(min(_created(repo), newest))).days // 7 + 1
    last = min(max(math.ceil(weeks / per_page), 1), MAX_PAGE)
    body = []
    for index in range((page - 1) * per_page, min(page * per_page, weeks)):
        start = newest - timedelta(weeks=index)
        counts = [days.get(start + timedelta(days=offset), 0) for offset in range(7)]
        body.append({"week": _unix(start), "total": sum(counts), "days": counts})
    collection = f"{api}/repositories/{repo.id}/stargazers/history"
    headers = link_header(collection, params, page, last)
    return Response(200, body, headers=headers, conditional=True)


# --- generation -------------------------------------------------------------------------------


def _generate(seed: str, repo: FakeRepo, last: date) -> dict[date, int]:
    total = attributed(repo)
    first = min(_created(repo), last)
    if total == 0:
        return {}
    span = (last - first).days + 1
    rng = random.Random(f"{seed}:stars:{repo.id}")
    weights = _shape(rng, span, first)
    cumulative = list(_accumulate(weights))
    counts: Counter[int] = Counter()
    if total > _EXACT_DRAWS:
        whole = sum(weights)
        for index, weight in enumerate(weights):
            counts[index] = int(total * weight / whole)
    drawn = total - sum(counts.values())
    counts.update(rng.choices(range(span), cum_weights=cumulative, k=drawn))
    return {first + timedelta(days=index): n for index, n in sorted(counts.items()) if n}


def _shape(rng: random.Random, span: int, first: date) -> list[float]:
    """Relative chances of a star on each day of the repository's life."""
    launch_day = min(int(rng.expovariate(1 / 12)), span - 1)  # usually in the first weeks
    launch_decay = rng.uniform(2.0, 9.0)
    tail_decay = rng.uniform(200.0, 1500.0)  # interest fades over years, never to nothing
    floor = rng.uniform(0.05, 0.3)
    spikes = [rng.randrange(span) for _ in range(span // 180) if rng.random() < 0.4]
    launch_share = rng.uniform(0.2, 0.55) if span > 14 else 1.0
    spike_share = rng.uniform(0.1, 0.3) if spikes and span > 14 else 0.0
    launch = [_decay(i - launch_day, launch_decay) for i in range(span)]
    tail = [
        (math.exp(-i / tail_decay) + floor) * (0.7 if (first + timedelta(i)).weekday() >= 5 else 1)
        for i in range(span)
    ]
    spike = [0.0] * span
    for at in spikes:
        height = rng.paretovariate(1.5)  # most spikes are modest, one may dwarf the launch
        for offset in range(min(14, span - at)):
            spike[at + offset] += height * _decay(offset, 1.5)
    weights = [0.0] * span
    tail_share = 1.0 - launch_share - spike_share
    for share, part in ((launch_share, launch), (spike_share, spike), (tail_share, tail)):
        whole = sum(part)
        if share > 0 and whole > 0:
            for index, value in enumerate(part):
                weights[index] += share * value / whole
    return weights


def _remove(seed: str, repo: FakeRepo, count: int) -> None:
    """Take `count` random stars away (each existing star as likely as any other)."""
    assert repo.star_days is not None
    items = sorted(repo.star_days.items())
    have = sum(n for _, n in items)
    rng = random.Random(f"{seed}:unstar:{repo.id}:{have}:{count}")
    ends = list(_accumulate(n for _, n in items))
    for position in rng.sample(range(have), min(count, have)):
        day = items[bisect.bisect_right(ends, position)][0]
        repo.star_days[day] -= 1
        if repo.star_days[day] == 0:
            del repo.star_days[day]


def _decay(offset: float, scale: float) -> float:
    return math.exp(-offset / scale) if offset >= 0 else 0.0


def _accumulate(values: Any) -> Any:
    running = 0.0
    for value in values:
        running += value
        yield running


def _created(repo: FakeRepo) -> date:
    return repo.created_at.astimezone(UTC).date()


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())
