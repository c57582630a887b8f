"""Check a response against the schema the API publishes for that operation and status."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from config.api import api


@cache
def openapi() -> dict[str, Any]:
    # As published: through JSON, so status codes are strings as in /api/v1/openapi.json.
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def assert_matches_schema(response: HttpResponse, method: str, path: str) -> Any:
    """`path` is the schema's template, e.g. "/api/v1/accounts/{login}". Returns the body."""
    document = openapi()
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{status} is not documented for {method} {path}"
    content = operation["responses"][status].get("content")
    if content is None:
        assert response.content == b"", response.content
        return None
    schema = content["application/json"]["schema"]
    body = response.json()
    jsonschema.validate(
        body,
        {**schema, "components": document["components"]},
        cls=jsonschema.Draft202012Validator,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return body
