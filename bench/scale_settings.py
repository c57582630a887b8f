"""Settings of bench/scale_real.py, for its own process and the Celery worker it starts: the
benches' production-like settings (bench/bench_settings.py), except that this bench does talk
to GitHub (the fake one on loopback, with a token) through a real worker. Never used by the
product. scale_real.py sets every variable read here."""

from bench.bench_settings import *  # noqa: F403
from config.env import env_str
from config.settings import github as _github_defaults
from config.settings.base import REDIS_URL

GITHUB_API_URL = (env_str("GITHUB_API_URL") or "http://127.0.0.1:9").rstrip("/")
GITHUB_TOKEN = env_str("GITHUB_TOKEN") or ""
# The product's own (env-driven) values, not bench_settings' fixed ones: the run checks the
# scheduler as it ships (scale_model.py assumes the same).
STATS_TTL = _github_defaults.STATS_TTL
# A real worker takes the tasks; inline only if the bench were started without Redis.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
