"""`Idempotency-Key` for the API's POST and PUT (draft-ietf-httpapi-idempotency-key-header).

A repeat of a request with the same key, from the same user, within API_IDEMPOTENCY_TTL
(an hour by default), gets the first response again (status, body, Content-Type, Location, plus
`Idempotent-Replayed: true`) without the work being done twice. The same key with a different
method, path, query or body is a 409 (idempotency_key_reused), and so is a repeat while the
first is still being served (idempotency_key_in_flight). 409 rather than the draft's 422 for a
reused key: the request itself is valid, it conflicts with what the key already stands for.

Records live in the cache (Redis in production) rather than a table: they are short-lived by
definition, Redis expires them without a cleanup job, and the lookup sits on the request path.
The cost is that a Redis outage or flush forgets keys; that is acceptable because every
idempotent endpoint is also safe to repeat on its own (a refresh request returns the job already
in flight; putting an account on the watchlist twice leaves it there once). With the cache down
the request is served without the guarantee, and a warning is logged.

Responses of 5xx, 409 and 429 are not remembered: they say "try again", and a retry with the
same key must be able to succeed.

What is kept is bounded, because that Redis never evicts (it is also the broker): a request body
over MAX_BODY_BYTES is refused with 413 before it is read or hashed (our idempotent endpoints
take no body at all; Django would refuse 2.5 MB, with an error that surfaced as a 500), a
response over MAX_RECORD_BYTES is served but not remembered (a repeat does the work again, which
every idempotent endpoint tolerates), and a record lives API_IDEMPOTENCY_TTL. At the default
rate limit one person can keep at most about 7,200 records of under 1 KB alive at a time."""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import Header

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
_REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("Content-Type", "Location")
_NOT_REMEMBERED = {409, 429}
_PENDING_ATTRIBUTE = "_api_idempotency_pending"
# Long enough for any endpoint to answer; a crashed request frees its key after this.
_LOCK_SECONDS = 60
_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY_RE = re.compile(_KEY_PATTERN)
MAX_BODY_BYTES = 64 * 1024
MAX_RECORD_BYTES = 16 * 1024
F = TypeVar("F", bound=Callable[..., Any])

# Declared as a parameter of every idempotent endpoint so the schema documents and validates it.
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias=HEADER,
        pattern=_KEY_PATTERN,
        description="Any unique string (a UUID is good). A repeat with the same key within "
        f"{settings.API_IDEMPOTENCY_TTL // 60} minutes returns the first response without doing "
        "the work again.",
    ),
]


class IdempotencyKeyReused(Exception):
    """The key was first used for a different request."""


class IdempotencyKeyInFlight(Exception):
    """The first request with this key has not finished yet."""


class IdempotencyBodyTooLarge(Exception):
    """The body is larger than we are willing to read and fingerprint."""

    limit = MAX_BODY_BYTES


@dataclass(frozen=True)
class _Pending:
    record_key: str
    lock_key: str
    fingerprint: str


def idempotent(view_func: F) -> F:
    """For an endpoint that runs after authentication (request.auth is the user)."""

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or not _KEY_RE.match(key):
            # Absent: no guarantee asked for. Malformed: the schema's validation already said 422.
            return view_func(request, *args, **kwargs)
        if not _body_within_limit(request):
            raise IdempotencyBodyTooLarge
        user_id = request.auth.pk  # type: ignore[attr-defined]
        scope = hashlib.sha256(f"{user_id}\n{key}".encode()).hexdigest()
        pending = _Pending(
            record_key=f"idempotency:{scope}",
            lock_key=f"idempotency-lock:{scope}",
            fingerprint=_fingerprint(request),
        )
        record = cache.get(pending.record_key)
        if record is not None:
            if record["fingerprint"] != pending.fingerprint:
                raise IdempotencyKeyReused
            return _replay(record)
        locked = cache.add(pending.lock_key, pending.fingerprint, timeout=_LOCK_SECONDS)
        if locked is None:
            # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down.
            logger.warning("idempotency records unavailable; serving %s without them", HEADER)
            return view_func(request, *args, **kwargs)
        if not locked:
            raise IdempotencyKeyInFlight
        setattr(request, _PENDING_ATTRIBUTE, pending)
        return view_func(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def idempotency_record(request: HttpRequest, response: HttpResponseBase) -> None:
    """Called with the final response of every API call; stores it if it answers a new key."""
    pending: _Pending | None = getattr(request, _PENDING_ATTRIBUTE, None)
    if pending is None:
        return
    try:
        status = response.status_code
        if (
            status < 500
            and status not in _NOT_REMEMBERED
            and isinstance(response, HttpResponse)
            and _record_within_limit(response)
        ):
            record = {
                "fingerprint": pending.fingerprint,
                "status": status,
                "body": response.content.decode(),
                "headers": {name: response[name] for name in _KEPT_HEADERS if name in response},
            }
            cache.set(pending.record_key, record, timeout=settings.API_IDEMPOTENCY_TTL)
    finally:
        cache.delete(pending.lock_key)


def _body_within_limit(request: HttpRequest) -> bool:
    # Content-Length is what Django reads the body by (without it, under WSGI, there is none).
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return 0 <= length <= MAX_BODY_BYTES


def _record_within_limit(response: HttpResponse) -> bool:
    if len(response.content) <= MAX_RECORD_BYTES:
        return True
    logger.warning(
        "idempotency: a %d-byte response is not remembered (limit %d)",
        len(response.content),
        MAX_RECORD_BYTES,
    )
    return False


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode())
        digest.update(b"\n")
    try:
        digest.update(request.body)
    except RequestDataTooBig as exc:  # DATA_UPLOAD_MAX_MEMORY_SIZE set below ours
        raise IdempotencyBodyTooLarge from exc
    return digest.hexdigest()


def _replay(record: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(record["body"], status=record["status"])
    for name, value in record["headers"].items():
        response[name] = value
    response[_REPLAYED_HEADER] = "true"
    return response
