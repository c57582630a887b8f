"""Every GraphQL document the client can send, validated against GitHub's published schema
(../shared/github-graphql/schema.json.gz, loaded as its README says): the fake GitHub accepts
anything, GitHub does not."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import pytest

graphql = pytest.importorskip("graphql")

from github_stats.github.contributions import (  # noqa: E402
    contributions_year_query,
    contributions_years_query,
)
from github_stats.github.graphql import languages_query  # noqa: E402

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "github-graphql" / "schema.json.gz"


@cache
def _schema():
    data = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    return graphql.build_client_schema(data.get("data", data), assume_valid=True)


DOCUMENTS = {
    "languages": languages_query([("octocat", "hello-world"), ("github", "docs")]),
    "contribution_years": contributions_years_query("octocat"),
    "contribution_year": contributions_year_query("octocat", 2024),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_document_is_valid_against_githubs_schema(name):
    query, variables = DOCUMENTS[name]
    errors = graphql.validate(_schema(), graphql.parse(query))
    assert errors == [], [error.message for error in errors]
    # Every variable the document declares is sent, and nothing else: names are never spliced.
    document = graphql.parse(query)
    declared = {
        definition.variable.name.value
        for operation in document.definitions
        for definition in operation.variable_definitions
    }
    assert declared == set(variables)


def test_a_broken_document_is_caught():
    # The check itself must be able to fail: a field GitHub does not have.
    query, _ = contributions_years_query("octocat")
    broken = query.replace("contributionYears", "contributionYearz")
    assert graphql.validate(_schema(), graphql.parse(broken))


def test_the_year_span_is_one_calendar_year_in_utc():
    _, variables = contributions_year_query("octocat", 2024)
    assert variables == {
        "login": "octocat",
        "from": "2024-01-01T00:00:00Z",
        "to": "2024-12-31T23:59:59Z",
    }
