"""`python -m tests.fakegithub --port 8765 [--seed demo] [--user alice:120] [--org acme:300]
[--missing nobody] [--core-limit 5000] [--latency-ms 0]`

Serves until interrupted. Any other login is generated on first request (deterministic by
login; logins ending in "-org" are organisations), so the app can be demonstrated offline with
GITHUB_API_URL=http://127.0.0.1:8765.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from tests.fakegithub import render
from tests.fakegithub.records import FakeAccount
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import FakeState


def _account(value: str) -> tuple[str, int]:
    login, _, count = value.partition(":")
    return login, int(count or 30)


def _full_profile(account: FakeAccount) -> None:
    """The accounts a demo names show every part of the profile header."""
    login = account.login
    account.name = account.name or login.replace("-", " ").title()
    account.bio = account.bio or f"{account.name} builds small, sharp tools for developers."
    account.company = account.company or "@acme-org"
    account.location = account.location or "Berlin"
    account.blog = account.blog or f"https://{login.lower()}.example.org"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakegithub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", default="gitpulse")
    parser.add_argument("--user", action="append", type=_account, default=[], metavar="LOGIN:REPOS")
    parser.add_argument("--org", action="append", type=_account, default=[], metavar="LOGIN:REPOS")
    parser.add_argument("--hostile", action="append", default=[], metavar="LOGIN",
                        help="a user whose texts are <script>/SVG payloads")  # fmt: skip
    parser.add_argument("--no-autocreate", action="store_true", help="unknown logins are 404")
    parser.add_argument("--missing", action="append", default=[], metavar="PREFIX",
                        help="logins starting with PREFIX are 404 (the demo: nobody)")  # fmt: skip
    parser.add_argument("--core-limit", type=int, default=5000, metavar="N",
                        help="core requests an hour (the demo backfills star history)")  # fmt: skip
    parser.add_argument("--latency-ms", type=int, default=0, metavar="MS",
                        help="every API answer waits this long (GitHub's latency)")  # fmt: skip
    args = parser.parse_args(argv)

    render.AVATARS_FROM_SELF = True  # a demo must not fetch pictures from the internet
    state = FakeState(
        seed=args.seed,
        autocreate=not args.no_autocreate,
        missing=tuple(args.missing),
        latency=args.latency_ms / 1000,
    )
    state.limits["core"] = args.core_limit
    for login, repos in args.user:
        _full_profile(state.add_user(login, repos=repos))
    for login, repos in args.org:
        _full_profile(state.add_org(login, repos=repos))
    for login in args.hostile:
        state.add_user(login, repos=6, hostile=True)
    github = FakeGitHub(state, host=args.host, port=args.port)
    print(f"Fake GitHub on {github.url} (GITHUB_API_URL={github.url}); Ctrl-C to stop.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        github.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
