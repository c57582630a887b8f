"""The fake GitHub's HTTP side: a ThreadingHTTPServer on loopback speaking GitHub's REST and the
GraphQL query the client sends, with ETags, Link pagination and rate-limit headers."""

from __future__ import annotations

import json
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakegithub import render
from tests.fakegithub.answers import (
    Response,
    conditional_answer,
    fault_answer,
    graphql_answer,
    rate_limit_answer,
    repo_list_answer,
)
from tests.fakegithub.contributions import events_answer
from tests.fakegithub.stars import history_answer
from tests.fakegithub.state import FakeAccount, FakeRepo, FakeState, RequestRecord

_LOGGED_HEADERS = (
    "Authorization",
    "Accept",
    "User-Agent",
    "X-GitHub-Api-Version",
    "If-None-Match",
    "If-Modified-Since",
)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    # Headers and body are two writes: with Nagle's algorithm on, every answer on a kept-alive
    # connection after the first waited for the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return  # tests read the request log instead

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        request_json: Any = None
        if raw_body:
            try:
                request_json = json.loads(raw_body)
            except ValueError:
                request_json = None
        logged = {name: self.headers[name] for name in _LOGGED_HEADERS if name in self.headers}

        if method == "GET" and path.startswith("/avatars/u/"):
            # GitHub's avatar host: no token, no rate limit, not an API request.
            ident = path.rsplit("/", 1)[-1]
            self._send_avatar(int(ident) if ident.isdigit() else 0)
            return

        fault = state.take_fault(method, path, query)
        if fault is not None and fault.kind == "disconnect":
            state.record(RequestRecord(method, path, query, 0, logged, False, request_json))
            self.close_connection = True
            self.connection.shutdown(2)  # socket.SHUT_RDWR: the client sees a dropped connection
            return
        if fault is not None and fault.kind == "slow":
            cancelled = state.cancelled
            cancelled.wait(fault.seconds)
            if cancelled.is_set() or state.stopping.is_set():
                self.close_connection = True
                return
            fault = None  # then answer normally, too late for the client's timeout

        resource = "graphql" if path == "/graphql" else "core"
        if fault is not None:
            response = fault_answer(fault)
            counted = False
        elif self._bad_token():
            response = Response(
                401,
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
            )
            counted = False
        else:
            budget = state.budget(resource) if path != "/rate_limit" else None
            if budget is not None and budget.remaining <= 0:
                response = Response(
                    403,
                    {
                        "message": "API rate limit exceeded for 127.0.0.1. (But here's the good "
                        "news: Authenticated requests get a higher rate limit.)",
                        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                    },
                )
                counted = False
            else:
                try:
                    response = self._route(method, path, query, request_json)
                except Exception as exc:  # the fake must never hang a test
                    response = Response(500, {"message": f"fake GitHub error: {exc!r}"})
                response = conditional_answer(
                    response, headers=self.headers, link_on_304=self.server.state.link_on_304
                )
                # GitHub's rule: a 304 does not count against the rate limit.
                counted = response.status != 304 and path != "/rate_limit"
                if counted and budget is not None:
                    cost = int(response.headers.pop("X-Fake-Cost", "1"))
                    with state.lock:
                        budget.used += cost
        if resource == "graphql":
            response.headers.pop("X-Fake-Cost", None)
        # Logged before answering, so a test holding the answer always sees the entry.
        state.record(
            RequestRecord(method, path, query, response.status, logged, counted, request_json)
        )
        if state.latency > 0:
            # GitHub's latency; stop() and reset() cut it short, as they do slow answers.
            state.cancelled.wait(state.latency)
        self._send(response, resource, path)

    # --- routing ----------------------------------------------------------------------------

    def _route(self, method: str, path: str, query: str, body: Any) -> Response:
        state = self.server.state
        segments = [s for s in path.split("/") if s]
        params = dict(parse_qsl(query))
        if method == "POST" and path == "/graphql":
            return graphql_answer(
                self.server.state, body, authorization=self.headers.get("Authorization")
            )
        if method != "GET":
            return Response(404, render.not_found())
        api = self._api_base()
        match segments:
            case ["rate_limit"]:
                return rate_limit_answer(self.server.state)
            case ["users", login]:
                moved = self._moved(login, "/user/{id}")
                if moved:
                    return moved
                account = state.account(login)
                return self._account(account, api)
            case ["user", ident] if ident.isdigit():
                return self._account(state.accounts_by_id.get(int(ident)), api)
            case ["orgs", login]:
                account = state.account(login)
                if account is None or account.kind != "org":
                    return Response(404, render.not_found())
                return Response(
                    200,
                    render.org_json(account, api),
                    conditional=True,
                    last_modified=account.updated_at,
                )
            case ["users", login, "repos"]:
                moved = self._moved(login, "/user/{id}/repos", query)
                if moved:
                    return moved
                return repo_list_answer(state.account(login), params, api)
            case ["orgs", login, "repos"]:
                account = state.account(login)
                return repo_list_answer(
                    account if account and account.kind == "org" else None, params, api
                )
            case ["user", ident, "repos"] if ident.isdigit():
                account = state.accounts_by_id.get(int(ident))
                return repo_list_answer(
                    account if account and account.kind == "user" else None, params, api
                )
            case ["organizations", ident, "repos"] if ident.isdigit():
                account = state.accounts_by_id.get(int(ident))
                return repo_list_answer(
                    account if account and account.kind == "org" else None, params, api
                )
            case ["users", login, "events", "public"]:
                return events_answer(state, state.account(login), params, api)
            case ["orgs", login, "events"]:
                return events_answer(state, state.account(login), params, api, org=True)
            case ["repos", owner, name]:
                moved = self._moved_repo(owner, name, "")
                return moved or self._repo(state.repo(owner, name), api)
            case ["repos", owner, name, "languages"]:
                moved = self._moved_repo(owner, name, "/languages")
                if moved:
                    return moved
                repo = state.repo(owner, name)
                if repo is None:
                    return Response(404, render.not_found())
                return Response(200, dict(repo.languages), conditional=True)
            case ["repos", owner, name, "stargazers", "history"]:
                moved = self._moved_repo(owner, name, "/stargazers/history", query)
                return moved or history_answer(state, state.repo(owner, name), params, api)
            case ["repositories", ident] if ident.isdigit():
                return self._repo(state.repos_by_id.get(int(ident)), api)
            case ["repositories", ident, "stargazers", "history"] if ident.isdigit():
                return history_answer(state, state.repos_by_id.get(int(ident)), params, api)
            case ["repositories", ident, "languages"] if ident.isdigit():
                repo = state.repos_by_id.get(int(ident))
                if repo is None:
                    return Response(404, render.not_found())
                return Response(200, dict(repo.languages), conditional=True)
        return Response(404, render.not_found())

    def _account(self, account: FakeAccount | None, api: str) -> Response:
        if account is None:
            return Response(404, render.not_found())
        return Response(
            200,
            render.account_json(account, api),
            conditional=True,
            last_modified=account.updated_at,
        )

    def _repo(self, repo: FakeRepo | None, api: str) -> Response:
        if repo is None:
            return Response(404, render.not_found())
        return Response(
            200,
            render.repo_json(repo, api, full=True),
            conditional=True,
            last_modified=repo.updated_at,
        )

    def _moved(self, login: str, target: str, query: str = "") -> Response | None:
        state = self.server.state
        if login.lower() in state.accounts:
            return None
        ident = state.renamed.get(login.lower())
        if ident is None:
            return None
        location = self._api_base() + target.format(id=ident) + (f"?{query}" if query else "")
        return Response(
            301,
            {
                "message": "Moved Permanently",
                "url": location,
                "documentation_url": "https://docs.github.com/rest",
            },
            headers={"Location": location},
        )

    def _moved_repo(self, owner: str, name: str, suffix: str, query: str = "") -> Response | None:
        state = self.server.state
        if owner.lower() in state.accounts or owner.lower() not in state.renamed:
            return None
        account = state.accounts_by_id.get(state.renamed[owner.lower()])
        repo = account.repos.get(name.lower()) if account else None
        if repo is None:
            return None
        return self._moved(owner, f"/repositories/{repo.id}{suffix}", query)

    # --- HTTP details -----------------------------------------------------------------------

    def _bad_token(self) -> bool:
        valid = self.server.state.valid_tokens
        header = self.headers.get("Authorization")
        if valid is None or header is None:
            return False
        scheme, _, token = header.partition(" ")
        return scheme.lower() not in {"bearer", "token"} or token not in valid

    def _send(self, response: Response, resource: str, path: str) -> None:
        state = self.server.state
        if response.raw is not None:
            payload = response.raw
        elif response.status == 304 or response.body is None:
            payload = b""
        else:
            payload = json.dumps(response.body).encode()
        self.send_response(response.status, HTTPStatus(response.status).phrase)
        if response.status != 304 and not response.replayed:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if not response.replayed:
            self.send_header("Cache-Control", "private, max-age=60, s-maxage=60")
            self.send_header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding")
            self.send_header("x-github-api-version-selected", "2022-11-28")
        secondary = response.status in (403, 429) and "Retry-After" in response.headers
        if path != "/rate_limit" and not secondary and not response.replayed:
            budget = state.budget(resource)
            self.send_header("X-RateLimit-Limit", str(budget.limit))
            self.send_header("X-RateLimit-Remaining", str(budget.remaining))
            self.send_header("X-RateLimit-Reset", str(budget.reset))
            self.send_header("X-RateLimit-Used", str(budget.used))
            self.send_header("X-RateLimit-Resource", resource)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("X-GitHub-Request-Id", f"FAKE:{time.monotonic_ns():x}")
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _send_avatar(self, ident: int) -> None:
        payload = render.avatar_svg(ident)
        self.send_response(200, "OK")
        self.send_header("Content-Type", "image/svg+xml")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "max-age=300")
        self.end_headers()
        self.wfile.write(payload)

    def _api_base(self) -> str:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: FakeState) -> None:
        super().__init__(address, _Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out (a "slow" fault) has hung up: nothing to report.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeGitHub:
    """`with FakeGitHub() as github: github.url ...`, or start()/stop()."""

    def __init__(
        self, state: FakeState | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.state = state or FakeState()
        self._server = _Server((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGitHub:
        self.state.stopping.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name="fake-github",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command line's way)."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self.state.stopping.set()
            self._server.server_close()

    def stop(self) -> None:
        self.state.stopping.set()
        self.state.cancelled.set()  # cut slow answers short
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset(self) -> None:
        self.state.reset()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
