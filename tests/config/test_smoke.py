from http import HTTPStatus


def test_landing_page_is_public(client, db):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert b"The pulse of any GitHub account" in response.content


def test_landing_page_previews_the_product_with_an_image_that_exists(client, db):
    from pathlib import Path

    from django.conf import settings

    body = client.get("/").content.decode()
    assert '<img src="/static/img/preview-dashboard.png"' in body
    assert 'alt="An account' in body
    assert (
        Path(settings.BASE_DIR) / "static" / "img" / "preview-dashboard.png"
    ).stat().st_size > 10_000


def test_live_health_answers_without_login(client):
    response = client.get("/health/live")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
