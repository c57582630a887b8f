"""The test suite: the same settings as development, but fast password hashing and no real
email. DATABASE_URL and REDIS_URL still decide the stores, so CI runs against real ones."""

from urllib.parse import urlsplit, urlunsplit

from config.env import env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# No test may reach the real GitHub: tests that need GitHub start the fake server on loopback and
# point GITHUB_API_URL at it; anything else hits a closed loopback port and fails fast.
GITHUB_API_URL = "http://127.0.0.1:9"
GITHUB_TOKEN = ""
# Retries of 5xx and timeouts happen at once under test: no real sleeps.
GITHUB_RETRY_BASE_SECONDS = 0.0
# Tasks run inline in tests unless a test starts a real Celery worker (tests marked celery).
CELERY_TASK_ALWAYS_EAGER = True
# tests/conftest.py clears the cache before every test, which FLUSHes the cache's Redis db: the
# broker of the real-worker tests lives in the next db unless CELERY_BROKER_URL says otherwise.
if REDIS_URL and not env_str("CELERY_BROKER_URL"):  # noqa: F405
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_redis.path.strip("/") or 0)
    CELERY_BROKER_URL = urlunsplit(_redis._replace(path=f"/{(_db + 1) % 16}"))
# Star-history and activity fills queue themselves after every refresh; the tests of refreshes
# count their requests without them, and their own tests switch them on.
STAR_HISTORY_FETCH = False
ACTIVITY_FETCH = False
# The shared request limiter never slows the suite, which hammers a loopback fake GitHub; the
# limiter's own tests (tests/github_stats/test_limiter.py) set these lower.
GITHUB_REST_POINTS_PER_MINUTE = 1_000_000
GITHUB_GRAPHQL_POINTS_PER_MINUTE = 1_000_000
GITHUB_CONCURRENT_REQUESTS = 8
