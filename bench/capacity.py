"""`bench/load.py --find-capacity`: the highest sustained request rate at which p95 stays under
a bound with no errors, found by an open-loop load (requests leave on a fixed schedule whatever
the server does, and each latency counts from when its request was due, so a server that falls
behind is charged for the queue it builds: no coordinated omission).

The steps grow by half until one fails (p95 over the bound, or any error), then the gap between
the last pass and the first failure is halved a few times.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.harness import percentile

CLIENT_THREADS = 64


@dataclass(frozen=True)
class Step:
    rate: float  # requests per second asked for
    requests: int
    p50_ms: float
    p95_ms: float
    errors: int  # non-2xx answers and failed connections (a 10 s timeout is one)
    # How far behind its schedule the load generator ended (it shares the machine). Printed,
    # not judged by passed(): its own lag counts in the latencies (each from when its request
    # was due), so a generator that cannot keep up can fail a step on p95, never pass one.
    client_lag_s: float

    def passed(self, *, p95_bound_ms: float) -> bool:
        return self.errors == 0 and self.p95_ms < p95_bound_ms


def requests_mix(login: str) -> list[tuple[str, str]]:
    """What a signed-in person asks for (shared with the closed-loop load)."""
    return [
        ("dashboard", f"/u/{login}"),
        ("dashboard", f"/u/{login}"),
        ("watchlist", "/watchlist/"),
        ("api_account", f"/api/v1/accounts/{login}"),
        ("api_repos", f"/api/v1/accounts/{login}/repos"),
        ("api_watchlist", "/api/v1/watchlist"),
    ]


def run_step(base: str, people: list[list[str]], *, rate: float, duration: float) -> Step:
    import requests

    local = threading.local()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    rng = random.Random(int(rate * 1000))

    def one(due_at: float, session_key: str, path: str) -> None:
        nonlocal errors
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        try:
            # Each person is one browser: its session cookie and its own CSRF cookie (a fixed
            # secret, as a browser keeps the one it was given; cached pages are per browser).
            cookies = {"sessionid": session_key, "csrftoken": session_key[:32].ljust(32, "0")}
            status = http.get(
                base + path, cookies=cookies, timeout=10, allow_redirects=False
            ).status_code
        except requests.RequestException:
            status = 0
        took = time.perf_counter() - due_at
        with lock:
            latencies.append(took * 1000)
            errors += 0 if 200 <= status < 300 else 1

    count = int(rate * duration)
    started = time.perf_counter() + 0.5
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        for index in range(count):
            due_at = started + index / rate
            time.sleep(max(0.0, due_at - time.perf_counter()))
            session_key, logins = people[index % len(people)]
            _kind, path = rng.choice(requests_mix(rng.choice(logins.split(","))))
            pool.submit(one, due_at, session_key, path)
        lag = max(0.0, time.perf_counter() - (started + (count - 1) / rate))
    return Step(
        rate=rate,
        requests=count,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        errors=errors,
        client_lag_s=lag,
    )


def find_capacity(
    base: str,
    people: list[list[str]],
    *,
    start: float,
    step_seconds: float,
    p95_bound_ms: float,
    report,
) -> float:
    """The highest rate that passed (0 if even `start` failed); each step goes to `report`
    (with None for the warm-up)."""

    def measure(rate: float) -> bool:
        step = run_step(base, people, rate=rate, duration=step_seconds)
        report(step, step.passed(p95_bound_ms=p95_bound_ms))
        return step.passed(p95_bound_ms=p95_bound_ms)

    # Warm-up, not judged: each gunicorn worker's first requests load templates and code, and
    # the response cache starts empty.
    report(run_step(base, people, rate=start / 2, duration=step_seconds), None)
    passed, failed = 0.0, None
    rate = start
    while failed is None and rate <= 5000:
        if measure(rate):
            passed, rate = rate, round(rate * 1.5)
        else:
            failed = rate
    if failed is None:
        return passed
    for _ in range(3):
        middle = round((passed + failed) / 2)
        if middle in (passed, failed):
            break
        if measure(middle):
            passed = middle
        else:
            failed = middle
    return passed
