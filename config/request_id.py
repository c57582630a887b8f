"""The id of the request being served, for log lines and error bodies, wherever they are made."""

import re
import uuid
from contextvars import ContextVar, Token

NO_REQUEST = "-"

_current: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# Accept a caller's id only when it is plainly an id: no spaces, quotes or control characters
# that could forge log lines or headers, and short enough not to bloat every line.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
HEADER = "X-Request-ID"


def request_id_get() -> str:
    return _current.get()


def request_id_choose(incoming: str | None) -> str:
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_set(value: str) -> Token[str]:
    return _current.set(value)


def request_id_clear() -> None:
    _current.set(NO_REQUEST)
