import logging

from django.db import transaction

from accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a person and what is theirs alone (email addresses, social logins, sessions, their
    watchlist entries and job requests). Shared GitHub data stays: other people watch it too."""
    user_id = user.pk
    user.delete()
    logger.info("user deleted", extra={"user_id": user_id})
