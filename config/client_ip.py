"""The client's address: one rule for everything that counts or records by address (allauth's
login, sign-up and password-reset limits, the API's anonymous budget in django-ratelimit, the
audit log).

`TRUSTED_PROXY_COUNT` (the environment; settings hand it to allauth as
`ALLAUTH_TRUSTED_PROXY_COUNT`) is how many reverse proxies of ours append to X-Forwarded-For in
front of the app. 0, the default: the socket's address (REMOTE_ADDR); the header is ignored,
since any client can send it. N: the N-th address from the right, the one our outermost proxy
saw; whatever stands further left is the client's own claim and is never read. Set it only when
every request comes through those proxies: a client that reaches the app server directly could
then name any address it likes.

allauth implements that rule (its adapter's `get_client_ip`); django-ratelimit calls the function
below (settings.RATELIMIT_IP_META_KEY names it), which asks allauth, so the two never disagree."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """For django-ratelimit. No usable address (gunicorn on a unix socket, a malformed header)
    raises ImproperlyConfigured, as django-ratelimit itself does for an empty REMOTE_ADDR, so
    config/ratelimits.py can count such requests in one shared budget."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied as exc:  # allauth: "Unable to determine client IP address"
        raise ImproperlyConfigured("no client address in this request") from exc


def client_ip_or_none(request: HttpRequest | None) -> str | None:
    """For records (the audit log): None when there is no request or no usable address."""
    if request is None:
        return None
    try:
        return client_ip(request)
    except ImproperlyConfigured:
        # Also allauth's answer when X-Forwarded-For holds fewer addresses than
        # TRUSTED_PROXY_COUNT: a misconfiguration, but a record must still be written.
        return None
