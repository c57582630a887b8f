"""The API's token strategy (settings.HEADLESS_TOKEN_STRATEGY): allauth headless's JWTs, with
the login session behind them held to two rules that allauth 65.22 leaves to us.

Each app login is one Django session. Its access tokens (5 minutes) and refresh tokens (a day,
rotated on every use) name it in their `sid`, and with stateful validation every token is
checked against it; the `session_token` of the login response *is* its key, so it works as an
X-Session-Token and as the site's session cookie.

1. Reusing a rotated refresh token revokes the whole login. allauth refuses the old token but
   leaves the pair that replaced it valid, so a thief who used a stolen refresh token first keeps
   a working chain while the owner is merely refused. A refresh token we signed, unexpired,
   whose login session still exists but no longer lists it, can only be one already rotated
   (RFC 9700, 4.14.2: refresh token rotation with reuse detection). We then delete the session:
   every access and refresh token of that login, and its session_token, stop working, and the
   owner logs in again. The price: a client that sends the same refresh request twice (a retry
   after a lost answer) is logged out too.
2. The login session lives as long as its newest refresh token
   (HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN from the last login or refresh), not the site's
   two-week session age: the session_token grants nothing beyond what the refresh token grants.

The reuse check reads allauth's JWT internals (decode, session lookup, the session's list of
live refresh tokens): allauth has no public hook for it; tests/api/test_token_reuse.py pins the
behaviour, so an allauth upgrade that changes them fails there."""

from __future__ import annotations

import logging
from typing import Any

from allauth.headless.tokens.strategies.jwt import JWTTokenStrategy
from allauth.headless.tokens.strategies.jwt import internal as jwt_internal
from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


class RevokingJWTTokenStrategy(JWTTokenStrategy):
    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
        payload = super().create_access_token_payload(request)
        if payload is not None:
            # allauth saves the session after this (it has just stored the refresh token's id
            # in it); each refresh saves it again, so the expiry slides with the refresh token.
            request.session.set_expiry(settings.HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN)
        return payload

    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        pair = super().refresh_token(refresh_token)
        if pair is None:
            _revoke_login_if_reused(refresh_token)
        return pair


def _revoke_login_if_reused(refresh_token: str) -> None:
    payload = jwt_internal.decode_token(refresh_token, "refresh")
    if payload is None:
        return  # not signed by us, or expired: it proves nothing about any login
    session = jwt_internal.get_token_session(payload)
    if session is None:
        return  # logged out or revoked already
    if payload["jti"] in jwt_internal.get_refresh_token_state(session):
        return  # still live: refused for another reason (the person was deactivated)
    session.delete()
    logger.warning(
        "a rotated refresh token was used again: its login is revoked",
        extra={"user_id": payload["sub"]},
    )
