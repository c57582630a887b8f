"""Production: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required, HTTPS everywhere,
JSON logs. `manage.py check --deploy --fail-level WARNING` passes with only those two set."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_required, env_str

from .base import *  # noqa: F403
from .base import LOGGING

DEBUG = env_bool("DJANGO_DEBUG", False)
try:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
except ImproperlyConfigured as exc:
    # Also what a developer sees after a bare `manage.py ...`: production is the default.
    raise ImproperlyConfigured(
        f"{exc} These are the production settings, used when DJANGO_SETTINGS_MODULE is unset; "
        "on a development machine use `make run` or "
        "DJANGO_SETTINGS_MODULE=config.settings.development."
    ) from exc
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No SECURE_REDIRECT_EXEMPT: ProbesMiddleware answers the probes before SecurityMiddleware.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOG_FORMAT = env_str("LOG_FORMAT") or "json"
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "text"
