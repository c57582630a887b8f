"""/r/<owner>/<repo>: the star history panel (bars a bucket, the cumulative line, the biggest
weeks, the honest notes, the poller while it is fetched) and the Refresh and Track buttons."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import AccountStarHistory, RefreshJob, StarHistory, Tracking, today_utc
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory
from tests.pages.star_factories import daily_stars, star_history_store

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
URL = "/r/acme/rocket"


@pytest.fixture
def repo():
    owner = GitHubAccountFactory(login="acme", kind="org")
    return RepositoryFactory(
        owner=owner,
        name="rocket",
        created_at=timezone.now() - timedelta(days=3700),
        topics=["space"],
    )


def chart_of(body: str) -> str:
    match = re.search(r'<svg [^>]*class="chart chart-stars".*?</svg>', body, re.S)
    assert match is not None, "no star chart"
    return match.group(0)


def bucket_titles(body: str) -> list[str]:
    return re.findall(r"<g><title>([^<]*)</title>", chart_of(body))


def test_ten_years_of_daily_history_render_as_weekly_bars_ending_at_the_attributed_total(
    client_logged_in, repo, django_assert_num_queries
):
    history = star_history_store(repo, daily_stars(years=10))
    # the user, the owner (with whether I track it), the repository, its star history
    with django_assert_num_queries(4):
        response = client_logged_in.get(URL)
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    titles = bucket_titles(body)
    # A bar a week for ten years, hovered a month at a time (each title lists its weeks).
    assert 119 <= len(titles) <= 122
    week = re.compile(r"[A-Z][a-z]{2} \d{1,2} [+-][\d,]+")
    assert all(" (weeks of " in title and week.search(title) for title in titles)
    assert sum(len(week.findall(title)) for title in titles) >= 520
    # The line ends at every star GitHub attributes to a day.
    assert f"{history.attributed:,} in all (weeks of " in titles[-1]
    assert f"<strong>{history.attributed:,}</strong> stars attributed to a day" in body
    assert "a bar a week" in body


def test_a_page_seen_before_is_one_query(client_logged_in, repo, django_assert_num_queries):
    star_history_store(repo, daily_stars(years=1))
    first = client_logged_in.get(URL)
    # the user; the response comes from the cache
    with django_assert_num_queries(1):
        again = client_logged_in.get(URL)
    assert again.content == first.content


def test_the_biggest_weeks_are_marked_and_listed_with_their_dates_and_counts(
    client_logged_in, repo
):
    today = today_utc()
    days = daily_stars(years=2, per_day=1, spikes={100: 900, 300: 500, 500: 700})
    star_history_store(repo, days)
    body = client_logged_in.get(URL).content.decode()
    listed = re.search(r'<div class="star-biggest">.*?</div>', body, re.S)
    assert listed is not None
    text = re.sub(r"<[^>]+>", "", listed.group(0))
    ranks = re.findall(r"(\d) (Week of [A-Z][a-z]{2} \d+, \d{4}): \+([\d,]+) stars", text)
    assert [rank for rank, _, _ in ranks] == ["1", "2", "3"]
    spike_day = today - timedelta(days=100)
    sunday = spike_day - timedelta(days=(spike_day.weekday() + 1) % 7)
    assert ranks[0][1] == f"Week of {sunday:%b} {sunday.day}, {sunday:%Y}"
    week_total = sum(count for day, count in days.items() if 0 <= (day - sunday).days < 7)
    assert ranks[0][2] == f"{week_total:,}"
    assert chart_of(body).count('class="star-mark"') == 3


def test_stars_not_attributed_to_a_day_are_said_beside_the_chart(client_logged_in, repo):
    history = star_history_store(repo, daily_stars(years=1), stars=None)
    star_history_store_count = history.attributed + 37
    repo.__class__.objects.filter(pk=repo.pk).update(stars=star_history_store_count)
    body = client_logged_in.get(URL).content.decode()
    assert "37 stars are not attributed to a day by GitHub" in body
    assert bucket_titles(body)[-1].endswith(f"{history.attributed:,} in all")


def test_a_history_cut_short_by_pagination_says_so(client_logged_in, repo):
    star_history_store(repo, daily_stars(years=3), complete=False, truncated=True)
    body = client_logged_in.get(URL).content.decode()
    assert "History cut short by GitHub's pagination limit" in body


def test_a_history_being_fetched_polls_the_panel_until_it_is_there(client_logged_in, htmx, repo):
    from github_stats.models import AccountStarHistory

    AccountStarHistory.objects.create(account=repo.owner, pending_since=timezone.now())
    body = client_logged_in.get(URL).content.decode()
    assert "Star history is being fetched…" in body
    panel = re.search(r'<section id="stars"[^>]*>', body).group(0)
    assert 'hx-trigger="every 5s"' in panel
    assert f'hx-get="{URL}"' in panel

    still = htmx.get(URL, target="stars")
    assert still.content.decode().lstrip().startswith('<section id="stars"')
    assert 'hx-trigger="every 5s"' in still.content.decode()

    star_history_store(repo, daily_stars(years=1))
    AccountStarHistory.objects.filter(account=repo.owner).update(pending_since=None)
    done = htmx.get(URL, target="stars").content.decode()
    assert "hx-trigger" not in re.search(r'<section id="stars"[^>]*>', done).group(0)
    assert 'class="chart chart-stars"' in done
    assert "<header" not in done  # the panel alone


def test_stars_without_a_history_yet_are_being_fetched(client_logged_in, repo, settings):
    settings.STAR_HISTORY_FETCH = True
    repo.__class__.objects.filter(pk=repo.pk).update(stars=50)
    AccountStarHistory.objects.create(account_id=repo.owner_id, pending_since=timezone.now())
    body = client_logged_in.get(URL).content.decode()
    assert "Star history is being fetched…" in body
    assert 'hx-trigger="every 5s"' in body


def test_stars_left_for_a_later_refresh_do_not_poll(client_logged_in, repo, settings):
    # The fill's budget went to more-starred repositories: nothing is on its way for this one.
    settings.STAR_HISTORY_FETCH = True
    repo.__class__.objects.filter(pk=repo.pk).update(stars=50)
    body = client_logged_in.get(URL).content.decode()
    assert "comes with one of the next refreshes" in body
    assert "every 5s" not in body


def test_a_history_github_refused_says_why_and_does_not_poll(client_logged_in, repo, settings):
    settings.STAR_HISTORY_FETCH = True
    repo.__class__.objects.filter(pk=repo.pk).update(stars=50)
    StarHistory.objects.create(
        repository=repo,
        failures=1,
        last_error="GitHub does not show the star history of <b>x</b>",
        retry_after=timezone.now() + timedelta(hours=1),
    )
    body = client_logged_in.get(URL).content.decode()
    assert "GitHub did not give us this repository's star history" in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body
    assert "every 5s" not in body


def test_a_server_that_does_not_fetch_histories_does_not_poll(client_logged_in, repo, settings):
    settings.STAR_HISTORY_FETCH = False
    body = client_logged_in.get(URL).content.decode()
    assert "This server does not fetch star histories" in body
    assert "every 5s" not in body


def test_a_repository_without_stars_says_so(client_logged_in, repo):
    repo.__class__.objects.filter(pk=repo.pk).update(stars=0)
    body = client_logged_in.get(URL).content.decode()
    assert "No stars yet." in body
    assert "every 5s" not in body
    assert "chart-stars" not in body


def test_a_single_point_says_why(client_logged_in, repo):
    star_history_store(repo, {today_utc(): 4})
    body = client_logged_in.get(URL).content.decode()
    assert "so the line is a single point" in body


def test_ranges_are_links_and_short_ones_are_drawn_a_bar_a_day(client_logged_in, htmx, repo):
    star_history_store(repo, daily_stars(years=2))
    body = client_logged_in.get(URL).content.decode()
    for key, label in (("30", "30 days"), ("90", "90 days"), ("365", "1 year")):
        assert f'href="{URL}?range={key}"' in body, label
    assert f'href="{URL}" hx-get="{URL}" hx-target="#stars"' in body  # all time: the default

    month = client_logged_in.get(f"{URL}?range=30").content.decode()
    assert len(bucket_titles(month)) == 30
    assert "a bar a day" in month
    year = htmx.get(f"{URL}?range=365", target="stars").content.decode()
    assert 52 <= len(bucket_titles(year)) <= 54
    assert 'aria-current="true">1 year<' in year


def test_a_big_repository_is_drawn_on_a_log_scale_unless_asked_otherwise(client_logged_in, repo):
    days = daily_stars(years=6, per_day=2)
    days[min(days)] = 1
    star_history_store(repo, days)
    body = client_logged_in.get(URL).content.decode()
    assert "<strong>Log scale</strong>, chosen because" in body
    assert "(log scale)" in chart_of(body)
    assert f'href="{URL}?scale=linear"' in body

    linear = client_logged_in.get(f"{URL}?scale=linear").content.decode()
    assert "(log scale)" not in chart_of(linear)
    assert 'aria-current="true">Linear<' in linear


def test_a_small_repository_stays_linear(client_logged_in, repo):
    star_history_store(repo, {today_utc() - timedelta(days=n * 9): 1 for n in range(60)})
    body = client_logged_in.get(URL).content.decode()
    assert "(log scale)" not in chart_of(body)


def test_bad_range_and_scale_fall_back_to_the_defaults(client_logged_in, repo):
    star_history_store(repo, daily_stars(years=1))
    response = client_logged_in.get(f"{URL}?range=7&scale=%3Cb%3E")
    assert response.status_code == HTTPStatus.OK
    assert 'aria-current="true">All time<' in response.content.decode()


def test_hostile_description_and_topics_are_text_beside_the_chart(client_logged_in):
    owner = GitHubAccountFactory(login="hostile")
    repo = RepositoryFactory(owner=owner, name="payload", description=SCRIPT, topics=[SCRIPT])
    star_history_store(repo, daily_stars(years=1))
    body = client_logged_in.get("/r/hostile/payload").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert 'class="chart chart-stars"' in body


def test_watchers_are_not_shown_twice_as_stars(client_logged_in, repo):
    body = client_logged_in.get(URL).content.decode()
    assert "Watchers" not in body


def test_the_page_links_to_compare_with_this_repository(client_logged_in, repo):
    body = client_logged_in.get(URL).content.decode()
    assert 'href="/compare/repos/?repos=acme/rocket"' in body


def test_track_from_the_repository_page_tracks_the_owner_and_comes_back(
    client_logged_in, user, repo
):
    body = client_logged_in.get(URL).content.decode()
    form = re.search(r'<form id="track".*?</form>', body, re.S).group(0)
    assert 'action="/u/acme/track"' in form
    assert f'name="next" value="{URL}"' in form
    response = client_logged_in.post("/u/acme/track", {"next": URL})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == URL
    assert Tracking.objects.filter(user=user, account=repo.owner).exists()
    # The page was cached untracked: the new watchlist version misses it.
    again = client_logged_in.get(URL).content.decode()
    assert 'aria-pressed="true"' in again
    assert 'action="/u/acme/untrack"' in again


def test_track_with_htmx_answers_the_button(htmx, user, repo):
    response = htmx.post("/u/acme/track", {"next": URL}, target="track")
    assert response.status_code == HTTPStatus.OK
    assert 'id="track"' in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()


def test_refresh_without_javascript_comes_back_to_the_repository_and_polls_there(
    client_logged_in, repo, fake_github
):
    body = client_logged_in.get(URL).content.decode()
    assert 'action="/u/acme/refresh"' in body
    response = client_logged_in.post("/u/acme/refresh", {"next": URL})
    assert response.status_code == HTTPStatus.FOUND
    job = RefreshJob.objects.get(login="acme")
    assert response["Location"] == f"{URL}?job={job.pk}"
    page = client_logged_in.get(response["Location"]).content.decode()
    assert f'<meta http-equiv="refresh" content="2;url={URL}?job={job.pk}">' in page


def test_refresh_with_htmx_polls_the_repository_page(htmx, repo, fake_github):
    response = htmx.post("/u/acme/refresh", {"next": URL}, target="refresh-status")
    job = RefreshJob.objects.get(login="acme")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="refresh-status"')
    assert f'hx-get="{URL}?job={job.pk}"' in body


def test_a_refresh_that_ended_swaps_in_the_repository_page(htmx, repo, fake_github, committed):
    fake_github.state.add_org("acme", repos=0, id=repo.owner.github_id)
    fake_github.state.add_repo("acme", "rocket", description="Fresh from GitHub.", stars=10)
    with committed():  # the refresh task runs on commit, after the answer
        htmx.post("/u/acme/refresh", {"next": URL}, target="refresh-status")
    job = RefreshJob.objects.get(login="acme")
    assert job.status == "succeeded", job.error
    poll = htmx.get(f"{URL}?job={job.pk}", target="refresh-status")
    assert poll["HX-Retarget"] == "#main-region"
    assert "Fresh from GitHub." in poll.content.decode()
    assert 'id="stars"' in poll.content.decode()


@pytest.mark.parametrize("back", ["https://evil.example/r/x", "//evil.example/r/x", "/u/other"])
def test_refresh_never_goes_back_anywhere_but_a_repository_page(client_logged_in, repo, back):
    response = client_logged_in.post("/u/acme/refresh", {"next": back})
    assert response["Location"].startswith("/u/acme")


def test_a_refresh_in_flight_is_polled_on_the_repository_page(
    client_logged_in, htmx, repo, django_assert_num_queries
):
    from github_stats.services.jobs import refresh_job_create

    job = refresh_job_create(account=repo.owner, login="acme", enqueue=False)
    body = client_logged_in.get(f"{URL}?job={job.pk}").content.decode()
    assert "Refreshing acme from GitHub…" in body
    assert f'hx-get="{URL}?job={job.pk}"' in body
    poll = htmx.get(f"{URL}?job={job.pk}", target="refresh-status")
    assert poll.content.decode().lstrip().startswith('<div id="refresh-status"')
