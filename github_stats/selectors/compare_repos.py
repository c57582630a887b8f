"""Several repositories side by side (/compare/repos/): their figures and star histories, read in
three queries whatever their number (the owners, the repositories, every star history)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from github_stats.models import GitHubAccount, Repository
from github_stats.selectors.accounts import Profile, account_profile
from github_stats.selectors.star_history import Interval, StarSeries, repositories_star_history

Name = tuple[str, str]  # (owner login, repository name), lower case


@dataclass(frozen=True)
class ComparedRepository:
    name: Name
    full_name: str  # as stored: owner/Name
    owner: Profile
    repository: Repository
    series: StarSeries

    @property
    def created(self) -> date | None:
        created_at = self.repository.created_at
        return created_at.date() if created_at else self.series.first_star

    def by_age(self) -> list[tuple[int, int]]:
        """(days since the repository was created, cumulative stars): what `align=age` draws.
        A star GitHub dates before the creation (a repository made public later, say) counts
        on day 0."""
        created = self.created
        if created is None:
            return []
        return [(max((p.date - created).days, 0), p.total) for p in self.series.points]


@dataclass(frozen=True)
class RepositoriesComparison:
    """The stored repositories of visible owners in the order asked; and what was asked for
    that we cannot show: owners we do not store (`unknown_owners`: a refresh may find them),
    repositories their stored owner does not have (`missing`, with `stale_owners` among their
    owners: a refresh may find those), and owners moderation hid (`hidden`)."""

    repositories: list[ComparedRepository]
    unknown_owners: list[str]
    missing: list[Name]
    stale_owners: list[str]
    hidden: list[Name]


# Repositories all younger than this are drawn a point a day, others a point a week.
DAILY_WITHIN = timedelta(days=180)


def repositories_comparison(
    *,
    names: Sequence[Name],
    interval: Interval | None = None,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> RepositoriesComparison:
    """`interval` None: a day when every repository found is younger than DAILY_WITHIN.
    `start`/`end` bound the points (the API's window); totals still count every star."""
    now = now or timezone.now()
    wanted = list(dict.fromkeys((owner.lower(), repo.lower()) for owner, repo in names))
    if not wanted:
        return RepositoriesComparison([], [], [], [], [])
    logins = list(dict.fromkeys(owner for owner, _ in wanted))
    owners = {
        account.login.lower(): account
        for account in GitHubAccount.objects.for_display().by_logins(logins)
    }
    visible = {login: account for login, account in owners.items() if not account.hidden}
    found: dict[Name, Repository] = {}
    if asked := [(visible[o], r) for o, r in wanted if o in visible]:
        matches = reduce(or_, (Q(owner=owner, name__iexact=repo) for owner, repo in asked))
        for repository in Repository.objects.filter(matches).order_by("fetched_at"):
            owner = visible[_owner_login(visible, repository.owner_id)]
            repository.owner = owner  # read already: no query for it
            found[(owner.login.lower(), repository.name.lower())] = repository
    if interval is None:
        young = all(r.created_at and r.created_at > now - DAILY_WITHIN for r in found.values())
        interval = "day" if young else "week"
    series = (
        repositories_star_history(
            repositories=found.values(), interval=interval, start=start, end=end, now=now
        )
        if found
        else {}
    )
    profiles = {
        login: account_profile(account=account, now=now) for login, account in visible.items()
    }
    compared = [
        ComparedRepository(
            name=name,
            full_name=f"{profiles[name[0]].login}/{found[name].name}",
            owner=profiles[name[0]],
            repository=found[name],
            series=series[found[name].pk],
        )
        for name in wanted
        if name in found
    ]
    missing = [name for name in wanted if name[0] in visible and name not in found]
    return RepositoriesComparison(
        repositories=compared,
        unknown_owners=[login for login in logins if login not in owners],
        missing=missing,
        stale_owners=list(dict.fromkeys(o for o, _ in missing if visible[o].is_stale(now))),
        hidden=[name for name in wanted if name[0] in owners and name[0] not in visible],
    )


def _owner_login(visible: dict[str, GitHubAccount], owner_id: int) -> str:
    return next(login for login, account in visible.items() if account.pk == owner_id)
