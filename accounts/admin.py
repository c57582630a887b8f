"""People, their sessions and API tokens, and the audit log.

The admin's own login form is replaced by allauth's login page (secure_admin_login), so staff
log in through the one door that is rate limited (and fails closed when the cache is down), and
failed attempts for staff accounts are audited (accounts.audit)."""

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import AuditLog, SignedInSession, User
from accounts.moderation import (
    session_user_id,
    sessions_revoke,
    user_deactivate,
    user_sessions_revoke,
)
from github_stats.models import Tracking

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class WatchlistInline(admin.TabularInline):
    model = Tracking
    fields = ["account", "created_at"]
    readonly_fields = ["account", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "watched account"
    verbose_name_plural = "watchlist"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tracking]:
        return super().get_queryset(request).select_related("account")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    inlines = [WatchlistInline]
    actions = ["deactivate_users", "revoke_sessions"]

    @admin.action(
        description="Deactivate selected people (ends their sessions and API tokens)",
        permissions=["change"],
    )
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk:
                self.message_user(request, "You cannot deactivate yourself.", messages.WARNING)
                continue
            user_deactivate(user=user, actor=request.user, request=request)
            done += 1
        self.message_user(request, f"Deactivated {done} person(s).", messages.SUCCESS)

    @admin.action(
        description="Sign out everywhere (revoke sessions and API tokens)",
        permissions=["change"],
    )
    def revoke_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = sum(
            user_sessions_revoke(user=user, actor=request.user, request=request)
            for user in queryset
        )
        self.message_user(request, f"Revoked {ended} session(s).", messages.SUCCESS)


@admin.register(SignedInSession)
class SignedInSessionAdmin(admin.ModelAdmin):
    """Browser sessions and the sessions behind API tokens (allauth headless JWTs carry their
    session's key, encrypted): revoking one signs the browser out or kills the token pair."""

    list_display = ["short_key", "person", "expire_date"]
    ordering = ["-expire_date"]
    actions = ["revoke"]
    list_per_page = 50

    @admin.display(description="session")
    def short_key(self, obj: SignedInSession) -> str:
        return f"{obj.session_key[:8]}…"

    @admin.display(description="signed in as")
    def person(self, obj: SignedInSession) -> str:
        user_id = session_user_id(obj)
        if user_id is None:
            return "(anonymous)"
        user = User.objects.filter(pk=user_id).only("email").first()
        return user.email if user is not None else f"(deleted user {user_id})"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: it also clears the cached copy, and is audited

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("sessions.delete_session")

    @admin.action(
        description="Revoke selected sessions (and their API tokens)", permissions=["revoke"]
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet[SignedInSession]) -> None:
        keys = list(queryset.values_list("session_key", flat=True))
        ended = sessions_revoke(session_keys=keys, actor=request.user, request=request)
        self.message_user(request, f"Revoked {ended} session(s).", messages.SUCCESS)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence. No add, change or delete, for superusers too."""

    list_display = [
        "created_at",
        "action",
        "actor_email",
        "target_repr",
        "short_reason",
        "ip_address",
        "request_id",
    ]
    list_filter = ["action"]
    search_fields = ["target_repr", "actor_email", "reason", "request_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditLog._meta.fields]
    show_full_result_count = False

    @admin.display(description="reason")
    def short_reason(self, obj: AuditLog) -> str:
        return obj.reason[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # not even "delete selected"
