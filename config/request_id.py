"""The id of the request being served, for log lines and error bodies, wherever they are made."""

import re
import uuid
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("request_id", default="-")

# Accept a caller's id only when it is plainly an id: no spaces, quotes or control characters
# that could forge log lines or headers.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")


def request_id_get() -> str:
    return _current.get()


def request_id_choose(incoming: str | None) -> str:
    if incoming and _WELL_FORMED.match(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_set(value: str) -> object:
    return _current.set(value)


def request_id_reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
