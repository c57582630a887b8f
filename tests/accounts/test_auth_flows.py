import re
from http import HTTPStatus

from allauth.account import app_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "another-long-password-77"


def _link_in_last_email(path_fragment: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(rf"https?://testserver({re.escape(path_fragment)}\S+)", body)
    assert match, body
    return match.group(1)


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _sign_up(client: Client, email: str = "new.person@example.com"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )


def test_signup_asks_for_email_and_password_only(client: Client, db):
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="email"' in body
    assert 'name="password1"' in body
    assert 'name="username"' not in body


def test_signup_sends_a_verification_email_and_does_not_sign_in(client: Client, db):
    response = _sign_up(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert not _signed_in(client)


def test_signup_stores_the_email_lowercased_as_the_login(client: Client, db):
    _sign_up(client, email="New.Person@Example.COM")
    assert User.objects.filter(email="new.person@example.com").exists()


def test_confirming_the_email_verifies_it_and_signs_in(client: Client, db):
    _sign_up(client)
    confirm_path = _link_in_last_email("/accounts/confirm-email/")
    assert client.get(confirm_path).status_code == HTTPStatus.OK  # a page, not a GET side effect
    response = client.post(confirm_path)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="new.person@example.com").verified
    assert _signed_in(client)


def test_opening_the_confirmation_link_does_not_verify_by_itself(client: Client, db):
    # Mail scanners open links; only the button on the page confirms.
    _sign_up(client)
    client.get(_link_in_last_email("/accounts/confirm-email/"))
    assert not EmailAddress.objects.get(email="new.person@example.com").verified


def test_unverified_person_cannot_sign_in(client: Client, db):
    user = UserFactory(verified_email=False)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert not _signed_in(client)


def test_verified_person_signs_in_with_email_and_password(client: Client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/home/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_does_not_sign_in(client: Client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    assert response.status_code == HTTPStatus.OK
    assert not _signed_in(client)


def test_repeated_failed_logins_are_rate_limited(client: Client, user):
    # allauth's default: 5 failed attempts per login per 5 minutes. After them even the right
    # password is refused, so guessing cannot continue.
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert not _signed_in(client)


def test_login_rate_limits_are_not_switched_off():
    # The limits allauth actually applies (its defaults unless a setting overrides them):
    # ACCOUNT_RATE_LIMITS = False, or a dict without login_failed, fails this.
    assert app_settings.RATE_LIMITS["login_failed"]
    assert app_settings.RATE_LIMITS["login"]


def test_logout_by_get_does_not_sign_out(client_logged_in: Client):
    response = client_logged_in.get("/accounts/logout/")
    assert response.status_code == HTTPStatus.OK  # a confirmation page with a POST form
    assert 'method="post"' in response.content.decode()
    assert _signed_in(client_logged_in)


def test_logout_by_post_signs_out(client_logged_in: Client):
    response = client_logged_in.post("/accounts/logout/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert not _signed_in(client_logged_in)


def test_password_reset_link_sets_a_new_password(client: Client, user):
    client.post("/accounts/password/reset/", {"email": user.email})
    reset_path = _link_in_last_email("/accounts/password/reset/key/")
    form_page = client.get(reset_path, follow=True)  # allauth moves the key into the session
    form_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_reveals_nothing(client: Client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/password/reset/done/"
