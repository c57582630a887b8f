"""The forms that change who is signed in, or delete someone, refuse a POST without the CSRF
token and accept one with it. Django's test client skips CSRF unless told otherwise."""

from http import HTTPStatus

from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD


def _token(client: Client, page: str) -> str:
    """Load the form's page as a browser would; the token is in the cookie it sets."""
    assert client.get(page).status_code == HTTPStatus.OK
    return client.cookies["csrftoken"].value


def test_login_without_csrf_token_is_refused(csrf_client: Client, user):
    data = {"login": user.email, "password": DEFAULT_PASSWORD}
    response = csrf_client.post("/accounts/login/", data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert SESSION_KEY not in csrf_client.session


def test_login_with_csrf_token_signs_in(csrf_client: Client, user):
    token = _token(csrf_client, "/accounts/login/")
    data = {"login": user.email, "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": token}
    response = csrf_client.post("/accounts/login/", data)
    assert response.status_code == HTTPStatus.FOUND
    assert csrf_client.session[SESSION_KEY] == str(user.pk)


def test_signup_without_csrf_token_is_refused(csrf_client: Client, db):
    data = {
        "email": "new@example.com",
        "password1": DEFAULT_PASSWORD,
        "password2": DEFAULT_PASSWORD,
    }
    response = csrf_client.post("/accounts/signup/", data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not User.objects.filter(email="new@example.com").exists()


def test_signup_with_csrf_token_creates_the_account(csrf_client: Client, db):
    token = _token(csrf_client, "/accounts/signup/")
    data = {
        "email": "new@example.com",
        "password1": DEFAULT_PASSWORD,
        "password2": DEFAULT_PASSWORD,
        "csrfmiddlewaretoken": token,
    }
    response = csrf_client.post("/accounts/signup/", data)
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.filter(email="new@example.com").exists()


def test_logout_without_csrf_token_is_refused(csrf_client: Client, user):
    # Otherwise any site could sign people out with a hidden form.
    csrf_client.force_login(user)
    response = csrf_client.post("/accounts/logout/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert SESSION_KEY in csrf_client.session


def test_logout_with_csrf_token_signs_out(csrf_client: Client, user):
    csrf_client.force_login(user)
    token = _token(csrf_client, "/settings/")
    response = csrf_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert SESSION_KEY not in csrf_client.session


def test_delete_account_without_csrf_token_is_refused(csrf_client: Client, user):
    csrf_client.force_login(user)
    response = csrf_client.post("/settings/delete/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_with_csrf_token_deletes_it(csrf_client: Client, user):
    csrf_client.force_login(user)
    token = _token(csrf_client, "/settings/delete/")
    data = {"password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": token}
    response = csrf_client.post("/settings/delete/", data)
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=user.pk).exists()
