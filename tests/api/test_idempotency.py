"""Idempotency-Key on POST and PUT: a repeat gets the first response and the work is not done
again; the same key on a different request is a 409."""

import time
from http import HTTPStatus

import pytest

from github_stats.models import RefreshJob, Tracking
from tests.pages.factories import GitHubAccountFactory

REFRESH = "/api/v1/accounts/{login}/refresh"


@pytest.fixture
def accounts(db):
    return GitHubAccountFactory(login="octocat"), GitHubAccountFactory(login="hubot")


def test_a_repeated_refresh_returns_the_first_response_without_a_second_job(
    api, accounts, fake_github, django_capture_on_commit_callbacks
):
    headers = {"Idempotency-Key": "refresh-octocat-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/accounts/octocat/refresh", headers=headers)
    # The first job has finished, so without the key a second request would start a new one.
    assert RefreshJob.objects.get().is_finished
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post("/api/v1/accounts/octocat/refresh", headers=headers)
    assert again.status_code == first.status_code == HTTPStatus.ACCEPTED
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert RefreshJob.objects.count() == 1


def test_the_same_key_on_a_different_request_is_409(api, accounts, fake_github):
    headers = {"Idempotency-Key": "key-1"}
    assert api.post("/api/v1/accounts/octocat/refresh", headers=headers).status_code == 202
    response = api.post("/api/v1/accounts/hubot/refresh", headers=headers)
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"] == "idempotency_key_reused"
    assert not RefreshJob.objects.filter(login="hubot").exists()


def test_keys_are_per_user(api, api_for, accounts, fake_github):
    headers = {"Idempotency-Key": "shared-key"}
    api.put("/api/v1/watchlist/octocat", headers=headers)
    response = api_for().put("/api/v1/watchlist/hubot", headers=headers)
    assert response.status_code == HTTPStatus.OK
    assert "Idempotent-Replayed" not in response
    assert Tracking.objects.count() == 2


def test_a_repeated_put_replays_the_first_response(api, user, accounts):
    headers = {"Idempotency-Key": "watch-octocat"}
    first = api.put("/api/v1/watchlist/octocat", headers=headers)
    Tracking.objects.filter(user=user).delete()
    again = api.put("/api/v1/watchlist/octocat", headers=headers)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert not Tracking.objects.filter(user=user).exists()  # the work was not done again


def test_an_error_answer_is_replayed_too(api, accounts):
    headers = {"Idempotency-Key": "watch-nobody"}
    first = api.put("/api/v1/watchlist/nobody", headers=headers)
    assert first.status_code == HTTPStatus.NOT_FOUND
    assert api.put("/api/v1/watchlist/nobody", headers=headers)["Idempotent-Replayed"] == "true"


def test_a_malformed_key_is_422_naming_the_header(api, accounts):
    response = api.put("/api/v1/watchlist/octocat", headers={"Idempotency-Key": "has space"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Idempotency-Key" in response.json()["message"]


def test_a_3_mb_body_with_a_key_is_413_and_queues_nothing(api, accounts, fake_github):
    headers = {"Idempotency-Key": "big-body"}
    response = api.post(
        "/api/v1/accounts/octocat/refresh",
        data=b"x" * (3 * 1024 * 1024),
        content_type="application/octet-stream",
        headers=headers,
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"] == "payload_too_large"
    assert not RefreshJob.objects.exists()
    # Nothing was remembered or left locked: the key still works for a proper request.
    assert api.post("/api/v1/accounts/octocat/refresh", headers=headers).status_code == 202


def test_a_body_just_over_the_limit_is_refused_before_it_is_read(api, accounts):
    from config.idempotency import MAX_BODY_BYTES

    response = api.put(
        "/api/v1/watchlist/octocat",
        data=b"x" * (MAX_BODY_BYTES + 1),
        content_type="application/octet-stream",
        headers={"Idempotency-Key": "just-over"},
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert not Tracking.objects.exists()


def test_a_record_is_forgotten_after_its_lifetime(api, user, accounts, settings):
    settings.API_IDEMPOTENCY_TTL = 1
    headers = {"Idempotency-Key": "short-lived"}
    api.put("/api/v1/watchlist/octocat", headers=headers)
    time.sleep(1.2)
    assert "Idempotent-Replayed" not in api.put("/api/v1/watchlist/octocat", headers=headers)


def test_records_live_an_hour_by_default():
    # What README and the header's description promise; the records sit in the never-evicting
    # Redis, so a longer life is memory nobody can reclaim.
    from config.settings import base

    assert base.API_IDEMPOTENCY_TTL == 60 * 60


def test_a_response_too_large_to_keep_is_served_but_not_remembered(api, accounts, monkeypatch):
    monkeypatch.setattr("config.idempotency.MAX_RECORD_BYTES", 10)
    headers = {"Idempotency-Key": "large-answer"}
    assert api.put("/api/v1/watchlist/octocat", headers=headers).status_code == HTTPStatus.OK
    again = api.put("/api/v1/watchlist/octocat", headers=headers)
    assert again.status_code == HTTPStatus.OK
    assert "Idempotent-Replayed" not in again
