"""The API's input and output shapes. Built from the selectors' dataclasses (attribute access),
so the API shows exactly the figures the pages show."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

RepoSort = Literal["stars", "forks", "pushed", "name"]
JobState = Literal["queued", "running", "succeeded", "failed"]


class ProfileOut(Schema):
    login: str
    kind: Literal["user", "org"]
    name: str
    avatar_url: str = Field(description="http(s) only, else empty.")
    bio: str
    company: str
    location: str
    blog: str = Field(description="As GitHub has it; may be any text.")
    blog_url: str = Field(description="The blog as a link when it is http(s), else empty.")
    html_url: str
    joined_at: datetime | None


class FigureOut(Schema):
    key: str
    label: str
    value: int
    change_7d: int | None = Field(description="Null until we have a snapshot 7 days old.")
    change_30d: int | None = Field(description="Null until we have a snapshot 30 days old.")


class LanguageShareOut(Schema):
    name: str
    value: int = Field(description="Bytes, or repositories for by_repos.")
    share: float


class LanguagesOut(Schema):
    by_bytes: list[LanguageShareOut] = Field(description="Needs a GitHub token; may be empty.")
    by_repos: list[LanguageShareOut]


class RepoOut(Schema):
    name: str
    full_name: str
    description: str
    language: str
    stars: int
    forks: int
    open_issues: int
    is_fork: bool
    archived: bool
    pushed_at: datetime | None
    html_url: str
    topics: list[str]


class AccountOut(Schema):
    profile: ProfileOut
    figures: list[FigureOut]
    languages: LanguagesOut
    top_repos: list[RepoOut] = Field(description="The most starred, forks excluded.")
    fetched_at: datetime | None
    stale: bool
    refresh_status: str
    job_id: UUID | None = Field(
        description="The refresh queued because the data is stale; poll /api/v1/jobs/{id}."
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


class RepoListOut(Schema):
    items: list[RepoOut]
    count: int = Field(description="Repositories matching the filters, over all pages.")


class HistoryPointOut(Schema):
    date: date
    followers: int
    following: int
    public_repos: int
    total_stars: int
    total_forks: int


class HistoryOut(Schema):
    login: str
    days: int
    points: list[HistoryPointOut] = Field(description="One per day we have, oldest first.")


class RepositoryOut(Schema):
    owner: str
    name: str
    full_name: str
    description: str
    language: str
    languages: list[LanguageShareOut]
    languages_measured: bool = Field(description="False: `languages` is the primary one only.")
    stars: int
    forks: int
    open_issues: int
    watchers: int
    size_kb: int
    is_fork: bool
    archived: bool
    topics: list[str]
    license_spdx: str
    default_branch: str
    html_url: str
    homepage: str
    homepage_url: str
    pushed_at: datetime | None
    created_at: datetime | None
    fetched_at: datetime | None


class WatchlistItemOut(Schema):
    login: str
    kind: Literal["user", "org"]
    name: str
    avatar_url: str
    followers: int
    public_repos: int
    fetched_at: datetime | None
    stale: bool
    tracked_since: datetime


class CompareItemOut(Schema):
    profile: ProfileOut
    figures: list[FigureOut]
    fetched_at: datetime | None
    stale: bool


class CompareOut(Schema):
    items: list[CompareItemOut] = Field(description="In the order asked for.")
