"""The deploy files (Dockerfile, docker-compose.yml, .env.example, .ci/run, gunicorn's settings,
docs/nginx.conf) and the docs of the configuration. No Docker engine runs on these machines, so
the files are checked by parsing them, by `docker-compose config` where that tool is installed,
by `nginx -t`, and by running the parts of the image build that need no engine (collectstatic
with production settings, the health probe)."""

import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.services import require

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_SERVICES = (*APP_SERVICES, "postgres", "redis")
# Read by docker-compose.yml, not by Django.
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD",
    "POSTGRES_USER",
    "POSTGRES_DB",
    "WEB_PORT",
    "WEB_CONCURRENCY",
    "WORKER_CONCURRENCY",
}


# --- helpers ----------------------------------------------------------------------------------
def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def _final_stage() -> list[tuple[str, str]]:
    instructions = _dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def _healthcheck_code() -> str:
    """The Python one-liner of the Dockerfile's HEALTHCHECK (exec form, `python -c CODE`)."""
    (args,) = [args for keyword, args in _final_stage() if keyword == "HEALTHCHECK"]
    command = json.loads(args[args.index("CMD") + len("CMD") :].strip())
    assert command[:2] == ["python", "-c"]
    return command[2]


def _settings_env_names(*, test_settings: bool = False) -> set[str]:
    """Every environment variable our code reads by name; with test_settings, those that only
    the test settings read."""
    pattern = re.compile(
        r"""(?:env_(?:str|bool|int|list|required)\(\s*|os\.environ(?:\.get)?[\[(]\s*|"""
        r"""os\.getenv\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
    )
    test_module = ROOT / "config" / "settings" / "test.py"
    names: set[str] = set()
    for package in ("config", "accounts", "github_stats"):
        for path in (ROOT / package).rglob("*.py"):
            if (path == test_module) == test_settings:
                names.update(pattern.findall(path.read_text()))
    return names - {"DJANGO_SETTINGS_MODULE"}


def _clean_env(**extra: str) -> dict[str, str]:
    """A process environment like a container build's: none of this machine's settings."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(extra)
    return env


# --- docker-compose.yml -----------------------------------------------------------------------
def test_compose_has_every_service_with_a_healthcheck():
    services = _compose()["services"]
    for name in REQUIRED_SERVICES:
        assert name in services, f"docker-compose.yml lacks the {name} service"
        healthcheck = services[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
        assert healthcheck.get("test"), f"{name}'s healthcheck has no test"


def test_compose_app_services_share_the_image_and_env_file():
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service.get("build") == ".", f"{name} is not built from the Dockerfile"
        assert service.get("env_file") in (".env", [".env"]), f"{name} does not read .env"
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")


def test_compose_app_services_wait_for_healthy_stores():
    services = _compose()["services"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for store in ("postgres", "redis"):
            assert depends_on[store] == {"condition": "service_healthy"}, (name, store)
        # Migrations run once, before web, worker and beat touch the database.
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"][-3:] == ["manage.py", "migrate", "--noinput"]


def test_compose_processes():
    services = _compose()["services"]
    worker = services["worker"]["command"]
    beat = services["beat"]["command"]
    assert worker[:4] == ["celery", "-A", "config", "worker"]
    assert beat[:4] == ["celery", "-A", "config", "beat"]
    assert "--scheduler=django_celery_beat.schedulers:DatabaseScheduler" in beat
    # web runs the image's CMD (gunicorn), so the compose file must not replace it.
    assert "command" not in services["web"]
    assert any(str(port).endswith(":8000") for port in services["web"]["ports"])
    # The same probe as the image's HEALTHCHECK, which the test below runs for real.
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "-c", _healthcheck_code()]


def test_compose_publishes_gunicorn_on_loopback_only():
    # Published on every interface, gunicorn would face slow clients without the proxy's
    # buffering (issue 14, slowloris); and nothing else of ours may be published at all.
    services = _compose()["services"]
    for port in services["web"]["ports"]:
        host_ip, _, rest = str(port).partition(":")
        assert host_ip == "127.0.0.1", port
        assert rest.endswith(":8000"), port
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["web"]


def test_compose_redis_never_evicts_and_stores_keep_named_volumes():
    compose = _compose()
    services = compose["services"]
    redis_command = services["redis"]["command"]
    redis_command = redis_command if isinstance(redis_command, str) else " ".join(redis_command)
    assert re.search(r"--maxmemory-policy\s+noeviction", redis_command)

    named_volumes = set(compose["volumes"])
    for store, mount in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        volumes = dict(volume.split(":", 1) for volume in services[store]["volumes"])
        source = next(source for source, target in volumes.items() if target == mount)
        assert source in named_volumes, f"{store} data is not on a named volume"
    assert services["postgres"]["image"].split(":")[1].startswith(("15", "16"))


def test_docker_compose_config_accepts_the_file(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        # Not one of the CI services: skipping here is right even when CI is set.
        pytest.skip("docker-compose is not installed; the YAML checks above still ran")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    # The example as a user would fill it in: every blank required value given one.
    env_text = (ROOT / ".env.example").read_text()
    env_text = re.sub(r"(?m)^DJANGO_SECRET_KEY=$", "DJANGO_SECRET_KEY=compose-check", env_text)
    env_text = re.sub(r"(?m)^POSTGRES_PASSWORD=$", "POSTGRES_PASSWORD=compose-check", env_text)
    (tmp_path / ".env").write_text(env_text)

    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(REQUIRED_SERVICES) <= set(resolved["services"])
    assert resolved["services"]["web"]["environment"]["DATABASE_URL"] == (
        "postgres://gitpulse:compose-check@postgres:5432/gitpulse"
    )
    assert resolved["services"]["web"]["ports"] == ["127.0.0.1:8000:8000/tcp"]


def test_the_example_proxy_config_passes_nginx_t(tmp_path):
    """docs/nginx.conf, the buffering TLS proxy docs/deployment.md puts in front of gunicorn,
    checked by nginx itself with a throwaway certificate in place of the real one."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    openssl = shutil.which("openssl")
    # .ci/run installs nginx-light, so CI fails rather than skips without it.
    require(nginx is not None and openssl is not None, "no nginx (apt-get install nginx-light)")
    assert nginx is not None
    assert openssl is not None
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=gitpulse.example.com", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    text = (ROOT / "docs" / "nginx.conf").read_text()
    assert "proxy_pass http://gitpulse;" in text
    assert "server 127.0.0.1:8000;" in text
    assert re.search(r"(?m)^\s*client_header_timeout \d+s;", text)
    assert re.search(r"(?m)^\s*proxy_request_buffering on;", text)
    text = text.replace("/etc/ssl/gitpulse/fullchain.pem", str(cert))
    text = text.replace("/etc/ssl/gitpulse/privkey.pem", str(key))
    (tmp_path / "nginx.conf").write_text(text)

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_env_example_leaves_secrets_blank():
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    # A placeholder secret would end up in production; a blank one fails loudly instead.
    assert values["DJANGO_SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    assert values["HEADLESS_JWT_PRIVATE_KEY"] == ""


# --- Dockerfile -------------------------------------------------------------------------------
def test_dockerfile_is_multi_stage_on_python_311_slim():
    froms = [args for keyword, args in _dockerfile_instructions() if keyword == "FROM"]
    assert len(froms) >= 2, "the Dockerfile is not multi-stage"
    assert re.match(r"python:3\.11-slim\S*\s+AS\s+builder", froms[0], re.IGNORECASE)
    assert froms[-1].split()[0].startswith("python:3.11-slim")
    final = _final_stage()
    assert any(
        keyword == "COPY" and args.startswith("--from=builder") for keyword, args in final
    ), "the final stage does not take its virtualenv from the builder"


def test_dockerfile_runs_as_a_non_root_user():
    users = [args for keyword, args in _final_stage() if keyword == "USER"]
    assert users, "the final stage has no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_serves_production_with_gunicorn_and_collected_static():
    final = _final_stage()
    env = " ".join(args for keyword, args in final if keyword == "ENV")
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in env
    runs = [args for keyword, args in final if keyword == "RUN"]
    assert any("manage.py collectstatic --noinput" in run for run in runs)
    (cmd,) = [args for keyword, args in final if keyword == "CMD"]
    command = " ".join(json.loads(cmd))
    assert "exec gunicorn -c config/gunicorn_conf.py --bind 0.0.0.0:${PORT} " in command
    assert command.rstrip('"').endswith(" config.wsgi:application")
    assert "/health/live" in _healthcheck_code()


def test_gunicorn_settings_use_threads_that_slow_clients_cannot_all_hold(monkeypatch):
    """The file the image's CMD passes to gunicorn (tests/ops/test_slow_clients.py runs it
    under attack): threaded workers, more threads per worker than the attack's 4 sockets."""
    for name in ("WEB_CONCURRENCY", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn_conf.py"))
    assert conf["worker_class"] == "gthread"
    assert conf["workers"] == 2
    assert conf["threads"] > 4
    assert conf["worker_connections"] > conf["threads"]  # room for kept-alive connections
    assert 0 < conf["keepalive"] < conf["timeout"] <= 30
    assert conf["accesslog"] is None
    assert "bind" not in conf  # the CMD binds $PORT; tests bind loopback


def test_dockerfile_copies_only_files_that_exist():
    for keyword, args in _dockerfile_instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        sources = [part for part in args.split()[:-1] if not part.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the project"


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".git", "db.sqlite3"} <= ignored


def test_collectstatic_works_as_in_the_image_build(tmp_path):
    """The image's collectstatic step, with the exact environment its RUN line gives it."""
    (run,) = [
        args for keyword, args in _final_stage() if keyword == "RUN" and "collectstatic" in args
    ]
    words = shlex.split(run)
    build_env = dict(word.split("=", 1) for word in words[: words.index("python")])
    script = (
        "import sys, django; django.setup(); from django.conf import settings; "
        "settings.STATIC_ROOT = sys.argv[1]; from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        env=_clean_env(DJANGO_SETTINGS_MODULE="config.settings.production", **build_env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "css/app.css" in manifest
    assert any(path.startswith("django_htmx/") for path in manifest)
    assert (tmp_path / (manifest["css/app.css"] + ".gz")).exists(), "whitenoise did not compress"


def test_image_health_probe_passes_on_a_live_server_and_fails_without_one(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    probe = [sys.executable, "-c", _healthcheck_code()]
    ok = subprocess.run(
        probe,
        env=_clean_env(PORT=port, DJANGO_ALLOWED_HOSTS="*,.localhost"),
        timeout=30,
        check=False,
    )
    assert ok.returncode == 0

    # Port 9 on loopback is closed: the probe must report unhealthy, not hang.
    down = subprocess.run(
        probe, env=_clean_env(PORT="9"), capture_output=True, timeout=30, check=False
    )
    assert down.returncode != 0


# --- configuration docs -----------------------------------------------------------------------
def test_every_environment_variable_is_documented():
    names = _settings_env_names()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= names
    env_example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    missing_example = sorted(
        name for name in names if not re.search(rf"(?m)^#?\s*{name}=", env_example)
    )
    missing_readme = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing_example, f"not in .env.example: {missing_example}"
    assert not missing_readme, f"not in README.md's configuration table: {missing_readme}"


def test_no_documented_variable_is_stale():
    """What the docs list is what the code reads (plus docker-compose's own variables)."""
    read = _settings_env_names() | _settings_env_names(test_settings=True) | COMPOSE_ONLY
    env_example = set(
        re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text())
    )
    table = set(re.findall(r"(?m)^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "README.md").read_text()))
    assert not env_example - read, f".env.example lists unknown: {sorted(env_example - read)}"
    assert not table - read, f"README's table lists unknown: {sorted(table - read)}"


def test_test_only_environment_variables_are_documented():
    readme = (ROOT / "README.md").read_text()
    missing = sorted(
        name for name in _settings_env_names(test_settings=True) if f"`{name}`" not in readme
    )
    assert not missing, f"variables of config/settings/test.py not in README.md: {missing}"


# --- Makefile and CI --------------------------------------------------------------------------
def test_makefile_has_the_documented_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "install", "lint"):
        assert re.search(rf"(?m)^{target}:", makefile), f"make {target} is missing"
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme


def test_ci_script_is_valid_bash_and_cleans_up():
    script = ROOT / ".ci" / "run"
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = script.read_text()
    assert "set -euo pipefail" in text
    assert re.search(r"(?m)^trap cleanup EXIT$", text)
    assert "maxmemory-policy noeviction" in text
    for stage in ("make lint", "make test"):
        assert stage in text
