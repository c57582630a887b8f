"""Downloads from the API: `?format=csv` or `?format=json` (or `Accept: text/csv`) on an endpoint
that lists rows answers with every row matching its filters (never a page of them: `limit` and
`offset` do not apply), streamed as it is read, as a file named for what and when.

An endpoint stays thin: it checks access as always (the account is visible, the caller signed
in: the API's own checks, before anything streams), asks `export_format_get` whether a download
was asked for, and if so hands a selector's rows to `export_response`:

    chosen = export_format_get(request=request, asked=export)
    if chosen is not None:
        return export_response(
            export_format=chosen,
            rows=account_history_rows(account=account, days=None),  # any iterable of rows
            columns=HISTORY_COLUMNS,
            name=(account.login, "history"),
        )

The writers (CSV cells made safe for spreadsheets, the JSON array written incrementally, the
file name) are github_stats/ui/exports.py."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Query

from github_stats.models import today_utc
from github_stats.ui.exports import csv_chunks, export_filename, json_chunks

ExportFormat = Literal["csv", "json"]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_MEDIA_TYPES = ["application/json", "text/csv"]

ExportQuery = Annotated[
    ExportFormat | None,
    Query(
        alias="format",
        description="A download of every row matching the filters (`limit` and `offset` do "
        "not apply), streamed, with `Content-Disposition: attachment`: `csv` (UTF-8 with a "
        "byte-order mark, a header row, text cells that a spreadsheet would run as a formula "
        "prefixed with `'`) or `json` (the same answer as without `format`, complete). "
        "Without it, `Accept: text/csv` asks for the CSV.",
    ),
]


def export_openapi(*, what: str) -> dict[str, Any]:
    """An endpoint's `openapi_extra`: its 200 answer is CSV too (for `format=csv`)."""
    csv_body = {"schema": {"type": "string", "description": f"{what}, as CSV."}}
    return {"responses": {200: {"content": {"text/csv": csv_body}}}}


def export_format_get(*, request: HttpRequest, asked: ExportFormat | None) -> ExportFormat | None:
    """The download asked for: `format` when given; else CSV when the Accept header prefers
    text/csv to JSON; else None, the endpoint's ordinary JSON answer."""
    if asked is not None:
        return asked
    return "csv" if request.get_preferred_type(_MEDIA_TYPES) == "text/csv" else None


def export_response(
    *,
    export_format: ExportFormat,
    rows: Iterable[Any],
    columns: Sequence[str],
    name: Sequence[str],
    json_envelope: Mapping[str, Any] | None = None,
    json_rows_key: str = "items",
    json_trailer: Callable[[], Mapping[str, Any]] | None = None,
    attachment: bool = True,
    day: date | None = None,
) -> StreamingHttpResponse:
    """`rows` (read lazily, once) as a streamed CSV or JSON download named
    `<name parts>-<day>.<csv|json>` (day: today, UTC). The JSON is an array of objects keyed by
    `columns`, or with `json_envelope` an object of the envelope's keys and that array under
    `json_rows_key` (an endpoint's own shape), then the keys `json_trailer` returns once every
    row is read (what is known only then). `attachment=False`: the same stream, shown rather
    than saved (a large ordinary answer)."""
    if export_format == "csv":
        chunks = csv_chunks(rows=rows, columns=columns)
        content_type = CSV_CONTENT_TYPE
    else:
        chunks = json_chunks(
            rows=rows,
            columns=columns,
            envelope=json_envelope,
            rows_key=json_rows_key,
            trailer=json_trailer,
        )
        content_type = JSON_CONTENT_TYPE
    # The first chunk runs the query here, inside the view: a database error is then the API's
    # error answer, not a download cut off after its headers were sent.
    first = next(chunks)
    response = StreamingHttpResponse(_closing(first, chunks), content_type=content_type)
    # The same URL answers JSON or CSV by the Accept header.
    patch_vary_headers(response, ["Accept"])
    if attachment:
        attachment_mark(response=response, name=name, export_format=export_format, day=day)
    return response


def _closing(first: bytes, chunks: Generator[bytes, None, None]) -> Iterator[bytes]:
    """The whole stream, closed with the response: the server closes it when the download ends
    or the client goes away, and that closes the database cursor there and then (not whenever
    the garbage collector gets to it, perhaps inside another request's transaction)."""
    try:
        yield first
        yield from chunks
    finally:
        chunks.close()


def attachment_mark(
    *,
    response: HttpResponseBase,
    name: Sequence[str],
    export_format: ExportFormat,
    day: date | None = None,
) -> HttpResponseBase:
    """Makes `response` a download named for what and when. The name is built from validated
    logins and a date only, and stripped of anything but letters, digits, `.`, `_`, `-`
    (ui/exports.export_filename), so it needs no quoting beyond the quotes around it."""
    filename = export_filename(parts=name, day=day or today_utc(), extension=export_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The same URL answers JSON or CSV by the Accept header.
    patch_vary_headers(response, ["Accept"])
    return response
