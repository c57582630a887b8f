"""The fake GitHub's contributions: a deterministic daily history for every user, the two GraphQL
documents of github_stats/github/contributions.py, and `GET /users/{login}/events/public`.

A user's history is generated on first use from its created_at to today (`max(state.clock,
now)`), seeded from the state's seed and the account id, and cached on the account
(`FakeAccount.contribution_days`). Its shape is a person's: a level drawn once (nearly
inactive, light, regular, very active), phases of a few weeks to months that are busier or
quieter, holidays and gaps of days to weeks, weekdays busier than weekends, quiet at Christmas,
and now and then a burst (a hackathon, a release).

Each day's count splits deterministically (by seed, account, day and count) into commits,
issues, pull requests, reviews and, for some accounts, restricted (private) contributions, so
the calendar's days sum to `totalContributions`, which is the sum of all five (GitHub counts
private contributions in the calendar of a user who shares them). Commits of a year go to the
account's own repositories (a hostile account also "commits" to a hostile name, to test
escaping); the public events of the last 90 days are built from the same days, so the two
always agree: one PushEvent per few commits, an IssuesEvent, PullRequestEvent or
PullRequestReviewEvent per contribution, a WatchEvent now and then; restricted ones never show.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.fakegithub.answers import Response
from tests.fakegithub.records import FakeAccount, stable_int
from tests.fakegithub.render import not_found
from tests.fakegithub.stars import today, week_start

if TYPE_CHECKING:
    from tests.fakegithub.state import FakeState

EVENTS_DAYS = 90
MAX_EVENTS = 300
POLL_INTERVAL = 60
KINDS = ("commits", "issues", "pull_requests", "reviews", "restricted")
_LEVELS = ((0.15, 0.015, 1.0), (0.35, 0.2, 1.5), (0.35, 0.55, 3.0), (0.15, 0.9, 7.0))
_SPAN_ERROR = "The total time spanned by 'from' and 'to' must not exceed 1 year"
_PAGINATION = (
    "In order to keep the API fast for everyone, pagination is limited for this resource. "
    "Check the rel=last link relation in the Link response header to see how far back you "
    "can traverse."
)


def contribution_days(state: FakeState, account: FakeAccount) -> dict[date, int]:
    with state.lock:
        if account.contribution_days is None:
            account.contribution_days = _generate(state.seed, account, today(state))
        return account.contribution_days


def set_contribution_days(account: FakeAccount, days: Mapping[date, int]) -> None:
    exact: dict[date, int] = {}
    for day, count in days.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"{day}: a contribution count is a non-negative integer")
        if count:
            exact[day] = exact.get(day, 0) + count
    account.contribution_days = exact


def _generate(seed: str, account: FakeAccount, last: date) -> dict[date, int]:
    rng = random.Random(f"{seed}:contributions:{account.id}")
    pick, cumulative = rng.random(), 0.0
    base, mean = _LEVELS[-1][1:]
    for share, level_base, level_mean in _LEVELS:
        cumulative += share
        if pick < cumulative:
            base, mean = level_base, level_mean
            break
    days: dict[date, int] = {}
    day = account.created_at.date()
    phase_end, phase, burst = day, 1.0, False
    while day <= last:
        if day >= phase_end:
            phase_end = day + timedelta(days=rng.randint(14, 150))
            roll = rng.random()
            phase = 0.0 if roll < 0.1 else rng.uniform(0.2, 1.6)  # a gap: nothing for weeks
            burst = roll > 0.93
        chance = base * phase * (0.35 if day.weekday() >= 5 else 1.0)
        if (day.month, day.day) >= (12, 23) or (day.month, day.day) <= (1, 1):
            chance *= 0.2
        if rng.random() < min(chance * (1.8 if burst else 1.0), 0.97):
            count = 1 + int(rng.paretovariate(2.5) * mean * (3 if burst else 1)) - int(mean)
            days[day] = min(max(count, 1), 80)
        day += timedelta(days=1)
    return days


def day_split(seed: str, account: FakeAccount, day: date, count: int) -> dict[str, int]:
    """The day's contributions by kind (summing to `count`), the same on every call."""
    profile = random.Random(f"{seed}:profile:{account.id}")
    weights = [0.7, 0.1, 0.12, 0.08]
    weights = [w * profile.uniform(0.5, 1.5) for w in weights]
    private = profile.uniform(0.05, 0.4) if profile.random() < 0.3 else 0.0
    rng = random.Random(f"{seed}:split:{account.id}:{day.isoformat()}:{count}")
    split = dict.fromkeys(KINDS, 0)
    for _ in range(count):
        if private and rng.random() < private:
            split["restricted"] += 1
        else:
            split[rng.choices(KINDS[:4], weights)[0]] += 1
    return split


def repository_pool(account: FakeAccount) -> list[str]:
    from tests.fakegithub.state import HOSTILE_SCRIPT

    names = [f"{account.login}/{repo.name}" for repo in account.repos.values()]
    if account.name == HOSTILE_SCRIPT:  # add_user(hostile=True): a name that must be escaped
        names.append(f"{account.login}/{HOSTILE_SCRIPT}")
    return names or [f"{account.login}/{account.login}"]


def year_totals(state: FakeState, account: FakeAccount, start: date, end: date) -> dict[str, Any]:
    """The span's days, totals by kind and commits by repository (most first)."""
    days = {d: n for d, n in contribution_days(state, account).items() if start <= d <= end}
    totals = dict.fromkeys(KINDS, 0)
    for day, count in days.items():
        for kind, n in day_split(state.seed, account, day, count).items():
            totals[kind] += n
    pool = repository_pool(account)
    weights = [1 + stable_int(f"{state.seed}:weight:{name}", 20) ** 2 for name in pool]
    rng = random.Random(f"{state.seed}:repos:{account.id}:{start.year}")
    by_repo: dict[str, int] = {}
    for _ in range(totals["commits"]):
        name = rng.choices(pool, weights)[0]
        by_repo[name] = by_repo.get(name, 0) + 1
    ranked = sorted(by_repo.items(), key=lambda item: (-item[1], item[0]))
    return {"days": days, "totals": totals, "by_repository": ranked}


# --- GraphQL ------------------------------------------------------------------------------


def contributions_graphql(state: FakeState, query: str, variables: Any) -> Response | None:
    """The answer to ContributionYears or ContributionYear; None for any other document."""
    from tests.fakegithub.answers import rate_limit_data

    if "contributionYears" not in query and "contributionsCollection(" not in query:
        return None
    login = str(variables.get("login", ""))
    account = state.account(login)
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    if "contributionsCollection(" in query:
        try:
            start = datetime.fromisoformat(str(variables["from"]).replace("Z", "+00:00"))
            end = datetime.fromisoformat(str(variables["to"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return Response(200, {"errors": [{"message": "Variable $from of type DateTime!"}]})
        if end < start or end - start > timedelta(days=366):
            return Response(200, {"data": None, "errors": [{"message": _SPAN_ERROR}]})
    if account is None or account.kind != "user":
        data["user"] = None
        errors.append(
            {
                "type": "NOT_FOUND",
                "path": ["user"],
                "locations": [{"line": 3, "column": 3}],
                "message": f"Could not resolve to a User with the login of '{login}'.",
            }
        )
    elif "contributionsCollection(" in query:
        data["user"] = {"contributionsCollection": _collection(state, account, start, end)}
    else:
        years = {day.year for day, n in contribution_days(state, account).items() if n}
        data["user"] = {"contributionsCollection": {"contributionYears": sorted(years)[::-1]}}
    if "repositoryOwner" in query:
        kind = {"user": "User", "org": "Organization"}
        data["owner"] = {"__typename": kind[account.kind]} if account else None
    data["rateLimit"] = rate_limit_data(state, 1)
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    return Response(200, body, headers={"X-Fake-Cost": "1"})


def _collection(state: FakeState, account: FakeAccount, start: datetime, end: datetime) -> Any:
    first, last = start.date(), min(end.date(), today(state))
    found = year_totals(state, account, first, last)
    totals = found["totals"]
    weeks: dict[date, list[dict[str, Any]]] = {}
    day = first
    while day <= last:
        count = found["days"].get(day, 0)
        entry = {"date": day.isoformat(), "contributionCount": count}
        weeks.setdefault(week_start(day), []).append(entry)
        day += timedelta(days=1)
    return {
        "totalCommitContributions": totals["commits"],
        "totalIssueContributions": totals["issues"],
        "totalPullRequestContributions": totals["pull_requests"],
        "totalPullRequestReviewContributions": totals["reviews"],
        "totalRepositoriesWithContributedCommits": len(found["by_repository"]),
        "restrictedContributionsCount": totals["restricted"],
        "contributionCalendar": {
            "totalContributions": sum(found["days"].values()),
            "weeks": [{"contributionDays": days} for days in weeks.values()],
        },
        "commitContributionsByRepository": [
            {"repository": {"nameWithOwner": name}, "contributions": {"totalCount": commits}}
            for name, commits in found["by_repository"][:25]
        ],
    }


# --- public events ----------------------------------------------------------------------------


def public_events(state: FakeState, account: FakeAccount) -> list[dict[str, Any]]:
    """The last 90 days' public events, newest first, at most 300. An organisation has some
    only when a test gave it days (set_contribution_days): its members' pushes, as GitHub's."""
    if account.kind != "user" and account.contribution_days is None:
        return []
    last = today(state)
    pool = repository_pool(account)
    days = contribution_days(state, account)
    events: list[dict[str, Any]] = []
    for offset in range(EVENTS_DAYS):
        day = last - timedelta(days=offset)
        count = days.get(day, 0)
        if not count:
            continue
        split = day_split(state.seed, account, day, count)
        rng = random.Random(f"{state.seed}:events:{account.id}:{day.isoformat()}:{count}")
        kinds: list[tuple[str, int]] = []
        commits = split["commits"]
        while commits:
            size = min(commits, rng.randint(1, 5))
            kinds.append(("PushEvent", size))
            commits -= size
        kinds += [("IssuesEvent", 0)] * split["issues"]
        kinds += [("PullRequestEvent", 0)] * split["pull_requests"]
        kinds += [("PullRequestReviewEvent", 0)] * split["reviews"]
        if rng.random() < 0.15:
            kinds.append(("WatchEvent", 0))
        day_events = []
        for index, (kind, size) in enumerate(kinds):
            moment = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)), UTC)
            ident = (day.toordinal() * 10_000 + index) * 1000 + account.id % 1000
            # Not clamped to now: the feed (and its ETag) must only change when the history does.
            day_events.append(_event(account, kind, size, moment, ident, rng, pool))
        events += sorted(day_events, key=lambda e: (e["created_at"], e["id"]), reverse=True)
        if len(events) >= MAX_EVENTS:
            break
    return events[:MAX_EVENTS]


def _event(
    account: FakeAccount, kind: str, size: int, moment: datetime, ident: int, rng: Any, pool: Any
) -> dict[str, Any]:
    repo = rng.choice(pool) if kind != "WatchEvent" else f"octo-{rng.randint(1, 99)}/popular"
    payload: dict[str, Any] = {}
    if kind == "PushEvent":
        payload = {"push_id": ident, "size": size, "distinct_size": size, "ref": "refs/heads/main"}
    elif kind in ("IssuesEvent", "PullRequestEvent"):
        payload = {"action": "opened", "number": rng.randint(1, 400)}
    elif kind == "WatchEvent":
        payload = {"action": "started"}
    return {
        "id": str(ident),
        "type": kind,
        "actor": {"id": account.id, "login": account.login, "display_login": account.login},
        "repo": {"id": stable_int(repo, 10**8), "name": repo, "url": ""},
        "payload": payload,
        "public": True,
        "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def events_answer(
    state: FakeState,
    account: FakeAccount | None,
    params: dict[str, str],
    api: str,
    *,
    org: bool = False,
) -> Response:
    """/users/{login}/events/public, or with `org` an organisation's /orgs/{org}/events (the
    same shape and limits; 404 for a user)."""
    if account is None or (org and account.kind != "org"):
        return Response(404, not_found())
    try:
        per_page = min(max(int(params.get("per_page", 30)), 1), 100)
        page = max(int(params.get("page", 1)), 1)
    except ValueError:
        return Response(422, {"message": "Invalid pagination", "documentation_url": ""})
    if (page - 1) * per_page >= MAX_EVENTS:
        return Response(422, {"message": _PAGINATION, "documentation_url": ""})
    events = public_events(state, account)
    last = max((min(len(events), MAX_EVENTS) + per_page - 1) // per_page, 1)
    headers = {"X-Poll-Interval": str(POLL_INTERVAL)}
    path = (
        f"{api}/orgs/{account.login}/events"
        if org
        else f"{api}/users/{account.login}/events/public"
    )
    links = []
    if page < last:
        links.append(f'<{path}?{urlencode({"per_page": per_page, "page": page + 1})}>; rel="next"')
        links.append(f'<{path}?{urlencode({"per_page": per_page, "page": last})}>; rel="last"')
    if links:
        headers["Link"] = ", ".join(links)
    chunk = events[(page - 1) * per_page : page * per_page]
    return Response(200, chunk, headers=headers, conditional=True)
