"""Logging filters: every line carries the request id, and no line carries a secret."""

import logging
import re

from config.request_id import request_id_get

# Tokens, passwords and cookies in whatever shape they reach a log message: headers, query
# strings, form bodies, reprs of dicts.
_SECRET_PATTERNS = [
    re.compile(
        r"(?i)(authorization|cookie|set-cookie|x-csrftoken)(\s*[:=]\s*)([^\r\n,;}]+)"
    ),
    re.compile(
        r"(?i)((?:password\d?|passwd|secret|token|access_token|refresh_token|api_key|csrfmiddlewaretoken|sessionid|csrftoken)"
        r"['\"]?\s*[:=]\s*['\"]?)([^&\s'\",;}]+)"
    ),
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b"),
    re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9._~+/=-]+)"),
]
REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _SECRET_PATTERNS[2].sub(REDACTED, text)
    return _SECRET_PATTERNS[3].sub(lambda m: f"{m.group(1)}{REDACTED}", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Format the message once, redact it, and freeze it so no handler sees the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        # django.server attaches the request; its repr would carry cookies into JSON logs.
        if hasattr(record, "request"):
            record.request = REDACTED
        return True
