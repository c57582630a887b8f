"""Issue 15, item 5: every allauth page a person meets is the site's own page (our header and
nav, the site's name, no framework or placeholder names), and its e-mails speak as SITE_NAME."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE_HEADER = '<header class="site-header">'
NAV = '<nav class="nav" aria-label="Main">'
FORBIDDEN = ("example.com", "Django", "django")  # the Sites default and the framework

ANONYMOUS_PAGES = [
    ("/accounts/login/", "Log in"),
    ("/accounts/signup/", "Sign up"),
    ("/accounts/password/reset/", "Reset your password"),
    ("/accounts/password/reset/done/", "Check your e-mail"),
    ("/accounts/password/reset/key/done/", "Change Password"),
    ("/accounts/confirm-email/", "Confirm your e-mail address"),
    ("/accounts/confirm-email/not-a-key/", "Confirm Email Address"),
    ("/accounts/password/reset/key/1-not-a-key/", "Bad Token"),
    ("/accounts/3rdparty/login/cancelled/", "Log in cancelled"),
    ("/accounts/3rdparty/login/error/", "Third-Party Login Failure"),
]
SIGNED_IN_PAGES = [
    ("/accounts/email/", "Email Addresses"),
    ("/accounts/password/change/", "Change Password"),
    ("/accounts/logout/", "Log out"),
    ("/accounts/reauthenticate/", "Confirm Access"),
]


@pytest.fixture
def person():
    # Not @example.com: the pages must not show that name, and a person's own address would.
    return UserFactory(email="ada@gitpulse.test")


def assert_our_page(html: str, heading: str, site_name: str = "Gitpulse") -> None:
    assert SITE_HEADER in html, "not in the site's layout"
    assert NAV in html, "no site nav"
    assert re.search(rf"<h1>\s*{re.escape(heading)}\s*</h1>", html), f"no <h1>{heading}</h1>"
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title, "no <title>"
    assert title.group(1).strip().endswith(f"· {site_name}"), title
    # What a person reads (the title and the text), not asset paths such as /static/django_htmx/.
    shown = title.group(1) + re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])
    for word in FORBIDDEN:
        assert word not in shown, f"{word!r} on the page"


@pytest.mark.parametrize(("url", "heading"), ANONYMOUS_PAGES)
def test_anonymous_allauth_pages_are_ours(client: Client, url: str, heading: str):
    response = client.get(url)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
    assert_our_page(response.content.decode(), heading)


@pytest.mark.parametrize(("url", "heading"), SIGNED_IN_PAGES)
def test_signed_in_allauth_pages_are_ours(client: Client, person, url: str, heading: str):
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert_our_page(response.content.decode(), heading)


def test_a_valid_confirmation_link_and_reset_link_are_ours(client: Client):
    user = UserFactory(email="new@gitpulse.test", verified_email=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    assert_our_page(
        client.get(f"/accounts/confirm-email/{key}/").content.decode(), "Confirm Email Address"
    )

    token = default_token_generator.make_token(user)
    response = client.get(
        f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-{token}/", follow=True
    )
    assert_our_page(response.content.decode(), "Change Password")
    assert 'name="password1"' in response.content.decode()


def test_the_site_name_setting_names_the_pages(client: Client, settings):
    settings.SITE_NAME = "Acme Pulse"
    html = client.get("/accounts/login/").content.decode()
    assert_our_page(html, "Log in", site_name="Acme Pulse")
    assert "New to Acme Pulse?" in html


def test_the_confirmation_email_speaks_as_the_site(client: Client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@gitpulse.test",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    (message,) = mailoutbox
    assert message.subject == "[Gitpulse] Confirm your e-mail address"
    assert message.body.startswith("Hello from Gitpulse,")
    assert "signed up for Gitpulse" in message.body
    assert "/accounts/confirm-email/" in message.body
    assert "testserver" not in message.body.split("http://testserver/", 1)[0]  # greeting: no host
    for word in FORBIDDEN:
        assert word not in message.subject + message.body


def test_the_reset_email_speaks_as_the_site(client: Client, person, mailoutbox):
    client.post("/accounts/password/reset/", {"email": person.email})
    (message,) = mailoutbox
    assert message.subject == "[Gitpulse] Reset your password"
    assert message.body.startswith("Hello from Gitpulse,")
    assert "your Gitpulse account" in message.body
    assert "/accounts/password/reset/key/" in message.body


def test_site_name_changes_the_emails(client: Client, person, mailoutbox, settings):
    settings.SITE_NAME = "Acme Pulse"
    client.post("/accounts/password/reset/", {"email": person.email})
    (message,) = mailoutbox
    assert message.subject == "[Acme Pulse] Reset your password"
    assert message.body.startswith("Hello from Acme Pulse,")
    assert "Gitpulse" not in message.subject + message.body
