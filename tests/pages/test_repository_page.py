from http import HTTPStatus

import pytest

from github_stats.models import RefreshJob
from github_stats.services.jobs import refresh_job_run
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def repo():
    owner = GitHubAccountFactory(login="acme", kind="org")
    return RepositoryFactory(
        owner=owner,
        name="Rocket",
        description="Goes up.",
        stars=12_345,
        topics=["space", "rockets"],
        homepage="rocket.example.com",
        license_spdx="MIT",
        language_bytes={"Python": 7000, "C": 3000},
    )


def test_repository_page_shows_figures_languages_topics_and_links(
    client_logged_in, repo, django_assert_num_queries
):
    # the user, the owner (with whether I track it), the repository, its star history
    with django_assert_num_queries(4):
        response = client_logged_in.get("/r/acme/Rocket")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "<h1>Rocket" in body
    assert "12k" in body
    assert "space" in body
    assert "rockets" in body
    assert 'href="https://rocket.example.com"' in body
    assert 'href="https://github.com/acme/Rocket"' in body
    assert "By size of code" in body
    assert "70.0%" in body
    assert "MIT" in body
    assert "HX-Request" in response["Vary"]


def test_another_spelling_of_the_names_redirects_to_the_stored_ones(client_logged_in, repo):
    response = client_logged_in.get("/r/ACME/rocket")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/r/acme/Rocket"
    assert client_logged_in.get("/r/acme/Rocket").status_code == HTTPStatus.OK


def test_repository_strings_are_escaped(client_logged_in):
    owner = GitHubAccountFactory(login="hostile")
    RepositoryFactory(
        owner=owner,
        name="payload",
        description=SCRIPT,
        topics=[SCRIPT],
        homepage="javascript:alert(1)",
        language_bytes={SCRIPT: 10},
    )
    body = client_logged_in.get("/r/hostile/payload").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript:' not in body


@pytest.mark.parametrize("path", ["/r/-bad-/x", "/r/acme/..", "/r/acme/a%20b"])
def test_invalid_names_are_refused(client_logged_in, path):
    assert client_logged_in.get(path).status_code == HTTPStatus.BAD_REQUEST
    assert not RefreshJob.objects.exists()


def test_unknown_repository_of_a_fresh_account_is_404(client_logged_in, repo):
    response = client_logged_in.get("/r/acme/nope")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"has no public repository called nope" in response.content
    assert not RefreshJob.objects.exists()


def test_hidden_owner_is_not_available(client_logged_in):
    owner = GitHubAccountFactory(login="hidden-one", hidden=True)
    RepositoryFactory(owner=owner, name="x")
    response = client_logged_in.get("/r/hidden-one/x")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"This account is not available" in response.content


def test_anonymous_is_sent_to_login(client, repo):
    response = client.get("/r/acme/rocket")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_repository_of_an_owner_we_do_not_store_queues_its_owner_and_polls(
    client_logged_in, htmx, fake_github
):
    fake_github.state.add_user("builder", repos=0)
    fake_github.state.add_repo("builder", "bridge", description="Spans things.")
    response = client_logged_in.get("/r/builder/bridge")
    assert response.status_code == HTTPStatus.ACCEPTED
    job = RefreshJob.objects.get(login="builder")
    assert f'hx-get="/r/builder/bridge?job={job.pk}"' in response.content.decode()

    refresh_job_run(job_id=job.pk)
    poll = htmx.get(f"/r/builder/bridge?job={job.pk}", target="progress")
    assert poll["HX-Retarget"] == "#main-region"
    assert b"Spans things." in poll.content
