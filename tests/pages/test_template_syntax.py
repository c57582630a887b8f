"""Django's `{# … #}` comments end on their own line: one that runs over two lines is printed on
the page as text (it happened: the shared-fragment notes showed under the repository table)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_one_line_comment_runs_over_a_line():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in re.finditer(r"\{#", line)
        if "#}" not in line[match.end() :]
    ]
    assert unclosed == [], "use {% comment %} for notes over several lines"


def test_the_dashboard_and_the_watchlist_show_no_template_syntax(client_logged_in, fake_github):
    fake_github.state.add_user("plain", repos=3)
    with_rows = client_logged_in.get("/u/plain").content.decode()
    client_logged_in.post("/u/plain/track")
    watchlist = client_logged_in.get("/watchlist/").content.decode()
    for body in (with_rows, watchlist):
        assert "{#" not in body
        assert "{%" not in body
