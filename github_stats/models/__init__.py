"""What we store about GitHub: accounts (users and organisations), their repositories, one snapshot
per account per day, star history by day, the watchlist, and the refresh jobs that keep it all
fresh.

PostgreSQL is the source of truth; every page and API answer reads these tables. GitHub's own
timestamps keep GitHub's names (`created_at`, `updated_at`, `pushed_at`); ours say what they are
(`fetched_at`, `first_seen_at`). "Account" in this app is always a GitHub account; the person
using Gitpulse is `accounts.User`.
"""

from github_stats.models.accounts import (
    AccountKind,
    FormerName,
    GitHubAccount,
    GitHubAccountQuerySet,
    RefreshStatus,
    new_cache_version,
    stale_moment,
)
from github_stats.models.activity import (
    AccountActivity,
    ContributionYear,
    year_days,
    year_pairs,
)
from github_stats.models.jobs import IN_FLIGHT, JobStatus, RefreshJob, RefreshJobQuerySet
from github_stats.models.repositories import Repository, RepositoryQuerySet
from github_stats.models.snapshots import AccountSnapshot, today_utc
from github_stats.models.star_history import (
    DAYS_PER_WEEK,
    AccountStarHistory,
    StarHistory,
    Week,
    week_days,
    week_ordinal,
    weeks_daily,
    weeks_pack,
)
from github_stats.models.watchlist import Tracking

__all__ = [
    "DAYS_PER_WEEK",
    "IN_FLIGHT",
    "AccountActivity",
    "AccountKind",
    "AccountSnapshot",
    "AccountStarHistory",
    "ContributionYear",
    "FormerName",
    "GitHubAccount",
    "GitHubAccountQuerySet",
    "JobStatus",
    "RefreshJob",
    "RefreshJobQuerySet",
    "RefreshStatus",
    "Repository",
    "RepositoryQuerySet",
    "StarHistory",
    "Tracking",
    "Week",
    "new_cache_version",
    "stale_moment",
    "today_utc",
    "week_days",
    "week_ordinal",
    "weeks_daily",
    "weeks_pack",
    "year_days",
    "year_pairs",
]
