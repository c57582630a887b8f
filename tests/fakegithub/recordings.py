"""The real recorded GitHub responses in ../shared/github-recordings, and GitHub's JSON Schemas.

CI clones the repository with shared/ beside it; locally the tests skip (with the reason) when
it is absent, and fail when CI is set (tests.services.require)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORDINGS_DIR = REPO_ROOT.parent / "shared" / "github-recordings"
SCHEMAS_DIR = RECORDINGS_DIR / "openapi"


@dataclass(frozen=True)
class Recording:
    file: str
    method: str
    url: str
    request_headers: dict[str, str]
    status: int
    headers: dict[str, str]
    body: Any
    note: str

    def header(self, name: str) -> str | None:
        """Header names keep their recorded casing; look them up case-insensitively."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def recordings_available() -> bool:
    return (RECORDINGS_DIR / "index.json").is_file()


def recording_index() -> list[dict[str, Any]]:
    return json.loads((RECORDINGS_DIR / "index.json").read_text())


def load_recording(file: str) -> Recording:
    raw = json.loads((RECORDINGS_DIR / file).read_text())
    return Recording(
        file=file,
        method=raw["request"]["method"],
        url=raw["request"]["url"],
        request_headers=raw["request"].get("headers") or {},
        status=raw["response"]["status"],
        headers=raw["response"].get("headers") or {},
        body=raw["response"].get("body"),
        note=raw.get("note", ""),
    )


@cache
def load_schema(name: str) -> dict[str, Any]:
    """`name` as in openapi/index.json without the suffix, e.g. "users-get-by-username"."""
    return json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text())


def schema_errors(body: Any, name: str, *, allow_missing: bool = False) -> list[str]:
    """Validation errors against GitHub's schema. `null` is accepted wherever the schema says
    a type (GitHub sends null for strings it declares non-nullable, e.g. an org's email);
    `allow_missing` also accepts fields missing that the schema now requires (old
    recordings predate them)."""
    validator = _validator(name, allow_missing)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message[:200]}"
        for error in validator.iter_errors(body)
    ]


@cache
def _validator(name: str, allow_missing: bool) -> Draft202012Validator:
    return Draft202012Validator(_relax(copy.deepcopy(load_schema(name)), allow_missing))


def _relax(node: Any, allow_missing: bool) -> Any:
    if isinstance(node, list):
        return [_relax(item, allow_missing) for item in node]
    if not isinstance(node, dict):
        return node
    relaxed: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            relaxed[key] = {prop: _relax(sub, allow_missing) for prop, sub in value.items()}
        elif key == "required" and isinstance(value, list) and allow_missing:
            continue
        elif key == "type":
            types = value if isinstance(value, list) else [value]
            relaxed[key] = sorted(set(types) | {"null"})
        elif key == "oneOf" and allow_missing:
            # Without `required`, a public user also matches the private-user branch.
            relaxed["anyOf"] = _relax(value, allow_missing)
        elif key == "format":
            continue  # formats are annotations in 2020-12; keep it that way explicitly
        else:
            relaxed[key] = _relax(value, allow_missing)
    return relaxed
