"""Everything the fake GitHub knows: generated accounts and repositories, the rate-limit budget,
injected faults and the request log. One lock guards it; the server's threads share it."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from tests.fakegithub.records import (
    Budget,
    FakeAccount,
    FakeRepo,
    Fault,
    FaultKind,
    RequestRecord,
    stable_int,
)
from tests.fakegithub.render import node_id
from tests.fakegithub.traffic import Traffic

__all__ = ["Budget", "FakeAccount", "FakeRepo", "FakeState", "Fault", "FaultKind", "RequestRecord"]

HOSTILE_SCRIPT = '<script>alert("gitpulse")</script>'
HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
)
HOSTILE_URL = "javascript:alert(document.cookie)"

LANGUAGES = (
    "Python",
    "JavaScript",
    "TypeScript",
    "Go",
    "Rust",
    "C",
    "C++",
    "Java",
    "Ruby",
    "Shell",
    "HTML",
    "CSS",
    "Kotlin",
    "Swift",
)
_WORDS = (
    "atlas", "beacon", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "iris", "juniper",
    "kelp", "lumen", "maple", "nimbus", "onyx", "pixel", "quartz", "raven", "sable", "tundra",
    "umber", "vortex", "willow", "xenon", "yarrow", "zephyr",
)  # fmt: skip
_KINDS = ("api", "cli", "lib", "app", "docs", "tools", "sdk", "site", "bot", "kit")
_TOPICS = ("python", "cli", "web", "data", "api", "devtools", "testing", "analytics", "github")
_LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", None)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class FakeState(Traffic):
    def __init__(
        self,
        *,
        seed: str = "gitpulse",
        autocreate: bool = False,
        missing: tuple[str, ...] = (),
        latency: float = 0.0,
    ) -> None:
        self.lock = threading.RLock()
        # Logins starting with one of these are never created (the demo's "nobody…": 404).
        self.missing = tuple(prefix.lower() for prefix in missing)
        self.stopping = threading.Event()
        self.seed = seed
        self._autocreate_default = autocreate
        self._latency_default = latency
        self.reset()

    # --- lifecycle --------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to an empty GitHub: no accounts, faults, log or spent budget."""
        with self.lock:
            # Slow answers still in flight belong to the previous test: cut them short and
            # keep them out of the new log and budget.
            previous = getattr(self, "cancelled", None)
            if previous is not None:
                previous.set()
            self.cancelled = threading.Event()
            self.accounts: dict[str, FakeAccount] = {}
            self.accounts_by_id: dict[int, FakeAccount] = {}
            self.renamed: dict[str, int] = {}  # old lower-case login → account id
            self.repos_by_id: dict[int, FakeRepo] = {}
            self.faults: list[Fault] = []
            self.autocreate = self._autocreate_default
            # Seconds every API answer waits before it is sent (GitHub's own latency, for
            # benchmarks: bench/scale_real.py); 0, the default, answers at once.
            self.latency = self._latency_default
            self.valid_tokens: set[str] | None = None  # None: any token is accepted
            self.link_on_304 = False
            self.clock = _EPOCH
            self.budgets: dict[str, Budget] = {}
            self.limits = {"core": 5000, "graphql": 5000, "search": 30}
            self.reset_counters()

    def reset_counters(self) -> None:
        with self.lock:
            self.log: list[RequestRecord] = []

    # --- accounts and repositories ----------------------------------------------------------

    def add_user(
        self, login: str, *, repos: int = 0, hostile: bool = False, **fields: Any
    ) -> FakeAccount:
        return self._add_account(login, "user", repos=repos, hostile=hostile, **fields)

    def add_org(
        self, login: str, *, repos: int = 0, hostile: bool = False, **fields: Any
    ) -> FakeAccount:
        return self._add_account(login, "org", repos=repos, hostile=hostile, **fields)

    def _add_account(
        self, login: str, kind: Literal["user", "org"], *, repos: int, hostile: bool, **fields: Any
    ) -> FakeAccount:
        rng = random.Random(f"{self.seed}:account:{login.lower()}")
        ident = fields.pop("id", None) or 1000 + stable_int(
            f"{self.seed}:id:{login.lower()}", 10**8
        )
        created = _EPOCH - timedelta(days=rng.randint(400, 5000))
        account = FakeAccount(
            id=ident,
            node_id=node_id("User" if kind == "user" else "Organization", ident),
            login=login,
            kind=kind,
            name=f"{login.title()} {'Inc.' if kind == 'org' else rng.choice(_WORDS).title()}",
            bio=f"Builds {rng.choice(_WORDS)} things." if rng.random() < 0.7 else None,
            company=f"@{rng.choice(_WORDS)}" if kind == "user" and rng.random() < 0.5 else None,
            location=rng.choice(["Berlin", "Lagos", "Lima", "Osaka", "Toronto", None]),
            blog=f"https://{login.lower()}.example.org" if rng.random() < 0.5 else "",
            email=None,
            twitter_username=None,
            hireable=None,
            followers=int(rng.paretovariate(1.2) * 10),
            following=rng.randint(0, 80) if kind == "user" else 0,
            public_gists=rng.randint(0, 20) if kind == "user" else 0,
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(1, 300)),
        )
        if hostile:
            account.name = HOSTILE_SCRIPT
            account.bio = HOSTILE_SVG
            account.company = HOSTILE_SCRIPT
            account.blog = HOSTILE_URL
            account.location = '"><img src=x onerror=alert(1)>'
        for key, value in fields.items():
            if not hasattr(account, key):
                raise TypeError(f"FakeAccount has no field {key!r}")
            setattr(account, key, value)
        with self.lock:
            self.remove_account(login)
            self.accounts[login.lower()] = account
            self.accounts_by_id[account.id] = account
            for index in range(repos):
                self._generate_repo(account, rng, index, hostile=hostile)
        return account

    def _generate_repo(
        self, account: FakeAccount, rng: random.Random, index: int, *, hostile: bool
    ) -> FakeRepo:
        name = f"{rng.choice(_WORDS)}-{rng.choice(_KINDS)}"
        if name.lower() in account.repos:
            name = f"{name}-{index}"
        created = account.created_at + timedelta(days=rng.randint(0, 300), minutes=index)
        pushed = created + timedelta(days=rng.randint(0, 400))
        language = rng.choice(LANGUAGES) if rng.random() < 0.9 else None
        description: str | None = f"The {rng.choice(_WORDS)} {rng.choice(_KINDS)}"
        if rng.random() < 0.15:
            description = None
        if hostile and index % 2 == 0:
            description = HOSTILE_SCRIPT if index % 4 == 0 else HOSTILE_SVG
        return self.add_repo(
            account.login,
            name,
            description=description,
            language=language,
            stars=int(rng.paretovariate(1.1))
            - 1
            + (rng.randint(0, 5000) if rng.random() < 0.02 else 0),
            forks=rng.randint(0, 30),
            is_fork=rng.random() < 0.12,
            archived=rng.random() < 0.05,
            created_at=created,
            pushed_at=pushed,
            topics=tuple(sorted(set(rng.sample(_TOPICS, rng.randint(0, 3))))),
            license_spdx=rng.choice(_LICENSES),
            homepage=HOSTILE_URL if hostile and index % 3 == 0 else None,
            _rng=rng,
        )

    def add_repo(self, owner: str, name: str, **fields: Any) -> FakeRepo:
        rng: random.Random = fields.pop("_rng", None) or random.Random(
            f"{self.seed}:repo:{owner.lower()}/{name.lower()}"
        )
        with self.lock:
            account = self.account(owner)
            if account is None:
                raise KeyError(owner)
            ident = fields.pop("id", None) or stable_int(
                f"{self.seed}:repo:{account.id}/{name.lower()}", 10**9
            )
            while ident in self.repos_by_id:
                ident += 1
            language = fields.pop("language", rng.choice(LANGUAGES))
            created = fields.pop("created_at", account.created_at)
            pushed = fields.pop("pushed_at", created)
            repo = FakeRepo(
                id=ident,
                node_id=node_id("Repository", ident),
                name=name,
                owner=account,
                description=fields.pop("description", None),
                language=language,
                languages=_languages(rng, language),
                stars=max(fields.pop("stars", 0), 0),
                forks=fields.pop("forks", 0),
                open_issues=fields.pop("open_issues", rng.randint(0, 12)),
                subscribers=rng.randint(0, 20),
                is_fork=fields.pop("is_fork", False),
                archived=fields.pop("archived", False),
                disabled=False,
                size_kb=rng.randint(0, 50_000),
                default_branch=fields.pop("default_branch", "main"),
                homepage=fields.pop("homepage", None),
                topics=tuple(fields.pop("topics", ())),
                license_spdx=fields.pop("license_spdx", None),
                created_at=created,
                updated_at=max(created, pushed or created),
                pushed_at=pushed,
            )
            for key, value in fields.items():
                if not hasattr(repo, key):
                    raise TypeError(f"FakeRepo has no field {key!r}")
                setattr(repo, key, value)
            account.repos[name.lower()] = repo
            self.repos_by_id[repo.id] = repo
            return repo

    def account(self, login: str) -> FakeAccount | None:
        with self.lock:
            found = self.accounts.get(login.lower())
            wanted = login.lower()
            creatable = wanted not in self.renamed and not wanted.startswith(self.missing)
            if found is None and self.autocreate and creatable:
                rng = random.Random(f"{self.seed}:auto:{login.lower()}")
                kind: Literal["user", "org"] = "org" if login.lower().endswith("-org") else "user"
                found = self._add_account(
                    login, kind, repos=rng.choice([0, 3, 12, 40, 150, 320]), hostile=False
                )
            return found

    def repo(self, owner: str, name: str) -> FakeRepo | None:
        account = self.account(owner)
        return account.repos.get(name.lower()) if account else None

    def remove_account(self, login: str) -> None:
        with self.lock:
            account = self.accounts.pop(login.lower(), None)
            if account is not None:
                self.accounts_by_id.pop(account.id, None)
                for repo in account.repos.values():
                    self.repos_by_id.pop(repo.id, None)

    # --- mutations --------------------------------------------------------------------------

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def bump_stars(self, owner: str, name: str, by: int = 1) -> FakeRepo:
        """New stars land on today in the star history; an unstar takes a random earlier
        star out of its week, as GitHub's history counts only stars that still exist."""
        # stars.py builds HTTP answers, and answers.py imports this module: import it late.
        from tests.fakegithub.stars import star_days

        with self.lock:
            repo = self._must_repo(owner, name)
            star_days(self, repo)  # the history as it was, so only the change lands on today
            repo.stars = max(repo.stars + by, 0)
            repo.unattributed = min(repo.unattributed, repo.stars)
            star_days(self, repo)
            repo.updated_at = self.tick()
            return repo

    def set_star_days(self, owner: str, name: str, days: Mapping[date, int]) -> FakeRepo:
        """An exact star history ({day: stars}); the star count becomes its sum (plus the
        repository's `unattributed`)."""
        from tests.fakegithub.stars import set_star_days

        with self.lock:
            repo = self._must_repo(owner, name)
            set_star_days(self, repo, days)
            repo.updated_at = self.tick()
            return repo

    def set_contribution_days(self, login: str, days: Mapping[date, int]) -> FakeAccount:
        """An exact contribution history ({day: contributions}) for a user."""
        from tests.fakegithub.contributions import set_contribution_days

        with self.lock:
            account = self._must_user(login)
            set_contribution_days(account, days)
            return account

    def add_contributions(self, login: str, n: int = 1, day: date | None = None) -> FakeAccount:
        """`n` more contributions on `day` (default today): the calendar and the public
        events (and so their ETag) change with them."""
        from tests.fakegithub.contributions import contribution_days
        from tests.fakegithub.stars import today

        with self.lock:
            account = self._must_user(login)
            days = contribution_days(self, account)
            when = day or today(self)
            days[when] = days.get(when, 0) + n
            return account

    def _must_user(self, login: str) -> FakeAccount:
        account = self.account(login)
        if account is None or account.kind != "user":
            raise KeyError(f"{login} is no user")
        return account

    def push(
        self, owner: str, name: str, *, language_bytes: dict[str, int] | None = None
    ) -> FakeRepo:
        """A push: pushed_at moves (and with it every ETag that shows the repository)."""
        with self.lock:
            repo = self._must_repo(owner, name)
            now = self.tick()
            repo.pushed_at = now
            repo.updated_at = now
            repo.size_kb += 1
            if language_bytes is not None:
                repo.languages = dict(language_bytes)
            elif repo.language:
                repo.languages[repo.language] = repo.languages.get(repo.language, 0) + 512
            return repo

    def delete_repo(self, owner: str, name: str) -> None:
        with self.lock:
            repo = self._must_repo(owner, name)
            del repo.owner.repos[name.lower()]
            self.repos_by_id.pop(repo.id, None)
            repo.owner.updated_at = self.tick()

    def rename_account(self, old: str, new: str) -> FakeAccount:
        """GitHub keeps the id; the old login then answers 301 to /user/{id}."""
        with self.lock:
            account = self.accounts.pop(old.lower())
            account.login = new
            account.updated_at = self.tick()
            self.accounts[new.lower()] = account
            self.renamed[old.lower()] = account.id
            return account

    def update_account(self, login: str, **fields: Any) -> FakeAccount:
        with self.lock:
            account = self.account(login)
            if account is None:
                raise KeyError(login)
            for key, value in fields.items():
                setattr(account, key, value)
            account.updated_at = self.tick()
            return account

    def _must_repo(self, owner: str, name: str) -> FakeRepo:
        repo = self.repo(owner, name)
        if repo is None:
            raise KeyError(f"{owner}/{name}")
        return repo


def _languages(rng: random.Random, primary: str | None) -> dict[str, int]:
    if primary is None:
        return {}
    sizes = {primary: rng.randint(20_000, 900_000)}
    for other in rng.sample(LANGUAGES, rng.randint(0, 3)):
        if other != primary:
            sizes[other] = rng.randint(100, sizes[primary] // 2)
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))
