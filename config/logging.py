"""Logging filters: every line carries the request id, and no line carries a secret.

Redaction is by shape, applied to the formatted message, the traceback text and any extra
attributes, because secrets reach logs in many disguises: HTTP headers, WSGI environ and dict
reprs, form bodies and query strings, JSON, URLs with credentials, and bare GitHub tokens."""

import logging
import re
import threading
import time
from collections.abc import Callable

from config.request_id import request_id_get

REDACTED = "[redacted]"

# Whole-value secrets: everything after the name is the secret (headers and environ keys).
_HEADER_NAMES = (
    r"(?:http_)?(?:proxy[-_])?authorization|(?:http_)?cookie|set-cookie|"
    r"(?:http_)?x[-_]csrftoken|(?:http_)?x[-_]api[-_]key"
)
_HEADER = re.compile(
    rf"(?i)(?<![\w-])(?P<name>{_HEADER_NAMES})(?P<sep>['\"]?\s*[:=]\s*)"
    r"(?:(?P<q>['\"])(?P<quoted>.*?)(?P=q)|(?P<bare>[^\r\n]+))"
)
# key=value secrets in bodies, query strings, JSON and reprs: any name containing these words.
_KEY_NAMES = (
    r"[\w-]*(?:password|passwd|secret|token|api[-_]?key|sessionid|csrftoken|"
    r"csrfmiddlewaretoken|private[-_]?key)[\w-]*"
)
_KEY_VALUE = re.compile(
    rf"(?i)(?P<name>{_KEY_NAMES})(?P<sep>['\"]?\s*[:=]\s*)"
    r"(?:(?P<q>['\"])(?P<quoted>.*?)(?P=q)|(?P<bare>[^&\s'\",;}\)\]]+))"
)
# OAuth callback parameters (?code=...&state=...) are one-time credentials.
_OAUTH_PARAMS = re.compile(r"(?i)([?&](?:code|state)=)[^&\s'\"]+")
# allauth's email-confirmation and password-reset keys travel in the URL path.
_KEY_PATHS = re.compile(r"(/(?:confirm-email|password/reset/key)/)[^/\s'\"?]+")
_CREDENTIAL_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/\s@'\"]*:)[^@\s/'\"]+(@)")
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|"
    r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+)"
)
_SCHEME_CREDENTIALS = re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}")


def _keep_name(match: re.Match[str]) -> str:
    quote = match.group("q") or ""
    return f"{match.group('name')}{match.group('sep')}{quote}{REDACTED}{quote}"


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_HEADER, _keep_name),
    (_KEY_VALUE, _keep_name),
    (_OAUTH_PARAMS, rf"\1{REDACTED}"),
    (_KEY_PATHS, rf"\1{REDACTED}"),
    (_CREDENTIAL_URL, rf"\1{REDACTED}\2"),
    (_TOKEN_SHAPES, REDACTED),
    (_SCHEME_CREDENTIALS, rf"\1\2{REDACTED}"),
]


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id"}
)
_PLAIN_TYPES = (int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Format the message once, redact it, and freeze it so no handler sees the raw arguments;
    do the same for the traceback and for extras, which the JSON formatter prints whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            # Exception messages carry URLs and values (a DSN with its password, a token).
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name in _STANDARD_ATTRIBUTES or isinstance(value, _PLAIN_TYPES):
                continue
            # django.request and django.server attach the request (its repr has the query
            # string); anything that is not a plain value is printed as its redacted text.
            text = value if isinstance(value, str) else repr(value)
            redacted = redact(text)
            if isinstance(value, str) or redacted != text or name == "request":
                setattr(record, name, redacted)
        return True


class CacheOutageFilter(logging.Filter):
    """For django-redis's "Exception ignored" lines. With IGNORE_EXCEPTIONS it logs the whole
    traceback of every cache call it swallows: during a Redis outage that is several per request,
    each one saying the same thing. One warning per `interval` seconds and process instead,
    naming the error and how many were left out since the last one."""

    _MESSAGE = (
        "cache unavailable, serving without it: %s (%d more cache errors since the last "
        "warning; the next is logged in %d s at the earliest)"
    )

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__()
        self.interval = interval
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        self._left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg is self._MESSAGE:
            # Already let through by another instance (each dictConfig() adds one).
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._quiet_until:
                self._left_out += 1
                return False
            left_out, self._left_out = self._left_out, 0
            self._quiet_until = now + self.interval
        error = record.exc_info[1] if record.exc_info else None
        # django-redis wraps redis-py's error in ConnectionInterrupted; the cause says what broke.
        cause = (error.__cause__ or error) if error is not None else None
        what = f"{type(cause).__name__}: {cause}" if cause is not None else record.getMessage()
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = self._MESSAGE
        record.args = (what, left_out, int(self.interval))
        record.exc_info, record.exc_text = None, None
        return True
