import re
from datetime import timedelta
from http import HTTPStatus

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, GitHubSocialAccountFactory, UserFactory


def _sessions_of(user: User) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def test_account_page_shows_the_email_and_that_it_is_verified(client_logged_in: Client, user):
    body = client_logged_in.get("/settings/").content.decode()
    assert user.email in body
    assert "(verified)" in body


def test_account_page_says_when_the_email_is_not_verified(client: Client, db):
    # Possible for someone signed in before an address change, or created in the admin.
    user = UserFactory(verified_email=False)
    client.force_login(user)
    assert "(not verified)" in client.get("/settings/").content.decode()


def test_account_page_shows_the_connected_github_account(client_logged_in: Client, user):
    social = GitHubSocialAccountFactory(user=user)
    body = client_logged_in.get("/settings/").content.decode()
    login = social.extra_data["login"]
    assert f'href="https://github.com/{login}"' in body
    assert f"@{login}" in body


def test_account_page_says_no_github_account_is_connected(client_logged_in: Client):
    assert "Not connected" in client_logged_in.get("/settings/").content.decode()


def test_account_page_links_to_deleting_the_account(client_logged_in: Client):
    assert 'href="/settings/delete/"' in client_logged_in.get("/settings/").content.decode()


def test_the_old_account_address_moved_permanently_to_settings(client_logged_in: Client, user):
    # /account/ was the person's page before /settings/: old bookmarks still arrive.
    response = client_logged_in.get("/account/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/settings/"
    delete = client_logged_in.get("/account/delete/")
    assert delete.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert delete["Location"] == "/settings/delete/"
    assert User.objects.filter(pk=user.pk).exists()  # a GET of the old address deletes nothing


def test_account_page_is_a_constant_number_of_queries(
    client_logged_in: Client, user, django_assert_num_queries
):
    GitHubSocialAccountFactory(user=user)
    # The session comes from the cache (cached_db). Then: the user, the verified-email check,
    # the GitHub social account.
    with django_assert_num_queries(3):
        response = client_logged_in.get("/settings/")
    assert response.status_code == HTTPStatus.OK


def test_delete_page_asks_for_the_password(client_logged_in: Client):
    body = client_logged_in.get("/settings/delete/").content.decode()
    assert 'name="password"' in body
    assert 'type="password"' in body
    assert 'name="confirm_email"' not in body


def test_delete_with_a_wrong_password_keeps_the_account(client_logged_in: Client, user):
    response = client_logged_in.post("/settings/delete/", {"password": "not-my-password"})
    assert response.status_code == HTTPStatus.OK
    assert "incorrect" in response.content.decode().lower()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_with_the_email_instead_of_the_password_keeps_the_account(
    client_logged_in: Client, user
):
    client_logged_in.post("/settings/delete/", {"confirm_email": user.email})
    assert User.objects.filter(pk=user.pk).exists()


def test_the_delete_form_cannot_be_used_to_guess_the_password(client_logged_in: Client, user):
    # Wrong passwords count against allauth's failed-login limit (5 per account per 5 minutes):
    # past it, even the right one is refused.
    for _attempt in range(5):
        client_logged_in.post("/settings/delete/", {"password": "guess"})
    response = client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_removes_the_user_their_emails_and_social_logins(client_logged_in: Client, user):
    GitHubSocialAccountFactory(user=user)
    response = client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    assert not SocialAccount.objects.filter(user_id=user.pk).exists()


def test_delete_ends_every_session_of_the_user(client_logged_in: Client, user):
    other_device = Client()
    other_device.force_login(user)
    assert len(_sessions_of(user)) == 2
    client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert _sessions_of(user) == []
    # Not even the cached copy lives on (cached_db sessions are read from the cache first).
    assert other_device.get("/settings/").status_code == HTTPStatus.FOUND


def test_delete_leaves_no_session_of_the_user_behind_even_an_expired_one(
    client_logged_in: Client, user, other_user
):
    expired_device, other_person = Client(), Client()
    expired_device.force_login(user)
    other_person.force_login(other_user)
    Session.objects.filter(session_key=expired_device.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert _sessions_of(user) == []
    assert not Session.objects.filter(session_key=expired_device.session.session_key).exists()
    assert len(_sessions_of(other_user)) == 1


def test_delete_leaves_other_people_untouched(client_logged_in: Client, user, other_user):
    GitHubSocialAccountFactory(user=other_user)
    other_device = Client()
    other_device.force_login(other_user)
    client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert User.objects.filter(pk=other_user.pk).exists()
    assert EmailAddress.objects.filter(user=other_user, verified=True).exists()
    assert SocialAccount.objects.filter(user=other_user).exists()
    assert len(_sessions_of(other_user)) == 1
    assert other_device.get("/settings/").status_code == HTTPStatus.OK


def test_delete_signs_the_person_out(client_logged_in: Client, user):
    client_logged_in.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert client_logged_in.get("/settings/").status_code == HTTPStatus.FOUND


def test_delete_by_get_deletes_nothing(client_logged_in: Client, user):
    client_logged_in.get("/settings/delete/")
    assert User.objects.filter(pk=user.pk).exists()


def _code_in_last_email() -> str:
    match = re.search(r"(?m)^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_an_account_without_a_password_confirms_deletion_with_an_emailed_code(client: Client, db):
    user = UserFactory()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    GitHubSocialAccountFactory(user=user)
    client.force_login(user)

    asked = client.get("/settings/delete/")  # nothing to type, so allauth asks first
    assert asked.status_code == HTTPStatus.FOUND
    assert asked["Location"].startswith("/accounts/reauthenticate/code/")
    sent = client.post(asked["Location"], {"recipient": user.email, "next": "/settings/delete/"})
    confirmed = client.post(sent["Location"], {"code": _code_in_last_email()})
    assert confirmed["Location"] == "/settings/delete/"
    assert User.objects.filter(pk=user.pk).exists()

    page = client.get("/settings/delete/").content.decode()
    assert 'name="password"' not in page
    client.post("/settings/delete/", {})
    assert not User.objects.filter(pk=user.pk).exists()


def test_an_account_without_a_password_cannot_delete_without_the_code(client: Client, db):
    user = UserFactory()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)
    response = client.post("/settings/delete/", {})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()
