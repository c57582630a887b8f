"""The zero-setup default for `make run`: SQLite, local-memory cache, tasks inline, unless the
environment says otherwise."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
