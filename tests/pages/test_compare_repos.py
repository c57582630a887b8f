"""/compare/repos/?repos=owner/a,owner/b: two to four repositories' star histories on shared axes
(by date or by age, linear or log), their figures, the canonical shareable URL, owners we do
not store fetched first, and bad input as a form error, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import RefreshJob
from github_stats.services.jobs import refresh_job_run
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory
from tests.pages.star_factories import daily_stars, star_history_store

pytestmark = pytest.mark.django_db

URL = "/compare/repos/"
SCRIPT = '<script>alert("x")</script>'


def repo_with_history(owner: str, name: str, *, years: float, per_day: int = 1, **fields):
    account = GitHubAccountFactory(login=owner)
    created = timezone.now() - timedelta(days=int(years * 365) + 3)
    repository = RepositoryFactory(owner=account, name=name, created_at=created, **fields)
    star_history_store(repository, daily_stars(years=years, per_day=per_day))
    return repository


@pytest.fixture
def two():
    return (
        repo_with_history("acme", "rocket", years=4, per_day=2),
        repo_with_history("globex", "lander", years=1),
    )


def chart(body: str, size: str = "wide") -> str:
    match = re.search(rf'<svg [^>]*id="compare-stars-{size}".*?</svg>', body, re.S)
    assert match is not None, "no chart"
    return match.group(0)


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL, {"repos": "a/b,c/d"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/compare/repos/")


def test_anonymous_htmx_gets_hx_redirect(client):
    response = client.get(URL, {"repos": "a/b,c/d"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_two_repositories_on_shared_axes_with_their_figures(
    client_logged_in, two, django_assert_num_queries
):
    rocket, lander = two
    # the user, the owners, the repositories, every star history
    with django_assert_num_queries(4):
        response = client_logged_in.get(f"{URL}?repos=acme/rocket,globex/lander")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    svg = chart(body)
    assert "chart-stroke-1" in svg
    assert "chart-stroke-2" in svg
    assert "Stars of acme/rocket, globex/lander, by date" in svg
    # Each line ends at the repository's attributed stars.
    assert f"acme/rocket: {rocket.star_history.attributed:,} on" in svg
    assert f"globex/lander: {lander.star_history.attributed:,} on" in svg
    table = re.search(r'<table class="compare-table">.*?</table>', body, re.S).group(0)
    assert f"{rocket.stars:,}" in table
    assert "is-leader" in table
    assert 'href="/r/acme/rocket"' in table


def test_a_comparison_seen_before_is_one_query(client_logged_in, two, django_assert_num_queries):
    first = client_logged_in.get(f"{URL}?repos=acme/rocket,globex/lander")
    # the user; the response comes from the cache
    with django_assert_num_queries(1):
        again = client_logged_in.get(f"{URL}?repos=acme/rocket,globex/lander")
    assert again.content == first.content


def test_aligned_by_age_each_line_starts_at_creation(client_logged_in, two):
    rocket, _ = two
    body = client_logged_in.get(f"{URL}?repos=acme/rocket,globex/lander&align=age").content
    svg = chart(body.decode())
    assert "by days since each was created" in svg
    assert ">created</text>" in svg
    assert f"acme/rocket: {rocket.star_history.attributed:,} stars 4 years after" in svg
    assert 'aria-current="true">By age<' in body.decode()


def test_repositories_far_apart_are_drawn_on_a_log_scale_unless_asked(client_logged_in):
    repo_with_history("big", "one", years=3, per_day=60)
    repo_with_history("small", "two", years=0.1)
    body = client_logged_in.get(f"{URL}?repos=big/one,small/two").content.decode()
    assert "(log scale)" in chart(body)
    assert "chosen because these repositories differ by 50 times" in body
    linear = client_logged_in.get(f"{URL}?repos=big/one,small/two&scale=linear").content.decode()
    assert "(log scale)" not in chart(linear)


def test_the_form_builds_the_canonical_shareable_url(client_logged_in, two):
    response = client_logged_in.get(
        URL, {"repos": "ACME/Rocket, https://github.com/globex/lander", "align": "age"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{URL}?repos=acme/rocket,globex/lander&align=age"
    shared = client_logged_in.get(response["Location"])
    assert shared.status_code == HTTPStatus.OK
    assert 'value="acme/rocket, globex/lander"' in shared.content.decode()


@pytest.mark.parametrize("bad", ["acme", "acme/rocket/x", "-bad-/x", "acme/..", SCRIPT])
def test_a_name_that_is_not_owner_repo_is_a_form_error(client_logged_in, two, bad):
    # stranger/x would be fetched (we do not store its owner): bad input fetches nothing.
    response = client_logged_in.get(URL, {"repos": f"acme/rocket,stranger/x,{bad}"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.content.decode()
    assert 'class="field-error" role="alert"' in body
    assert "is not owner/repository" in body
    assert "<script>alert" not in body
    assert not RefreshJob.objects.exists()


def test_a_form_error_in_an_htmx_swap_is_a_200(client_logged_in, two):
    response = client_logged_in.get(
        URL, {"repos": "acme/rocket,nope"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="x"
    )
    assert response.status_code == HTTPStatus.OK
    assert "is not owner/repository" in response.content.decode()


def test_one_repository_asks_for_another(client_logged_in, two):
    response = client_logged_in.get(f"{URL}?repos=acme/rocket")
    assert response.status_code == HTTPStatus.OK
    assert "Add one more repository" in response.content.decode()


def test_past_four_the_rest_are_listed_as_left_out(client_logged_in):
    for index in range(5):
        repo_with_history(f"owner{index}", "r", years=0.5)
    names = ",".join(f"owner{index}/r" for index in range(5))
    response = client_logged_in.get(URL, {"repos": names})
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "chart-stroke-4" in chart(body)
    assert "chart-stroke-5" not in chart(body)
    assert "<strong>owner4/r</strong>: compare at most 4 repositories" in body


def test_a_repository_its_fresh_owner_does_not_have_is_left_out(client_logged_in, two):
    body = client_logged_in.get(f"{URL}?repos=acme/rocket,acme/nope").content.decode()
    assert "<strong>acme/nope</strong>: acme has no public repository called nope." in body
    assert not RefreshJob.objects.exists()


def test_a_hidden_owner_is_left_out(client_logged_in, two):
    hidden = GitHubAccountFactory(login="secret", hidden=True)
    RepositoryFactory(owner=hidden, name="x")
    body = client_logged_in.get(f"{URL}?repos=acme/rocket,secret/x").content.decode()
    assert "<strong>secret/x</strong>: not available" in body


def test_an_owner_we_do_not_store_is_fetched_and_polled(client_logged_in, two, fake_github):
    fake_github.state.add_user("builder", repos=0)
    fake_github.state.add_repo("builder", "bridge", stars=5)
    response = client_logged_in.get(f"{URL}?repos=acme/rocket,builder/bridge")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    job = RefreshJob.objects.get(login="builder")
    assert "Fetching <strong>builder</strong>" in body
    poll_url = f"{URL}?repos=acme/rocket,builder/bridge&amp;job={job.pk}"
    assert f'hx-get="{poll_url}"' in body

    refresh_job_run(job_id=job.pk)
    poll = client_logged_in.get(
        poll_url.replace("&amp;", "&"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="compare-repos-body"
    )
    text = poll.content.decode()
    assert 'href="/r/builder/bridge"' in text
    assert "Fetching <strong>builder</strong>" not in text


def test_an_owner_github_does_not_have_is_left_out_with_the_reason(
    client_logged_in, two, fake_github
):
    response = client_logged_in.get(f"{URL}?repos=acme/rocket,ghost/x")
    job = RefreshJob.objects.get(login="ghost")
    refresh_job_run(job_id=job.pk)
    poll = client_logged_in.get(
        f"{URL}?repos=acme/rocket,ghost/x&job={job.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="compare-repos-body",
    )
    assert response.status_code == HTTPStatus.OK
    assert "<strong>ghost/x</strong>: GitHub has no account called ghost." in poll.content.decode()


def test_hostile_strings_are_text(client_logged_in, two):
    hostile = repo_with_history("hostile", "payload", years=1, language=SCRIPT)
    assert hostile.language == SCRIPT
    body = client_logged_in.get(f"{URL}?repos=acme/rocket,hostile/payload").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_a_repository_without_history_yet_is_named_and_polled(client_logged_in, two, settings):
    settings.STAR_HISTORY_FETCH = True
    from github_stats.models import AccountStarHistory

    fresh = RepositoryFactory(owner=GitHubAccountFactory(login="newco"), name="app", stars=30)
    AccountStarHistory.objects.create(account=fresh.owner, pending_since=timezone.now())
    body = client_logged_in.get(f"{URL}?repos=acme/rocket,newco/app").content.decode()
    assert "newco/app: star history is being fetched…" in body
    assert 'hx-trigger="load delay:5s"' in body
