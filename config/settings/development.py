"""The zero-setup default for `make run`: SQLite, local-memory cache, tasks inline, unless the
environment says otherwise."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# Static files straight from static/ (no collectstatic) also with DEBUG off, as `make demo` runs:
# a person trying the product meets the site's own error pages, not Django's debug ones.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
