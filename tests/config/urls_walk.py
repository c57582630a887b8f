"""Every URL pattern of the project, with a sample path that resolves back to it.

Walks the root resolver recursively, so patterns added later (pages, /api/v1/...) are covered
without touching the tests. Path parameters are filled from a list of plain sample values; the
first combination that resolves back to the same pattern wins."""

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

SAMPLE_VALUES = [
    "1",
    "octocat",
    "octocat/hello-world",
    "sample-key",
    str(uuid.UUID(int=1)),
    "1-sample-key",
]


@dataclass(frozen=True)
class UrlCase:
    route: str
    name: str  # namespace:name, or "" for unnamed patterns
    namespace: str
    path: str | None  # None when no sample value fits

    def __str__(self) -> str:
        return f"{self.route} ({self.name or 'unnamed'})"


def _join(namespace: str, inner: str | None) -> str:
    return ":".join(part for part in (namespace, inner) if part)


def _walk(
    resolver: URLResolver, parts: tuple[str, ...], namespace: str
) -> Iterator[tuple[tuple[str, ...], URLPattern, str]]:
    for pattern in resolver.url_patterns:
        regex = pattern.pattern.regex.pattern
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, (*parts, regex), _join(namespace, pattern.namespace))
        else:
            yield (*parts, regex), pattern, namespace


def _candidate_paths(regex_parts: tuple[str, ...]) -> Iterator[str]:
    # normalize() is what reverse() uses: each regex becomes "%(name)s" format strings.
    per_part = []
    for regex in regex_parts:
        per_part.append(normalize(regex))
    for choice in itertools.product(*per_part):
        template = "".join(fmt for fmt, _ in choice)
        params = [param for _, names in choice for param in names]
        for values in itertools.product(SAMPLE_VALUES, repeat=len(params)):
            yield "/" + template % dict(zip(params, values, strict=True))


def _sample_path(regex_parts: tuple[str, ...], pattern: URLPattern) -> str | None:
    full = re.compile(
        "".join(part.lstrip("^").removesuffix(r"\Z").rstrip("$") for part in regex_parts)
    )
    for path in _candidate_paths(regex_parts):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.func == pattern.callback and match.url_name == pattern.name:
            return path
        if full.fullmatch(path.lstrip("/")):
            # Another pattern with the same address answers first (django-ninja registers one
            # per HTTP method); fetching the address covers both.
            return path
    return None


def url_cases() -> list[UrlCase]:
    cases = []
    for regex_parts, pattern, namespace in _walk(get_resolver(), (), ""):
        route = "".join(part.lstrip("^").replace(r"\Z", "").rstrip("$") for part in regex_parts)
        cases.append(
            UrlCase(
                route=route,
                name=_join(namespace, pattern.name) if pattern.name else "",
                namespace=namespace,
                path=_sample_path(regex_parts, pattern),
            )
        )
    return cases
