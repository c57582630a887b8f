"""Running manage.py backfill_accounts in a test: its exit status and everything it printed."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError


def backfill(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("backfill_accounts", *args, stdout=out, no_color=True)
    except CommandError as exc:
        out.write(f"\nCommandError: {exc}")
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()
