"""The repository compare page's state, as its URL has it
(/compare/repos/?repos=owner/a,owner/b&align=&scale=): parsed leniently (an unknown align or
scale is its default) and written back in one canonical form, so the same comparison is one
shareable URL (views/compare_repos.py). A name that is not `owner/repo` is kept in `invalid`,
for the form to say so; nothing is looked up for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login, validate_repo_name

MIN_REPOS = 2
MAX_REPOS = 4
# More than this many characters of ?repos= is not a list of four repositories.
MAX_REPOS_PARAM = 1_000
ALIGNS = ("date", "age")
SCALES = ("auto", "linear", "log")
_GITHUB = re.compile(r"^(?:https?://)?(?:www\.)?github\.com/", re.IGNORECASE)

Name = tuple[str, str]  # (owner, repository), lower case


def parse_repo_name(text: str) -> Name:
    """`owner/repo` or its github.com address, lower-cased; InvalidName otherwise."""
    path = _GITHUB.sub("", text.strip()).strip("/").removesuffix(".git")
    owner, slash, name = path.partition("/")
    if not slash or "/" in name:
        raise InvalidName(f"{text[:60]!r} is not owner/repository.")
    return validate_login(owner).lower(), validate_repo_name(name).lower()


@dataclass(frozen=True)
class CompareReposQuery:
    """`names` in the person's order, each once; `invalid` what was not owner/repo;
    `left_out` the names past the fourth."""

    names: tuple[Name, ...] = ()
    align: str = "date"  # date | age (days since each repository was created)
    scale: str = "auto"  # auto (log when the lines differ widely) | linear | log
    invalid: tuple[str, ...] = ()
    left_out: tuple[Name, ...] = ()

    @classmethod
    def parse(cls, params: Any) -> CompareReposQuery:
        raw = ",".join(params.getlist("repos"))[:MAX_REPOS_PARAM]
        valid: list[Name] = []
        invalid: list[str] = []
        for part in re.split(r"[,\s]+", raw):
            if not part:
                continue
            try:
                valid.append(parse_repo_name(part))
            except InvalidName:
                invalid.append(part[:60])
        names = tuple(dict.fromkeys(valid))
        align, scale = params.get("align", "date"), params.get("scale", "auto")
        return cls(
            names=names[:MAX_REPOS],
            align=align if align in ALIGNS else "date",
            scale=scale if scale in SCALES else "auto",
            invalid=tuple(invalid),
            left_out=names[MAX_REPOS:],
        )

    @property
    def text(self) -> str:
        """The names as the form's box shows them."""
        return ", ".join(f"{owner}/{name}" for owner, name in self.names)

    def url(self, **changes: Any) -> str:
        """The canonical URL of this state (defaults left out)."""
        state = replace(self, **changes) if changes else self
        params: dict[str, str] = {}
        if state.names:
            params["repos"] = ",".join(f"{owner}/{name}" for owner, name in state.names)
        if state.align != "date":
            params["align"] = state.align
        if state.scale != "auto":
            params["scale"] = state.scale
        base = reverse("compare_repos")
        # Commas and slashes stay readable in a shared link.
        return f"{base}?{urlencode(params, safe=',/')}" if params else base
