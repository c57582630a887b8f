"""GitHub's rate-limit state, shared by every web process and worker through Django's cache.

The client records the `x-ratelimit-*` headers of every response here and checks the state before
every request, so once one process has seen the quota run out no process calls GitHub until the
reset. A secondary-limit pause (`Retry-After`) is shared the same way. GitHub counts quota per
token (or per IP address without one), so the keys include a fingerprint of the token.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache

CORE = "core"
GRAPHQL = "graphql"
_KEY_PREFIX = "github:quota"
# Keep a state a little past its reset so a clock skew between machines cannot unblock early.
_EXPIRY_MARGIN = timedelta(minutes=5)

# The shortest wait GitHub documents before asking again after a rate-limited answer.
MINIMUM_WAIT = timedelta(minutes=1)


@dataclass(frozen=True)
class QuotaState:
    resource: str
    remaining: int
    limit: int | None
    used: int | None
    reset_at: datetime
    seen_at: datetime

    def is_exhausted(self, now: datetime | None = None) -> bool:
        """No request may be made before `reset_at`; a reset in the past means now."""
        return self.remaining <= 0 and self.reset_at > (now or _now())


def quota_get(*, resource: str = CORE, token: str | None = None) -> QuotaState | None:
    """The latest rate-limit state any process has seen for the token (settings' by default)."""
    raw = cache.get(_key(resource, token))
    if not isinstance(raw, dict):
        return None
    try:
        return QuotaState(**raw)
    except TypeError:
        return None


def quota_record(state: QuotaState, *, token: str | None = None) -> None:
    timeout = max((state.reset_at - _now() + _EXPIRY_MARGIN).total_seconds(), 1)
    cache.set(_key(state.resource, token), asdict(state), timeout=int(timeout) + 1)


def quota_from_headers(headers: Any, *, now: datetime | None = None) -> QuotaState | None:
    """Parse `x-ratelimit-*` headers (any casing); None when absent or junk."""
    headers = {str(name).lower(): value for name, value in headers.items()}
    remaining = _int_header(headers, "x-ratelimit-remaining")
    if remaining is None:
        return None
    now = now or _now()
    reset = _int_header(headers, "x-ratelimit-reset")
    # 2013-era responses carry no reset; GitHub's window is an hour, but asking again after a
    # minute is the documented minimum wait, and a 403 then simply re-records the state.
    reset_at = datetime.fromtimestamp(reset, tz=UTC) if reset is not None else now + MINIMUM_WAIT
    return QuotaState(
        resource=(headers.get("x-ratelimit-resource") or CORE).strip().lower(),
        remaining=remaining,
        limit=_int_header(headers, "x-ratelimit-limit"),
        used=_int_header(headers, "x-ratelimit-used"),
        reset_at=reset_at,
        seen_at=now,
    )


def quota_reset_at(headers: Any, *, now: datetime | None = None) -> datetime:
    """When a rate-limited answer's quota comes back: its reset, or the documented minimum
    wait from now when it says nothing."""
    state = quota_from_headers(headers, now=now)
    return state.reset_at if state else (now or _now()) + MINIMUM_WAIT


def secondary_block(*, until: datetime, token: str | None = None) -> None:
    """Every process pauses until `until` after a secondary limit (GitHub asks for it)."""
    seconds = (until - _now()).total_seconds()
    if seconds > 0:
        cache.set(_key("secondary", token), until.timestamp(), timeout=int(seconds) + 1)


def secondary_blocked_until(*, token: str | None = None) -> datetime | None:
    raw = cache.get(_key("secondary", token))
    if not isinstance(raw, int | float):
        return None
    until = datetime.fromtimestamp(raw, tz=UTC)
    return until if until > _now() else None


def token_fingerprint(token: str | None) -> str:
    """Whose quota (and whose validators): GitHub counts per token, or per IP without one."""
    return hashlib.sha256(token.encode()).hexdigest()[:12] if token else "anonymous"


def _key(resource: str, token: str | None) -> str:
    token = settings.GITHUB_TOKEN if token is None else token
    return f"{_KEY_PREFIX}:{token_fingerprint(token)}:{resource}"


def _int_header(headers: Any, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _now() -> datetime:
    return datetime.now(tz=UTC)
