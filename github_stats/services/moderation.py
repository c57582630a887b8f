"""Operators' writes on GitHub data: hiding and unhiding accounts, refreshing on demand,
retrying failed jobs, turning an account's cards off or on. The admin's actions call these;
each writes an audit row in the same transaction as the change.

A hidden account is honoured everywhere by reading `GitHubAccount.hidden`: pages say "This account
is not available", the API answers 404, refresh_request() and tracking_add() refuse it, a refresh
already queued fails with AccountHidden, and the scheduler and `backfill_accounts` pick from
`GitHubAccount.objects.visible()` only. Its rows stay, so unhiding brings everything back. Both
give the account a new cache version, so no cached response outlives the decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from accounts.audit import audit_log_write
from accounts.models import AuditAction
from github_stats.models import GitHubAccount, RefreshJob, Tracking
from github_stats.services.jobs import refresh_job_create, refresh_request
from github_stats.services.shown import account_shown_update, watchlists_changed


def account_hide(
    *, account: GitHubAccount, reason: str, actor: Any, request: HttpRequest | None = None
) -> None:
    reason = reason.strip()
    if not reason:
        raise ValueError("Hiding an account needs a reason.")
    _set_hidden(account=account, hidden=True, reason=reason, actor=actor, request=request)


def account_unhide(
    *, account: GitHubAccount, actor: Any, reason: str = "", request: HttpRequest | None = None
) -> None:
    _set_hidden(account=account, hidden=False, reason=reason, actor=actor, request=request)


def _set_hidden(
    *, account: GitHubAccount, hidden: bool, reason: str, actor: Any, request: HttpRequest | None
) -> None:
    """The account's hidden flag and its audit entry in one transaction; an unhidden account
    keeps no hiding reason (the audit log keeps why it was unhidden)."""
    kept_reason = reason if hidden else ""
    with transaction.atomic():
        account_shown_update(account=account, hidden=hidden, hidden_reason=kept_reason)
        # The watchlists that track it leave it out, or show it again.
        watchlists_changed(
            user_ids=Tracking.objects.filter(account=account).values_list("user_id", flat=True)
        )
        audit_log_write(
            action=AuditAction.ACCOUNT_HIDE if hidden else AuditAction.ACCOUNT_UNHIDE,
            actor=actor,
            target=account,
            reason=reason,
            request=request,
        )


def account_cards_set(
    *, account: GitHubAccount, enabled: bool, actor: Any, request: HttpRequest | None = None
) -> None:
    """Serve the account's embeddable cards or not (an owner asked us to stop, say); its
    cached cards go with the new cache version."""
    with transaction.atomic():
        account_shown_update(account=account, cards_enabled=enabled)
        audit_log_write(
            action=AuditAction.CARDS_ON if enabled else AuditAction.CARDS_OFF,
            actor=actor,
            target=account,
            request=request,
        )


def account_refresh_now(
    *, account: GitHubAccount, actor: Any, request: HttpRequest | None = None
) -> RefreshJob:
    """Through refresh_request(), like a person's Refresh button: the one-job lock holds, and a
    hidden account is refused (AccountHidden)."""
    with transaction.atomic():
        job = refresh_request(login=account.login, requested_by=actor, account=account)
        audit_log_write(
            action=AuditAction.ACCOUNT_REFRESH,
            actor=actor,
            target=account,
            reason=f"job {job.pk}",
            request=request,
        )
    return job


def refresh_job_retry(
    *, job: RefreshJob, actor: Any, request: HttpRequest | None = None
) -> RefreshJob | None:
    """A new job for what a finished job asked for (or the one already in flight).
    None when the job is still in flight, or its account is hidden."""
    if job.is_in_flight:
        return None
    account = job.account
    if account is not None and account.hidden:
        return None
    with transaction.atomic():
        retry = refresh_job_create(account=account, login=job.login, requested_by=actor)
        audit_log_write(
            action=AuditAction.REFRESH_JOB_RETRY,
            actor=actor,
            target=job,
            target_repr=f"{job.login} (job {job.pk})",
            reason=f"new job {retry.pk}",
            request=request,
        )
    return retry
