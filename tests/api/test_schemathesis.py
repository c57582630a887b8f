"""Schemathesis over the whole published schema, in-process through the WSGI application (no
server): every generated request must get a documented status, a body that matches its schema,
and never a 5xx. Bounded: few examples per operation, no deadline per example, well under a
minute in all."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def wsgi_in_test_transaction():
    # Django closes the database connection when a request finishes; its test client switches
    # that off, and a raw WSGI caller must too, or the test's transaction is gone after the
    # first request (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def stored_data(db):
    account = GitHubAccountFactory(login="octocat")
    RepositoryFactory(owner=account, name="hello-world")
    snapshots_for(account, days=10)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_honours_its_schema(case, tokens, stored_data, wsgi_in_test_transaction):
    # A star-history window's `from` on or before its `to` (and at most 20 years apart) relates
    # two parameters, which OpenAPI cannot say: a generated pair may break it and get its
    # documented 422. Only such a pair skips "schema-valid data is accepted"; every other
    # check (no 5xx, documented statuses, response bodies) runs on it too.
    query = case.query or {}
    windowed = case.path.endswith(("/stars", "/compare/repos"))
    both_ends = windowed and "from" in query and "to" in query
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens.access}"},
        excluded_checks=[positive_data_acceptance] if both_ends else None,
    )
