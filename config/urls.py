"""The site's URLs. /health/live, /health/ready and /metrics are answered by
config/middleware.py before host checks and sessions, so they are not routed here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import legacy_urlpatterns as accounts_legacy
from config.api import api_urls

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", api_urls()),
    path("settings/", include("accounts.urls")),
    path("account/", include(accounts_legacy)),
    path("", include("github_stats.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
