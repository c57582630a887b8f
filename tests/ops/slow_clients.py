"""The slow-client attack (slowloris) against gunicorn started with the production settings file
(config/gunicorn_conf.py) on a free loopback port: a few sockets that each send a request line,
then one header line every few seconds and never finish, while a probe times /health/live.

    .venv/bin/python -m tests.ops.slow_clients --hold 60          # the production workers
    .venv/bin/python -m tests.ops.slow_clients --hold 60 --sync   # the sync workers of before
    .venv/bin/python -m tests.ops.slow_clients --hold 60 --clients 40 --nginx   # docs/nginx.conf

tests/ops/test_slow_clients.py runs the same with a shorter hold. Traffic goes to 127.0.0.1
only, and every loop stops by itself at the end of the hold."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn_conf.py"
NGINX_EXAMPLE = ROOT / "docs" / "nginx.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
PROBE_TIMEOUT = 15.0
# The proxy's certificate is a throwaway one: the probes and the attackers do not check it.
_TLS = ssl.create_default_context()
_TLS.check_hostname = False
_TLS.verify_mode = ssl.CERT_NONE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def probe(port: int, *, timeout: float = PROBE_TIMEOUT, tls: bool = False) -> float:
    """Seconds /health/live took to answer 200 on a new connection (inf: it did not)."""
    started = time.monotonic()
    conn: http.client.HTTPConnection
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=_TLS)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/health/live", headers={"Connection": "close"})
        if conn.getresponse().status != 200:
            return float("inf")
    except OSError:
        return float("inf")
    finally:
        conn.close()
    return time.monotonic() - started


@contextmanager
def gunicorn(*extra: str) -> Iterator[int]:
    """gunicorn with the production settings file, bound to a free loopback port instead of
    0.0.0.0 (command-line options win over the file); yields the port once it answers."""
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="gitpulse-slow-clients-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "PROMETHEUS_MULTIPROC_DIR"}
        and not key.startswith("PG")
    }
    # /health/live needs no store: a throwaway SQLite file keeps the shared PostgreSQL out of it.
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.development",
        DJANGO_DEBUG="0",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        WEB_CONCURRENCY="2",
    )
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "config.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *extra]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while probe(port, timeout=2) == float("inf"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start ({command})")
            time.sleep(0.2)
        yield port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class SlowClients:
    """`count` sockets sending one header line every `interval` seconds for `hold` seconds."""

    port: int
    count: int = 4
    interval: float = 3.0
    hold: float = 60.0
    tls: bool = False
    sent_lines: int = 0
    cut_off: int = 0  # sockets the server closed on us before the hold ended
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def _drip(self, index: int) -> None:
        deadline = time.monotonic() + self.hold
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            sock = _TLS.wrap_socket(raw) if self.tls else raw
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            line = 0
            while time.monotonic() < deadline and not self.stop.wait(self.interval):
                try:
                    sock.sendall(f"X-Slow-{index}-{line}: x\r\n".encode())
                except OSError:
                    self.cut_off += 1  # the server gave up on us: that is a defence too
                    return
                line += 1
                self.sent_lines += 1

    def __enter__(self) -> SlowClients:
        for index in range(self.count):
            thread = threading.Thread(target=self._drip, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)
        time.sleep(0.5)  # every socket connected and sent its first bytes
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=self.interval + 5)


@dataclass(frozen=True)
class Attack:
    latencies: list[float]  # of each probe, inf when unanswered
    header_lines: int  # sent by the slow clients: they really held their sockets
    cut_off: int  # slow clients the server disconnected

    @property
    def worst(self) -> float:
        return max(self.latencies)


def attack(
    port: int,
    *,
    hold: float,
    count: int = 4,
    interval: float = 3.0,
    every: float = 2.0,
    tls: bool = False,
) -> Attack:
    """Probe /health/live every `every` seconds while the slow clients hold their sockets."""
    latencies = []
    clients = SlowClients(port=port, count=count, interval=interval, hold=hold, tls=tls)
    with clients:
        deadline = time.monotonic() + hold
        while time.monotonic() < deadline:
            latencies.append(probe(port, tls=tls))
            time.sleep(every)
    return Attack(latencies=latencies, header_lines=clients.sent_lines, cut_off=clients.cut_off)


@contextmanager
def nginx_in_front(upstream_port: int) -> Iterator[int]:
    """docs/nginx.conf, run for real in front of gunicorn: its listeners moved to free loopback
    ports, its upstream to `upstream_port`, a throwaway certificate. Yields the HTTPS port."""
    assert NGINX is not None
    workdir = Path(tempfile.mkdtemp(prefix="gitpulse-nginx-"))
    https_port, http_port = _free_port(), _free_port()
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    text = NGINX_EXAMPLE.read_text()
    text = re.sub(r"(?m)^\s*listen \[::\].*\n", "", text)
    text = text.replace("listen 80 ", f"listen 127.0.0.1:{http_port} ")
    text = text.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    text = text.replace("/etc/ssl/gitpulse/fullchain.pem", str(cert))
    text = text.replace("/etc/ssl/gitpulse/privkey.pem", str(key))
    (workdir / "nginx.conf").write_text(text)
    command = [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf"),
               "-e", str(workdir / "error.log"),
               "-g", f"daemon off; pid {workdir}/nginx.pid;"]  # fmt: skip
    server = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while probe(https_port, timeout=2, tls=True) == float("inf"):
            if server.poll() is not None or time.monotonic() > deadline:
                log = workdir / "error.log"
                raise RuntimeError(f"nginx did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield https_port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # nginx's fast shutdown, workers included
            server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold", type=float, default=60.0, help="seconds the sockets are held")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between lines")
    # gunicorn turns sync into gthread when threads > 1, so sync needs --threads 1 as well.
    parser.add_argument("--sync", action="store_true", help="sync workers, as before")
    parser.add_argument("--nginx", action="store_true", help="behind docs/nginx.conf")
    args = parser.parse_args()
    extra = ("--worker-class", "sync", "--threads", "1") if args.sync else ()
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(gunicorn(*extra))
        if args.nginx:
            port = stack.enter_context(nginx_in_front(port))
        result = attack(
            port, hold=args.hold, count=args.clients, interval=args.interval, tls=args.nginx
        )
    found = result.latencies
    answered = sorted(x for x in found if x != float("inf"))
    kind = ("sync" if args.sync else "gthread") + (" behind nginx" if args.nginx else "")
    print(
        f"{args.clients} slow clients for {args.hold:.0f} s ({kind}): "
        f"{len(found)} probes, {len(found) - len(answered)} unanswered within "
        f"{PROBE_TIMEOUT:.0f} s, max {max(found):.3f} s, median "
        f"{answered[len(answered) // 2] if answered else float('inf'):.3f} s; "
        f"{result.header_lines} slow header lines sent, {result.cut_off} clients cut off"
    )


if __name__ == "__main__":
    main()
