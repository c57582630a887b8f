"""Gitpulse's project package.

Every entry point (manage.py, wsgi, asgi, `celery -A config`) falls back to the production
settings when DJANGO_SETTINGS_MODULE is unset: a server started without the variable then gets
HTTPS, secure cookies and a refusal to start without DJANGO_SECRET_KEY, never development's
debug pages and built-in key. The Makefile's run, demo, migrate, worker and beat targets ask for
config.settings.development, pytest for config.settings.test. Set here, before the Celery app
below is imported, because importing anything of config runs this first."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from .celery import app as celery_app

__all__ = ["celery_app"]
