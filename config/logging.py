"""Logging filters: every line carries the request id, and no line carries a secret.

Redaction is by shape, applied to the formatted message, the traceback text and any extra
attributes, because secrets reach logs in many disguises: HTTP headers, WSGI environ and dict
reprs, form bodies and query strings, JSON, URLs with credentials, and bare GitHub tokens."""

import logging
import re
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
