"""Celery's settings (the broker, a refresh's time limits and the visibility timeout built from
them, beat's schedule and the scheduler's tick), star-imported by base.py where its "Celery"
section stood. Everything that differs between machines comes from the environment (README
"Configuration", .env.example)."""

from config.env import env_int, env_str

# base.py's cache reads the same variable: without it, tasks run inline.
_REDIS_URL = env_str("REDIS_URL") or ""

# Without Redis, tasks run inline in the request (the zero-setup default).
# CELERY_BROKER_URL may name another Redis (or db) than the cache; it defaults to REDIS_URL.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or _REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not _REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A refresh's time limits and the longest countdown it is ever queued with (github_stats/tasks.py).
# Redis redelivers an unacknowledged message this long after a worker took it, so the visibility
# timeout is built from them: never while a worker still runs the task (countdown + run time stay
# below it), and soon after a killed worker lost it. The scheduler fails a job still "running"
# REFRESH_STUCK_AFTER seconds after it started: later than any redelivery, when nothing will
# finish it any more (github_stats/services/stuck_jobs.py; docs/operations.md).
REFRESH_SOFT_TIME_LIMIT = env_int("REFRESH_SOFT_TIME_LIMIT", 9 * 60)
REFRESH_TIME_LIMIT = env_int("REFRESH_TIME_LIMIT", 10 * 60)
REFRESH_MAX_COUNTDOWN = env_int("REFRESH_MAX_COUNTDOWN", 5 * 60)
REFRESH_MARGIN = env_int("REFRESH_MARGIN", 60)
CELERY_BROKER_VISIBILITY_TIMEOUT = REFRESH_TIME_LIMIT + REFRESH_MAX_COUNTDOWN + REFRESH_MARGIN
# Every worker looks for messages past the visibility timeout every 10 s (kombu scans only every
# 10th look unless unacked_restore_throttle is 1: a redelivery up to 100 s late), hence the 10.
REFRESH_STUCK_AFTER = CELERY_BROKER_VISIBILITY_TIMEOUT + 10 + REFRESH_MARGIN
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing happens inside a web request (on_commit): a hung or dead broker must cost at most
# one socket timeout (2 s above), not Celery's default of 3 more tries (measured: 4 s with one
# retry). redis-py still reconnects a stale pooled connection by itself. A job that could not be
# published stays queued in the database and the scheduler's tick publishes it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# django-celery-beat's DatabaseScheduler copies this into its tables at start (editable in admin).
# The scheduler's tick (github_stats/services/scheduling.py): how often it plans, and the time
# one GitHub request is guessed to take (GitHub's latency plus ours) before the workers have
# measured it (github_stats/github/request_time.py), which with GITHUB_CONCURRENT_REQUESTS
# bounds what a tick queues. Short ticks spend the hour evenly.
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 60)
SCHEDULER_REQUEST_MS = env_int("SCHEDULER_REQUEST_MS", 250)
CELERY_BEAT_SCHEDULE = {
    "github-refresh-stale": {
        "task": "github_stats.tasks.refresh_stale",
        "schedule": float(SCHEDULER_TICK_SECONDS),
        # A tick nobody ran before the next one is due plans with stale figures: drop it.
        "options": {"expires": float(SCHEDULER_TICK_SECONDS)},
    },
    # The retention rule (github_stats/services/retention.py): once a day, at a quiet hour.
    "github-thin-snapshots": {
        "task": "github_stats.tasks.snapshots_thin",
        "schedule": 24 * 3600.0,
    },
}
# Daily snapshots are kept this many days, one a week before that.
SNAPSHOT_DAILY_DAYS = env_int("SNAPSHOT_DAILY_DAYS", 730)
