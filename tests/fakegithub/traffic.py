"""What FakeState knows of the traffic: injected faults, the rate-limit budget and the
request log. A mixin of FakeState (tests/fakegithub/state.py), whose lock guards it all."""

from __future__ import annotations

import fnmatch
import threading
import time
from collections import Counter
from typing import Any

from tests.fakegithub.records import Budget, Fault, FaultKind, RequestRecord


class Traffic:
    lock: threading.RLock
    faults: list[Fault]
    budgets: dict[str, Budget]
    limits: dict[str, int]
    log: list[RequestRecord]

    # --- faults -----------------------------------------------------------------------------

    def inject(
        self,
        pattern: str,
        kind: FaultKind,
        *,
        count: int | None = 1,
        method: str | None = None,
        status: int | None = None,
        seconds: float = 2.0,
        retry_after: int | None = None,
        body: str = "",
    ) -> Fault:
        """Break the next `count` requests whose path (or path?query) matches the fnmatch
        `pattern`. kinds: status (a 5xx by default), slow (answers after `seconds`),
        malformed (truncated JSON), body (any body), secondary (403 secondary limit, with
        Retry-After when given; status=429 for a 429), not_found, disconnect."""
        default_status = {"secondary": 403, "not_found": 404, "malformed": 200, "body": 200}
        fault = Fault(
            pattern=pattern,
            kind=kind,
            remaining=count,
            method=method,
            status=status or default_status.get(kind, 500),
            seconds=seconds,
            retry_after=retry_after,
            body=body,
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def replay(
        self,
        pattern: str,
        *,
        status: int,
        headers: dict[str, str],
        body: Any,
        count: int | None = 1,
        method: str | None = None,
    ) -> Fault:
        """Answer the next `count` matching requests with a recorded response, headers and
        all (see ../shared/github-recordings); no synthetic rate-limit headers are added."""
        fault = Fault(
            pattern=pattern,
            kind="replay",
            remaining=count,
            method=method,
            status=status,
            headers=dict(headers),
            json_body=body,
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str, query: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining == 0 or (fault.method and fault.method != method):
                    continue
                full = f"{path}?{query}" if query else path
                if fnmatch.fnmatchcase(path, fault.pattern) or fnmatch.fnmatchcase(
                    full, fault.pattern
                ):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
        return None

    # --- rate limits ------------------------------------------------------------------------

    def budget(self, resource: str) -> Budget:
        """The current window's budget; a past reset opens a new window (GitHub's hour)."""
        with self.lock:
            now = int(time.time())
            budget = self.budgets.get(resource)
            if budget is None or budget.reset <= now:
                budget = Budget(limit=self.limits.get(resource, 5000), used=0, reset=now + 3600)
                self.budgets[resource] = budget
            return budget

    def set_quota(
        self,
        *,
        resource: str = "core",
        remaining: int | None = None,
        limit: int | None = None,
        reset_in: int = 3600,
    ) -> Budget:
        with self.lock:
            limit = limit if limit is not None else self.limits.get(resource, 5000)
            self.limits[resource] = limit
            left = limit if remaining is None else remaining
            budget = Budget(limit=limit, used=limit - left, reset=int(time.time()) + reset_in)
            self.budgets[resource] = budget
            return budget

    # --- the request log --------------------------------------------------------------------

    def record(self, entry: RequestRecord) -> None:
        with self.lock:
            self.log.append(entry)

    @property
    def total(self) -> int:
        return len(self.log)

    @property
    def quota_counted(self) -> int:
        return sum(1 for entry in self.log if entry.counted)

    def by_path(self) -> Counter[str]:
        return Counter(entry.path for entry in self.log)

    def by_status(self) -> Counter[int]:
        return Counter(entry.status for entry in self.log)

    def count(self, pattern: str = "*", *, status: int | None = None) -> int:
        return sum(
            1
            for entry in self.log
            if fnmatch.fnmatchcase(entry.path, pattern)
            and (status is None or entry.status == status)
        )
