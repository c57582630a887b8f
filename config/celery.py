"""The one Celery app. Without REDIS_URL the settings make every task run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

app = Celery("gitpulse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Connects the signal handlers that carry the request id into tasks.
import config.celery_signals  # noqa: E402, F401
