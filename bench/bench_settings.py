"""Settings of bench/dashboard.py: the project's settings as production runs them (DEBUG off,
the same middleware, sessions, cache and database engines), plus the bench's own URLConf with a
bare view. Never used by the product. DATABASE_URL and REDIS_URL are set by the bench itself."""

from config.env import env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_URL

DEBUG = False
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bench_urls"
# Nothing may reach GitHub: seeded accounts are fresh, and anything else hits a closed port.
GITHUB_API_URL = "http://127.0.0.1:9"
GITHUB_TOKEN = ""
STATS_TTL = 24 * 60 * 60
CELERY_TASK_ALWAYS_EAGER = True
LOG_LEVEL = env_str("LOG_LEVEL") or "WARNING"
LOGGING["root"]["level"] = LOG_LEVEL  # noqa: F405
LOGGING["loggers"]["django"]["level"] = LOG_LEVEL  # noqa: F405
LOGGING["loggers"]["django.server"]["level"] = LOG_LEVEL  # noqa: F405
if REDIS_URL:
    # Its own keys, never the app's or the test suite's (which flushes its Redis db).
    CACHES["default"]["KEY_PREFIX"] = "gitpulse-bench"
