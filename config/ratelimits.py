"""API rate limits on django-ratelimit's counters: per user when signed in, per IP address when
anonymous, one budget per scope (settings.API_RATE_LIMITS).

When the cache that holds the counters is down, each scope decides (TOOLCHAIN.md): reads and
anonymous calls fail open (served, with a warning logged), because refusing every reader during
a Redis blip is worse than a few uncounted reads; "refresh" fails closed (503), because it spends
GitHub quota and Celery's broker is the same Redis, so nothing could be queued anyway.

We keep django-ratelimit's global RATELIMIT_FAIL_OPEN off and decide per scope here."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django_ratelimit.core import get_usage

from config import ratelimit_redis
from config.ratelimit_redis import CacheRead

logger = logging.getLogger(__name__)

Scope = Literal["default", "refresh", "anonymous", "cards"]
_FAILS_OPEN: dict[Scope, bool] = {
    "default": True,
    "anonymous": True,
    "refresh": False,
    # The embeddable SVG cards (settings.CARDS_RATE_LIMIT): reads of stored data, per address.
    "cards": True,
}
_USAGE_ATTRIBUTE = "_api_rate_limit_usage"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RateLimitUsage:
    limit: int
    remaining: int
    reset_in: int  # seconds until the current window ends


class RateLimitExceeded(Exception):
    def __init__(self, usage: RateLimitUsage) -> None:
        super().__init__("rate limit exceeded")
        self.usage = usage
        self.retry_after = max(1, usage.reset_in)


class RateLimitUnavailable(Exception):
    """The counters cannot be read and this scope fails closed."""

    retry_after = 30


def rate_limit_hit(
    request: HttpRequest, *, scope: Scope, read: CacheRead | None = None
) -> RateLimitUsage | None:
    """Count this request against `scope`; raise RateLimitExceeded past the limit. Returns None
    when limits are switched off (RATELIMIT_ENABLE) or the cache is down and the scope fails open.
    `read`: cache keys to read in the counter's round trip, when it is one (the cards on Redis).
    """
    rate = settings.CARDS_RATE_LIMIT if scope == "cards" else settings.API_RATE_LIMITS[scope]
    # django-ratelimit's own keys: the user's id when signed in, else the client's address
    # (config/client_ip.py: TRUSTED_PROXY_COUNT behind a proxy; IPv6 masked to its /64). Cards
    # count by address only: reading request.user would read the session, and a card's answer
    # must not vary by cookie.
    key = "ip" if scope in ("anonymous", "cards") else "user_or_ip"
    # A cached card is a few Redis round trips and little else: with the counters in Redis it
    # is one, its counter's and its entry's together (config/ratelimit_redis.py).
    count: Callable[..., dict[str, Any] | None] = get_usage
    if scope == "cards" and ratelimit_redis.available():
        count = partial(ratelimit_redis.usage_counted, read=read)
    try:
        try:
            usage = count(request, group=f"api:{scope}", key=key, rate=rate, increment=True)
        except ImproperlyConfigured:
            # No client address (gunicorn on a unix socket, TRUSTED_PROXY_COUNT unset):
            # one shared budget for every request without one, not a lifted limit.
            logger.warning("no client address for rate limits (scope %s)", scope)
            usage = count(request, group=f"api:{scope}", key=_no_address, rate=rate, increment=True)
    except Exception:
        # A cache that raises (django-redis without IGNORE_EXCEPTIONS) is the same outage as one
        # that answers None (with it).
        logger.exception("rate limit counters unavailable (scope %s)", scope)
        usage = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}
    if usage is None:
        return None
    if usage["limit"] == 0 and usage["time_left"] == -1:
        # django-ratelimit's answer when the cache could not add or increment the counter.
        if _FAILS_OPEN[scope]:
            logger.warning("rate limit counters unavailable, scope %s fails open", scope)
            return None
        logger.error("rate limit counters unavailable, scope %s fails closed", scope)
        raise RateLimitUnavailable
    result = RateLimitUsage(
        limit=usage["limit"],
        remaining=max(0, usage["limit"] - usage["count"]),
        reset_in=max(0, usage["time_left"]),
    )
    previous: RateLimitUsage | None = getattr(request, _USAGE_ATTRIBUTE, None)
    if previous is None or result.remaining <= previous.remaining:
        # A call counted in two scopes reports the tighter one.
        setattr(request, _USAGE_ATTRIBUTE, result)
    if usage["should_limit"]:
        raise RateLimitExceeded(result)
    return result


def _no_address(group: str, request: HttpRequest) -> str:
    return "ip:unknown"


def rate_limit_headers_set(request: HttpRequest, response: HttpResponseBase) -> None:
    usage: RateLimitUsage | None = getattr(request, _USAGE_ATTRIBUTE, None)
    if usage is None:
        return
    response["X-RateLimit-Limit"] = str(usage.limit)
    response["X-RateLimit-Remaining"] = str(usage.remaining)


def rate_limit_scope(scope: Scope) -> Callable[[F], F]:
    """Mark an endpoint as counted against `scope` instead of "default"."""

    def mark(view_func: F) -> F:
        view_func.rate_limit_scope = scope  # type: ignore[attr-defined]
        return view_func

    return mark


def rate_limited(view_func: F) -> F:
    """Applied to every API operation once authentication has resolved who is calling."""

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        rate_limit_hit(request, scope=getattr(view_func, "rate_limit_scope", "default"))
        return view_func(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
