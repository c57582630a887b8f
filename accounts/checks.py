"""System checks for the person's side of the site."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# Backends that deliver nothing: confirmation and password-reset links would only reach the log
# (console) or a file, where whoever reads the logs can confirm or reset anybody's account.
_NOT_DELIVERING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register("email", deploy=True)
def email_delivery_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """`manage.py check --deploy`: a deployment that cannot send email is not ready (sign-ups
    need the confirmation link, and nobody could reset a password)."""
    if settings.EMAIL_BACKEND not in _NOT_DELIVERING:
        return []
    return [
        Error(
            "No email is sent: confirmation and password-reset links would be written to the "
            f"log ({settings.EMAIL_BACKEND}).",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to an SMTP server.",
            id="accounts.E001",
        )
    ]
