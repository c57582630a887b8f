"""Issue 15, item 5: every allauth page a person meets is the site's own page (our header and
nav, the site's name, no framework or placeholder names), and its emails speak as SITE_NAME."""

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

# allauth's own headings, which our overrides in templates/account/ and templates/socialaccount/
# replace with the site's words; none may show on any page.
ALLAUTH_HEADINGS = (
    "Email Addresses",
    "Change Password",
    "Set Password",
    "Bad Token",
    "Confirm Email Address",
    "Confirm Access",
    "Third-Party Login Failure",
)

ANONYMOUS_PAGES = [
    ("/accounts/login/", "Log in"),
    ("/accounts/signup/", "Sign up"),
    ("/accounts/password/reset/", "Reset your password"),
    ("/accounts/password/reset/done/", "Check your email"),
    ("/accounts/password/reset/key/done/", "Password changed"),
    ("/accounts/confirm-email/", "Confirm your email address"),
    ("/accounts/confirm-email/not-a-key/", "Confirm your email address"),
    ("/accounts/password/reset/key/1-not-a-key/", "This link no longer works"),
    ("/accounts/3rdparty/login/cancelled/", "Log in cancelled"),
    ("/accounts/3rdparty/login/error/", "Signing in with GitHub did not work"),
]
SIGNED_IN_PAGES = [
    ("/accounts/email/", "Email addresses"),
    ("/accounts/password/change/", "Change password"),
    ("/accounts/logout/", "Log out"),
    ("/accounts/reauthenticate/", "Confirm it's you"),
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
    for allauth_heading in ALLAUTH_HEADINGS:
        assert allauth_heading not in shown, f"allauth's {allauth_heading!r} on the page"


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
        client.get(f"/accounts/confirm-email/{key}/").content.decode(), "Confirm your email address"
    )

    token = default_token_generator.make_token(user)
    response = client.get(
        f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-{token}/", follow=True
    )
    assert_our_page(response.content.decode(), "Choose a new password")
    assert 'name="password1"' in response.content.decode()


def test_the_set_password_page_is_ours(client: Client, person):
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    response = client.get("/accounts/password/set/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert_our_page(html, "Set a password")
    assert 'action="/accounts/password/set/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="password1"' in html
    assert 'name="password2"' in html


def test_a_used_or_broken_link_says_so_and_offers_a_new_one(client: Client):
    html = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "This confirmation link has expired or was already used." in html
    assert 'href="/accounts/email/"' in html

    html = client.get("/accounts/password/reset/key/1-not-a-key/").content.decode()
    assert "has expired or was already used." in html
    assert 'href="/accounts/password/reset/"' in html


def test_the_reworded_forms_keep_allauths_fields_and_actions(client: Client, person):
    """The overrides change words only: every form still posts where allauth's does, with its
    CSRF token, fields and named buttons."""
    client.force_login(person)
    html = client.get("/accounts/email/").content.decode()
    assert html.count('action="/accounts/email/"') == 2  # the address list and the add form
    assert html.count('name="csrfmiddlewaretoken"') >= 2
    assert 'value="ada@gitpulse.test"' in html
    for name in ("action_primary", "action_send", "action_remove", "action_add"):
        assert f'name="{name}"' in html, name

    html = client.get("/accounts/password/change/").content.decode()
    assert 'action="/accounts/password/change/"' in html
    for name in ("oldpassword", "password1", "password2", "csrfmiddlewaretoken"):
        assert f'name="{name}"' in html, name

    html = client.get("/accounts/reauthenticate/").content.decode()
    assert 'action="/accounts/reauthenticate/"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_confirmation_page_posts_to_its_key(client: Client):
    user = UserFactory(email="new@gitpulse.test", verified_email=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    html = client.get(f"/accounts/confirm-email/{key}/").content.decode()
    # allauth signs the key again as it renders (a timestamp to the second), so the form's key
    # is this address's, not necessarily the very string in the link.
    (action,) = re.findall(r'<form[^>]* action="(/accounts/confirm-email/[^"/]+/)"', html)
    assert action.split("/")[-2].split(":")[0] == key.split(":")[0]
    assert 'name="csrfmiddlewaretoken"' in html
    assert "new@gitpulse.test" in html
    assert client.post(action).status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified


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
    assert message.subject == "[Gitpulse] Confirm your email address"
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
