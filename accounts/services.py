import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction

from accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a person and what is theirs alone: the user row and, through its foreign keys,
    email addresses, social logins, watchlist entries; plus every session they are signed in
    with. Shared GitHub data stays: other people watch it too."""
    user_id = user.pk
    user_sessions_end(user=user)
    user.delete()
    logger.info("user deleted", extra={"user_id": user_id})


def user_sessions_end(*, user: User) -> int:
    """End every session signed in as this user, in the database and in the cache in front of it.

    Sessions have no foreign key to their user (the id is inside the signed data), so they are
    decoded one by one: only the unexpired ones. The expired ones (anybody's; they sign nobody in)
    are cleared first with Django's own `clear_expired` (what `manage.py clearsessions` runs), so
    none keeps the id. This runs only when someone deletes their account or staff sign them out; a
    per-user session index (allauth.usersessions) would only know logins made through allauth,
    not the admin's."""
    user_id = str(user.pk)
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session_store.clear_expired()
    keys = [
        session.session_key
        for session in Session.objects.only("session_key", "session_data").iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    store = session_store()
    for key in keys:
        store.delete(key)  # cached_db: the row and the cached copy, or the session lives on
    return len(keys)
