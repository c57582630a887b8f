"""`make demo` runs the development settings with DJANGO_DEBUG=0: a visitor meets the site's own
404 page (not Django's debug page listing every URL), and the static files still come from
static/ without collectstatic."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
css = client.get("/static/css/app.css")
print(json.dumps({
    "missing": missing.status_code,
    "site_page": "Page not found" in missing.content.decode(),
    "debug_page": "Using the URLconf" in missing.content.decode(),
    "css": css.status_code,
}))
"""


def _probe(tmp_path: Path, **env: str) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "REDIS_URL": "",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_shows_the_sites_404_page_and_serves_static_files(tmp_path):
    seen = _probe(tmp_path, DJANGO_DEBUG="0")
    assert seen == {"missing": 404, "site_page": True, "debug_page": False, "css": 200}


def test_make_run_keeps_djangos_debug_pages(tmp_path):
    seen = _probe(tmp_path, DJANGO_DEBUG="1")
    assert seen["debug_page"] is True
    assert seen["css"] == 200


def test_the_demo_target_turns_debug_off():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    assert "demo: export DJANGO_DEBUG = 0" in makefile
