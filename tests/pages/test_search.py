from http import HTTPStatus

import pytest

from github_stats.models import RefreshJob
from tests.pages.factories import GitHubAccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("octocat", "/u/octocat"),
        ("  @octocat ", "/u/octocat"),
        ("django/django", "/r/django/django"),
        ("https://github.com/django/django/tree/main", "/r/django/django"),
        ("github.com/orgs/acme", "/u/acme"),
    ],
)
def test_search_goes_to_the_right_page(client_logged_in, query, location):
    response = client_logged_in.get("/search/", {"q": query})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == location


@pytest.mark.parametrize("query", ["-bad-", "a b", "https://evil.example/x", "a/b/c/d", "x" * 60])
def test_invalid_search_is_refused_with_a_message_before_any_github_call(client_logged_in, query):
    response = client_logged_in.get("/search/", {"q": query})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b'role="alert"' in response.content
    assert not RefreshJob.objects.exists()


@pytest.mark.parametrize("query", ["-bad-", "a b"])
def test_an_invalid_search_says_one_thing_not_also_press_enter(client_logged_in, query):
    body = client_logged_in.get("/search/", {"q": query}).content.decode()
    assert "Press Enter" not in body


def test_suggestions_for_a_name_github_would_refuse_say_why_not_press_enter(htmx):
    body = htmx.get("/search/suggest/?q=-bad-", target="nav-suggestions").content.decode()
    assert "Press Enter" not in body
    assert 'class="suggestions-empty suggestions-invalid small"' in body


def test_suggestions_for_a_valid_name_we_lack_offer_to_fetch_it(htmx):
    body = htmx.get("/search/suggest/?q=octocat", target="nav-suggestions").content.decode()
    assert "Press Enter to fetch it from GitHub" in body


def test_empty_search_shows_the_search_page(client_logged_in):
    response = client_logged_in.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert b'name="q"' in response.content


def test_search_needs_login(client):
    response = client.get("/search/", {"q": "octocat"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_suggestions_are_a_partial_of_visible_stored_accounts(htmx, django_assert_num_queries):
    GitHubAccountFactory(login="Django", name="<b>Django</b>")
    GitHubAccountFactory(login="django-htmx")
    GitHubAccountFactory(login="djangonaut", hidden=True)
    # the user, the prefix lookup (the session comes from the cache: cached_db sessions)
    with django_assert_num_queries(2):
        response = htmx.get("/search/suggest/?q=dJa", target="nav-suggestions")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<html" not in body
    assert 'href="/u/Django"' in body
    assert 'href="/u/django-htmx"' in body
    assert "djangonaut" not in body
    assert "&lt;b&gt;Django&lt;/b&gt;" in body
    assert "HX-Request" in response["Vary"]


def test_suggestions_for_nothing_or_garbage_cost_no_lookup(htmx, django_assert_num_queries):
    # the user only
    with django_assert_num_queries(1):
        response = htmx.get("/search/suggest/?q=%25%27%22")
    assert response.status_code == HTTPStatus.OK
    assert b'role="option"' not in response.content


def test_suggestions_need_login_and_answer_htmx_with_hx_redirect(htmx_anonymous):
    response = htmx_anonymous.get("/search/suggest/?q=dj", current_url="http://testserver/u/x")
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == "/accounts/login/?next=/u/x"
