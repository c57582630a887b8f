"""The API's inputs, and its outputs composed of the selectors' dataclasses (never mirrored
field by field): a figure in the API is the very object the page shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Path, Schema
from pydantic import Field

from github_stats.selectors.accounts import Profile
from github_stats.selectors.activity_compare import ActivityFigures
from github_stats.selectors.dashboard import Dashboard, Figure, HistoryPoint, Languages
from github_stats.selectors.repositories import RepoRow

# GitHub's rules (github/names.py) published in the schema, so clients and schema checkers know
# them; the services validate again.
LOGIN_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"
# Letters, digits, ".", "_", "-", but not "." or ".." (no look-ahead: pydantic's regex has none).
REPO_NAME_PATTERN = (
    r"^([A-Za-z0-9_-][A-Za-z0-9._-]*|\.[A-Za-z0-9_-][A-Za-z0-9._-]*|\.\.[A-Za-z0-9._-]+)$"
)
_LOGIN = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
MAX_COMPARED = 10
# 2 to MAX_COMPARED logins: the schema says the limit, and the pattern enforces it.
COMPARE_PATTERN = rf"^{_LOGIN}(,{_LOGIN}){{1,{MAX_COMPARED - 1}}}$"
Login = Annotated[
    str,
    Path(description="A GitHub user or organisation login.", max_length=39, pattern=LOGIN_PATTERN),
]
RepoName = Annotated[
    str, Path(description="A repository name.", max_length=100, pattern=REPO_NAME_PATTERN)
]
JobState = Literal["queued", "running", "succeeded", "failed"]


class AccountOut(Schema):
    profile: Profile
    figures: list[Figure]
    languages: Languages
    top_repos: list[RepoRow] = Field(description="The most starred, forks excluded.")
    fetched_at: datetime | None
    stale: bool
    refresh_status: str
    job_id: UUID | None = Field(
        description="The refresh queued because the data is stale; poll /api/v1/jobs/{id}."
    )


class HistoryOut(Schema):
    login: str
    days: int | Literal["all"]
    points: list[HistoryPoint] = Field(description="One per day we have, oldest first.")
    missing_days: list[date] = Field(
        description="The UTC days between the first and the last of `points` that have no "
        "point (no refresh that day), and for an account on someone's watchlist those after "
        "the last point up to yesterday; today is never missing, nor a day older than the "
        "window of daily snapshots (one a week is kept before it). Oldest first."
    )


class JobOut(Schema):
    id: UUID
    login: str
    status: JobState
    error_code: str | None = Field(description="The error's code as in API errors.")
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    retry_at: datetime | None = Field(description="Rate limited: not run again before this.")
    url: str


class CompareItemOut(Schema):
    profile: Profile
    figures: list[Figure]
    fetched_at: datetime | None
    stale: bool
    activity: ActivityFigures | None = Field(
        None,
        description="Contributions this year, last year and all-time, current and longest "
        "streak, from the stored contribution calendar; `missing` says why they are null "
        "(an organisation, nothing stored yet).",
    )

    @classmethod
    def of(cls, account: Dashboard, activity: ActivityFigures | None = None) -> CompareItemOut:
        profile = account.profile
        return cls(
            profile=profile,
            figures=account.figures,
            fetched_at=profile.fetched_at,
            stale=profile.is_stale,
            activity=activity,
        )


class CompareOut(Schema):
    items: list[CompareItemOut] = Field(description="In the order asked for.")
