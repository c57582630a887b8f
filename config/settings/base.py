"""Settings shared by every environment. Everything that differs between machines comes from the
environment (see README "Configuration" and .env.example)."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from config.jwt_keys import jwt_private_key_from_env, jwt_private_key_load_or_create

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# The site's name in page titles, the header, allauth's pages and every e-mail.
SITE_NAME = env_str("SITE_NAME") or "Gitpulse"
# Development and test override this; production demands DJANGO_SECRET_KEY (production.py).
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "insecure-development-key-never-use-in-production"
# Rotation without signing everyone out: the previous keys still verify sessions, password-reset
# links and signed cookies, while everything new is signed with SECRET_KEY only.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.headless",
    "accounts",
    "github_stats",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    # Counts and times every request (django-prometheus; with its After middleware at the end).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # PostgreSQL down: a clean 503 page or JSON error, never a 500 (config/db_unavailable.py).
    "config.db_unavailable.DatabaseUnavailableMiddleware",
    # /health/* and /metrics answer before host validation, sessions and CSRF: orchestrators
    # and Prometheus call by IP or localhost (config/middleware.py).
    "config.middleware.ProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A cached card, answered before sessions, CSRF and auth, which it never needs
    # (EARLY_RESPONDERS; config/middleware.py).
    "config.middleware.EarlyResponseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A 405's empty body becomes the site's error page (config/middleware.py).
    "config.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # django-prometheus's, with the `method` label bounded to known methods (config/middleware.py).
    "config.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.site_name",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Unset DATABASE_URL means the zero-setup default: a SQLite file in the project.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A dead database must fail fast (health checks answer within 2 s), not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, its reads counted for /metrics by django-prometheus.
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gitpulse",
            "TIMEOUT": 300,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A Redis outage degrades (cache misses, pages from the database), never a 500.
                "IGNORE_EXCEPTIONS": True,
                # Cached pages are tens of kilobytes of HTML; Redis (also the broker, so never
                # evicting) holds them in about a sixth of that. Small values, and bodies kept
                # gzipped already, stay as they are (config/cache_compressor.py).
                "COMPRESSOR": "config.cache_compressor.ZlibUnlessIncompressible",
            },
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache",
            "LOCATION": "gitpulse",
            "TIMEOUT": 300,
        },
    }
    # django-ratelimit wants a shared cache; the local-memory cache is only the single-process
    # zero-setup default, where its per-process counters are good enough.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Sessions survive a cache outage: the database is the truth, the cache is in front.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
# The subject prefix ("[Gitpulse] ") and the e-mails' greeting come from SITE_NAME, read at send
# time by the adapter (ACCOUNT_EMAIL_SUBJECT_PREFIX would be fixed at import, and without it
# allauth names the site after the request's host).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# allauth's own rate limits (failed logins, sign-ups, password resets) stay on: we keep its
# defaults by not setting ACCOUNT_RATE_LIMITS.

SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = True
GITHUB_OAUTH_CLIENT_ID = env_str("GITHUB_OAUTH_CLIENT_ID") or ""
GITHUB_OAUTH_SECRET = env_str("GITHUB_OAUTH_SECRET") or ""
GITHUB_LOGIN_ENABLED = bool(GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_SECRET)
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if GITHUB_LOGIN_ENABLED:
    INSTALLED_APPS.append("allauth.socialaccount.providers.github")
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [{"client_id": GITHUB_OAUTH_CLIENT_ID, "secret": GITHUB_OAUTH_SECRET, "key": ""}],
        "SCOPE": ["read:user", "user:email"],
    }

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST") or ""
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Gitpulse <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: the broker, the refresh's time limits, beat's schedule -------------------------
from config.settings.celery import *  # noqa: E402, F403

# --- GitHub: the client, the refresh, cache lifetimes, the shared budget ------------------
from config.settings.github import *  # noqa: E402, F403
from config.settings.github import GITHUB_AVATAR_ORIGINS  # noqa: E402 - used below (CSP)

# --- JSON API (/api/v1/) ----------------------------------------------------------------------
# Tokens for scripts come from django-allauth headless: the "app" client logs in with email and
# password at /_allauth/app/v1/auth/login and gets JWTs. No "browser" client: the browser uses
# the site's own pages and its session cookie (with CSRF) for the API.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
# A class path, not a secret. allauth's JWTs; reusing a rotated refresh token revokes its login,
# and the login's session lives as long as its newest refresh token (accounts/tokens.py).
HEADLESS_TOKEN_STRATEGY = "accounts.tokens.RevokingJWTTokenStrategy"  # noqa: S105
# RS256 (allauth's default). Every machine of one deployment must share the key: set it in
# production; the embedded default generates one into var/ (git-ignored) the first time.
HEADLESS_JWT_PRIVATE_KEY = jwt_private_key_from_env(
    env_str("HEADLESS_JWT_PRIVATE_KEY") or ""
) or jwt_private_key_load_or_create(BASE_DIR / "var" / "jwt-private.pem")
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env_int("HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN", 300)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env_int("HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN", 86400)
# Each access token is checked against its login session, so logging out revokes it at once
# (one session read per API call, served from the cache by cached_db sessions).
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True

# Requests per period, per user (signed in) or per IP address (anonymous); see config/ratelimits.py.
API_RATE_LIMITS = {
    "default": env_str("API_RATE_LIMIT_DEFAULT") or "120/m",
    "refresh": env_str("API_RATE_LIMIT_REFRESH") or "10/m",
    "anonymous": env_str("API_RATE_LIMIT_ANONYMOUS") or "60/m",
}
# The client's address, for allauth's limits and django-ratelimit alike (config/client_ip.py):
# TRUSTED_PROXY_COUNT is how many proxies of ours append to X-Forwarded-For; 0 = REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"
if "RATELIMIT_IP_META_KEY" in os.environ:
    # Replaced by TRUSTED_PROXY_COUNT (2026-12): a leftover, ignored, would quietly put every
    # client behind the proxy on one shared limit.
    raise ImproperlyConfigured(
        "RATELIMIT_IP_META_KEY is no longer read: set TRUSTED_PROXY_COUNT to the number of "
        "proxies that append to X-Forwarded-For (README, Configuration), and unset it."
    )
# How long a POST/PUT with an Idempotency-Key is remembered (config/idempotency.py): long enough
# for a client's retries, short, because the records sit in the never-evicting Redis.
API_IDEMPOTENCY_TTL = 60 * 60

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers (production tightens further) -----------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A failed CSRF check renders the site's own 403 page (or JSON for the API), with the request id.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Self-only: htmx is served from our static files, its indicator styles are switched off in the
# htmx-config meta tag (so it injects no inline <style>), and nothing needs eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *GITHUB_AVATAR_ORIGINS],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", "https://github.com"],
        "frame-ancestors": ["'none'"],
    },
}

ADMIN_URL = (env_str("DJANGO_ADMIN_URL") or "admin/").strip("/") + "/"

# Prometheus reads /metrics with `Authorization: Bearer <this>`; unset, /metrics is a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN") or ""
# The apps' cluster-wide figures, read at scrape time (config/metrics.py).
METRICS_COLLECTORS = ["github_stats.metrics.GitHubCollector"]
# Path prefix -> the callable that answers such a GET or HEAD before the session/auth stack, or
# returns None to let the stack and the view answer (config/middleware.py): cached cards.
EARLY_RESPONDERS = {"/cards/": "github_stats.views.cards.card_cached_answer"}

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT") or "text"  # "json" in production
LOG_LEVEL = env_str("LOG_LEVEL") or "INFO"
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "redact": {"()": "config.logging.RedactSecretsFilter"},
        # One warning a minute while Redis is down, not a traceback per cache call.
        "cache_outage": {"()": "config.logging.CacheOutageFilter", "interval": 60},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's default config gives "django" and "django.server" handlers of their own that
        # skip our filters (unredacted lines, no request id); route them through the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # django-redis logs each exception IGNORE_EXCEPTIONS swallowed here (config/logging.py).
        "django_redis.cache": {"filters": ["cache_outage"]},
    },
}
