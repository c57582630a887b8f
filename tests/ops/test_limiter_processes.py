"""The shared request limiter across processes, as production runs it: each child is a Python
of its own (multiprocessing's spawn context) running Django with the test run's Redis cache,
and all of them ask the one fake GitHub of this test. Together they stay inside one bucket, one
concurrency slot, and one secondary limit's consequences (CI; needs the real Redis)."""

from __future__ import annotations

import itertools
import multiprocessing
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from tests.ops.limiter_children import child_init, child_requests
from tests.services import require_redis

pytestmark = pytest.mark.redis

RATE = 10
HIGH = 1_000_000


@pytest.fixture
def token() -> str:
    return f"ghp_processes_{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _redis() -> None:
    require_redis()


def _run(fake_github, *, children: int, **kwargs: Any) -> list[dict[str, Any]]:
    """Fresh processes every time: none of them has seen anything but the shared stores."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(children)
    with ProcessPoolExecutor(
        max_workers=children, mp_context=context, initializer=child_init, initargs=(start,)
    ) as pool:
        futures = [
            pool.submit(child_requests, fake_url=fake_github.url, **kwargs) for _ in range(children)
        ]
        return [future.result(timeout=120) for future in futures]


def _together(fake_github, **kwargs: Any) -> list[dict[str, Any]]:
    results = _run(fake_github, children=2, **kwargs)
    assert len({result["pid"] for result in results}) == 2
    return results


def _alone(fake_github, **kwargs: Any) -> dict[str, Any]:
    return _run(fake_github, children=1, **kwargs)[0]


def test_two_processes_share_one_bucket(fake_github, token):
    fake_github.state.add_user("alice")
    results = _together(
        fake_github,
        token=token,
        count=RATE,
        may_sleep=False,
        overrides={"GITHUB_REST_POINTS_PER_MINUTE": RATE, "GITHUB_CONCURRENT_REQUESTS": 8},
    )
    admitted = sum(result["admitted"] for result in results)
    assert admitted == RATE, results  # of 2 x RATE asked for within the minute
    assert fake_github.state.total == RATE
    refused = [r for result in results for r in result["refused"]]
    assert len(refused) == RATE
    assert all(r["secondary"] for r in refused)
    # Refused until the window's oldest entry is a minute old, not for ever.
    assert all(0 < r["until"] - time.time() <= 61 for r in refused)


def test_one_slot_keeps_two_processes_serial(fake_github, token):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "slow", seconds=0.05, count=None)
    overrides = {"GITHUB_REST_POINTS_PER_MINUTE": HIGH, "GITHUB_CONCURRENT_REQUESTS": 1}
    results = _together(fake_github, token=token, count=8, may_sleep=True, overrides=overrides)
    assert [result["admitted"] for result in results] == [8, 8]
    spans = sorted(span for result in results for span in result["spans"])
    overlapping = [(a, b) for a, b in itertools.pairwise(spans) if b[0] < a[1]]
    assert overlapping == []
    # Both really ran at the same time (else no overlap would prove nothing): each one's
    # requests lie between the other's.
    first, second = ([span[0] for span in result["spans"]] for result in results)
    assert min(first) < max(second)
    assert min(second) < max(first)


def test_two_slots_let_two_processes_overlap(fake_github, token):
    # The check above can see an overlap: with two slots there is one.
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "slow", seconds=0.05, count=None)
    overrides = {"GITHUB_REST_POINTS_PER_MINUTE": HIGH, "GITHUB_CONCURRENT_REQUESTS": 2}
    results = _together(fake_github, token=token, count=8, may_sleep=True, overrides=overrides)
    spans = sorted(span for result in results for span in result["spans"])
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans))


def test_a_secondary_limit_in_one_process_pauses_the_other(fake_github, token):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", retry_after=30)
    overrides = {"GITHUB_REST_POINTS_PER_MINUTE": RATE}
    hit = _alone(fake_github, token=token, count=1, may_sleep=False, overrides=overrides)
    assert hit["admitted"] == 0
    assert fake_github.state.total == 1

    other = _alone(fake_github, token=token, count=1, may_sleep=True, overrides=overrides)
    assert other["pid"] != hit["pid"]
    assert other["admitted"] == 0
    assert other["refused"][0]["secondary"] is True
    assert abs(other["refused"][0]["until"] - hit["refused"][0]["until"]) < 1
    assert fake_github.state.total == 1  # the other process sent nothing


def test_a_secondary_limit_in_one_process_halves_the_others_rate(fake_github, token):
    fake_github.state.add_user("alice")
    # Retry-After 0: no shared pause, so what the other process sees is the halved rate.
    fake_github.state.inject("/users/alice", "secondary", retry_after=0)
    overrides = {"GITHUB_REST_POINTS_PER_MINUTE": RATE}
    hit = _alone(fake_github, token=token, count=1, may_sleep=False, overrides=overrides)
    assert hit["admitted"] == 0

    other = _alone(fake_github, token=token, count=RATE, may_sleep=False, overrides=overrides)
    assert other["pid"] != hit["pid"]
    assert other["slowed"] is True
    # Half of RATE a minute, of which the 403 took one.
    assert other["admitted"] == RATE // 2 - 1
    assert fake_github.state.total == RATE // 2
