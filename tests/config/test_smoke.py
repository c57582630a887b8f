from http import HTTPStatus


def test_landing_page_is_public(client, db):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert b"The pulse of any GitHub account" in response.content


def test_live_health_answers_without_login(client):
    response = client.get("/health/live")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
