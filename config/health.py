"""Liveness and readiness for load balancers and orchestrators: no login, no rate limit, no
cache, fast. ProbesMiddleware (config/middleware.py) serves these before host checks and
sessions.

Speed comes from the stores' own timeouts, set in settings: PostgreSQL `connect_timeout` 2 s,
django-redis socket and connect timeouts 1 s. An unreachable store refuses at once on loopback."""

import logging
import uuid
from http import HTTPStatus

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
FAILING = "failing"


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as exc:
        # One line, no traceback: a probe every few seconds during an outage must not flood logs.
        logger.warning("readiness: database check failed: %s: %s", type(exc).__name__, exc)
        return False


def _cache_ok() -> bool:
    # A round trip, not a ping: with IGNORE_EXCEPTIONS a dead Redis answers set/get silently,
    # so the only sign of the outage is not getting back what was stored.
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, OK, timeout=5)
        ok = cache.get(key) == OK
        cache.delete(key)
    except Exception as exc:
        logger.warning("readiness: cache check failed: %s: %s", type(exc).__name__, exc)
        return False
    if not ok:
        logger.warning("readiness: cache did not return what was stored")
    return ok


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": OK if _database_ok() else FAILING,
        "cache": OK if _cache_ok() else FAILING,
    }
    healthy = all(value == OK for value in checks.values())
    return JsonResponse(
        {"status": OK if healthy else FAILING, "checks": checks},
        status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE,
    )
