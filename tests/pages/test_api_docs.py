"""Issue 15, item 8: the API docs follow the colour scheme with a stylesheet of ours, and lead
back to the site."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

STATIC = Path(settings.BASE_DIR) / "static" / "css"


def test_the_docs_page_links_our_dark_aware_stylesheet_and_the_site(db):
    html = Client().get("/api/v1/docs").content.decode()
    assert 'href="/static/css/api-docs.css"' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html  # vendored: CSP 'self', no CDN
    assert 'href="/">← Gitpulse</a>' in html
    assert "cdn" not in html.lower()
    assert "prefers-color-scheme: dark" in (STATIC / "api-docs.css").read_text()


def test_the_docs_colours_are_the_sites_tokens():
    docs = (STATIC / "api-docs.css").read_text()
    app = (STATIC / "app.css").read_text()
    light_app, dark_app = app.split("@media (prefers-color-scheme: dark)", 1)
    light_docs, dark_docs = docs.split("@media (prefers-color-scheme: dark)", 1)
    for name in ("bg", "surface", "border", "text", "accent"):
        pattern = rf"--color-{name}:\s*(#\w+)"
        docs_pattern = rf"--docs-{name}:\s*(#\w+)"
        assert re.search(docs_pattern, light_docs)[1] == re.search(pattern, light_app)[1]
        assert re.search(docs_pattern, dark_docs)[1] == re.search(pattern, dark_app)[1]
