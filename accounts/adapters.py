"""allauth's hooks, so its emails speak as the site: SITE_NAME, not the request's host name.

Without django.contrib.sites allauth names the site after the host ("localhost:8000"), in the
subject prefix and in its email templates; ours (templates/account/email/) use `site_name`."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        # Read at send time, not import time, so SITE_NAME is one setting for pages and mail.
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {"site_name": settings.SITE_NAME, **context})
