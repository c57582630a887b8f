"""Operators' view of what we store. A minimal registration; moderation comes with its own issue."""

from django.contrib import admin

from github_stats.models import Account, AccountSnapshot, RefreshJob, Repository, Tracking


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["login", "kind", "followers", "public_repos", "fetched_at", "hidden"]
    list_filter = ["kind", "hidden", "refresh_status"]
    search_fields = ["login", "name"]
    readonly_fields = ["github_id", "first_seen_at", "fetched_at", "etag", "last_modified"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "stars", "forks", "language", "is_fork", "archived"]
    list_filter = ["is_fork", "archived"]
    search_fields = ["name", "owner__login"]
    raw_id_fields = ["owner"]


@admin.register(AccountSnapshot)
class AccountSnapshotAdmin(admin.ModelAdmin):
    list_display = ["account", "date", "followers", "total_stars", "total_forks"]
    raw_id_fields = ["account"]
    date_hierarchy = "date"


@admin.register(Tracking)
class TrackingAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "created_at"]
    raw_id_fields = ["user", "account"]


@admin.register(RefreshJob)
class RefreshJobAdmin(admin.ModelAdmin):
    list_display = ["login", "status", "attempts", "github_requests", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["login"]
    raw_id_fields = ["account", "requested_by"]
