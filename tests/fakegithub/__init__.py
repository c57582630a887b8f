"""A fake GitHub on loopback for tests, demos and benchmarks (issue 3, section 5).

    with FakeGitHub() as github:
        github.state.add_user("alice", repos=2500)
        github.state.inject("/users/alice", "status", status=502, count=2)
        github.state.latency = 0.1  # every API answer 100 ms late, as GitHub's (default 0)
        client = GitHubClient(base_url=github.url)
        ...
        github.state.total, github.state.quota_counted, github.state.by_path()

From the command line, for an offline demo: `python -m tests.fakegithub --port 8765`, then
run the app with GITHUB_API_URL=http://127.0.0.1:8765.
"""

from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import (
    HOSTILE_SCRIPT,
    HOSTILE_SVG,
    HOSTILE_URL,
    FakeAccount,
    FakeRepo,
    FakeState,
    Fault,
    RequestRecord,
)

__all__ = [
    "HOSTILE_SCRIPT",
    "HOSTILE_SVG",
    "HOSTILE_URL",
    "FakeAccount",
    "FakeGitHub",
    "FakeRepo",
    "FakeState",
    "Fault",
    "RequestRecord",
]
