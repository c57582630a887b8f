"""Refresh jobs: a person sees the jobs they requested, and a job the API handed them because
it was already in flight for the account they asked about (someone else's request or the
scheduler's). Any other job is 404, the same answer as a job that does not exist."""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from http import HTTPStatus
from typing import cast
from uuid import UUID

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from accounts.models import User
from config.errors import error_responses
from github_stats.api.common import signed_in
from github_stats.api.schemas import JobOut, JobState
from github_stats.exceptions import NotFound
from github_stats.models import RefreshJob
from github_stats.selectors.accounts import refresh_job_get
from github_stats.services.jobs import refresh_job_watched

router = Router()

# How long a person may poll a job someone else started, after we handed it to them.
_HANDED_JOB_SECONDS = 24 * 60 * 60


def job_out(job: RefreshJob) -> JobOut:
    return JobOut(
        id=job.pk,
        login=job.login,
        status=cast(JobState, job.status),
        error_code=job.error_code or None,
        error=job.error or None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        retry_at=job.retry_at,
        url=f"/api/v1/jobs/{job.pk}",
    )


def job_hand_over(job: RefreshJob, user: User) -> RefreshJob:
    if job.requested_by_id != user.pk:
        cache.set(_handed_key(job.pk, user), True, timeout=_HANDED_JOB_SECONDS)
    return job


def job_accepted(response: HttpResponse, job: RefreshJob) -> Status[JobOut]:
    out = job_out(job)
    response["Location"] = out.url
    return Status(HTTPStatus.ACCEPTED, out)


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **error_responses(404, 422)},
    summary="A refresh job",
    description="Yours, or one handed to you because it was in flight; anyone else's is 404.",
)
def job_detail(request: HttpRequest, job_id: UUID) -> JobOut:
    job = refresh_job_get(job_id=job_id)
    user = signed_in(request)
    visible = job is not None and (
        job.requested_by_id == user.pk or bool(cache.get(_handed_key(job.pk, user)))
    )
    if job is None or not visible:
        raise NotFound("There is no such job.")
    refresh_job_watched(job_id=job.pk)  # polled: someone is waiting for it
    return job_out(job)


def _handed_key(job_id: UUID, user: User) -> str:
    return f"api:job-handed:{job_id}:{user.pk}"
