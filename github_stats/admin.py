"""Moderation: operators hide and unhide accounts, refresh on demand and retry failed jobs.

What GitHub sent is read-only here (a refresh would overwrite any edit), and every moderation
action goes through github_stats.services.moderation, which writes the audit log. GitHub's
strings are untrusted: list columns return plain strings, which the admin escapes; nothing is
mark_safe'd."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import Truncator

from github_stats.github.errors import ShownError
from github_stats.models import (
    AccountSnapshot,
    GitHubAccount,
    RefreshJob,
    Repository,
    StarHistory,
    Tracking,
    week_days,
)
from github_stats.services.moderation import (
    account_cards_set,
    account_hide,
    account_refresh_now,
    account_unhide,
    refresh_job_retry,
)

_SHORT = 60


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows we copy from GitHub or compute: viewable, never edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaleFilter(admin.SimpleListFilter):
    title = "freshness"
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Stale (older than STATS_TTL)"), ("no", "Fresh")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        ttl = timedelta(seconds=settings.STATS_TTL)
        stale = GitHubAccount.objects.stale(older_than=ttl).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=stale)
        if self.value() == "no":
            return queryset.exclude(pk__in=stale)
        return queryset


class HideForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Why: kept in the audit log and on the account.",
    )


@admin.register(GitHubAccount)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "login",
        "kind",
        "short_name",
        "short_bio",
        "followers",
        "public_repos",
        "fetched_at",
        "refresh_status",
        "hidden",
        "cards_enabled",
    ]
    list_filter = ["kind", "hidden", StaleFilter, "refresh_status", "cards_enabled"]
    search_fields = ["login", "name"]
    actions = [
        "hide_accounts",
        "unhide_accounts",
        "refresh_accounts",
        "cards_off",
        "cards_on",
    ]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Hiding goes through the actions (reason and audit row), never an edited checkbox.
        return [field.name for field in GitHubAccount._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # hide instead: history and watchlists stay, and it can be undone

    @admin.display(description="name")
    def short_name(self, obj: GitHubAccount) -> str:
        return Truncator(obj.name).chars(40)

    @admin.display(description="bio")
    def short_bio(self, obj: GitHubAccount) -> str:
        return Truncator(obj.bio).chars(_SHORT)

    @admin.action(description="Hide selected accounts (asks for a reason)", permissions=["change"])
    def hide_accounts(
        self, request: HttpRequest, queryset: QuerySet[GitHubAccount]
    ) -> HttpResponse | None:
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            accounts = list(queryset)
            for account in accounts:
                account_hide(
                    account=account,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    request=request,
                )
            self.message_user(request, f"Hid {len(accounts)} account(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Hide accounts",
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/github_stats/account_hide.html", context)

    @admin.action(description="Unhide selected accounts", permissions=["change"])
    def unhide_accounts(self, request: HttpRequest, queryset: QuerySet[GitHubAccount]) -> None:
        accounts = list(queryset.filter(hidden=True))
        for account in accounts:
            account_unhide(account=account, actor=request.user, request=request)
        self.message_user(request, f"Unhid {len(accounts)} account(s).", messages.SUCCESS)

    @admin.action(description="Turn embeddable cards off", permissions=["change"])
    def cards_off(self, request: HttpRequest, queryset: QuerySet[GitHubAccount]) -> None:
        self._cards_set(request, queryset, enabled=False)

    @admin.action(description="Turn embeddable cards on", permissions=["change"])
    def cards_on(self, request: HttpRequest, queryset: QuerySet[GitHubAccount]) -> None:
        self._cards_set(request, queryset, enabled=True)

    def _cards_set(
        self, request: HttpRequest, queryset: QuerySet[GitHubAccount], *, enabled: bool
    ) -> None:
        accounts = list(queryset.exclude(cards_enabled=enabled))
        for account in accounts:
            account_cards_set(account=account, enabled=enabled, actor=request.user, request=request)
        state = "on" if enabled else "off"
        self.message_user(
            request, f"Cards {state} for {len(accounts)} account(s).", messages.SUCCESS
        )

    @admin.action(description="Refresh selected accounts now", permissions=["change"])
    def refresh_accounts(self, request: HttpRequest, queryset: QuerySet[GitHubAccount]) -> None:
        queued, refused = 0, []
        for account in queryset:
            try:
                account_refresh_now(account=account, actor=request.user, request=request)
            except ShownError as exc:
                refused.append(f"{account.login}: {exc.message}")
            else:
                queued += 1
        self.message_user(request, f"Queued {queued} refresh(es).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Refused: " + "; ".join(refused), messages.WARNING)


@admin.register(Repository)
class RepositoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "short_description", "stars", "forks", "language", "is_fork"]
    list_filter = ["is_fork", "archived"]
    search_fields = ["name", "owner__login"]
    list_select_related = ["owner"]
    show_full_result_count = False

    @admin.display(description="description")
    def short_description(self, obj: Repository) -> str:
        return Truncator(obj.description).chars(_SHORT)


@admin.register(StarHistory)
class StarHistoryAdmin(ReadOnlyAdmin):
    """What GitHub's star history gave us per repository: how much of its stars, how far back,
    when, and why not (the weeks themselves are the repository page's chart)."""

    list_display = [
        "repository",
        "stars_now",
        "attributed",
        "coverage",
        "complete",
        "truncated",
        "next_page",
        "fetched_at",
        "failures",
        "short_error",
    ]
    list_filter = ["complete", "truncated"]
    search_fields = ["repository__name", "repository__owner__login"]
    list_select_related = ["repository__owner"]
    show_full_result_count = False
    exclude = ["weeks"]
    readonly_fields = ["weeks_stored", "first_star"]

    @admin.display(description="stars now")
    def stars_now(self, obj: StarHistory) -> int:
        return obj.repository.stars

    @admin.display(description="attributed to a day")
    def coverage(self, obj: StarHistory) -> str:
        stars = obj.repository.stars
        return f"{obj.attributed / stars:.0%}" if stars else "—"

    @admin.display(description="weeks with stars")
    def weeks_stored(self, obj: StarHistory) -> int:
        return len(obj.weeks or [])

    @admin.display(description="first star")
    def first_star(self, obj: StarHistory) -> str:
        days = [day for week in obj.weeks or [] for day, n in week_days(week) if n]
        return f"{min(days):%Y-%m-%d}" if days else "—"

    @admin.display(description="last error")
    def short_error(self, obj: StarHistory) -> str:
        return Truncator(obj.last_error).chars(_SHORT)


@admin.register(AccountSnapshot)
class AccountSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["account", "date", "followers", "total_stars", "total_forks"]
    list_select_related = ["account"]
    search_fields = ["account__login"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(Tracking)
class TrackingAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "created_at"]
    list_select_related = ["user", "account"]
    search_fields = ["user__email", "account__login"]
    raw_id_fields = ["user", "account"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people build their own watchlists

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JobAgeFilter(admin.SimpleListFilter):
    title = "created"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1h", "Last hour"), ("24h", "Last 24 hours")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        hours = {"1h": 1, "24h": 24}.get(self.value() or "")
        if hours is None:
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - timedelta(hours=hours))


@admin.register(RefreshJob)
class RefreshJobAdmin(ReadOnlyAdmin):
    list_display = [
        "login",
        "status",
        "error_code",
        "short_error",
        "attempts",
        "github_requests",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "error_code", JobAgeFilter]
    search_fields = ["login", "error"]
    actions = ["retry_jobs"]
    show_full_result_count = False

    @admin.display(description="error")
    def short_error(self, obj: RefreshJob) -> str:
        return Truncator(obj.error).chars(_SHORT)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("github_stats.change_refreshjob")

    @admin.action(description="Retry selected finished jobs", permissions=["retry"])
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[RefreshJob]) -> None:
        retried = skipped = 0
        for job in queryset.select_related("account"):
            if refresh_job_retry(job=job, actor=request.user, request=request) is None:
                skipped += 1
            else:
                retried += 1
        self.message_user(request, f"Retried {retried} job(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped}: still in flight, or the account is hidden.",
                messages.WARNING,
            )
