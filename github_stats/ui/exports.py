"""Rows as CSV or JSON downloads: streaming writers, spreadsheet-safe cells, and file names.
Pure (no database, no request): the API's exports (github_stats/api/exports.py) feed them a
selector's rows, an iterable read with `.iterator()`, and stream what they yield.

A row is a mapping (read by column name), a dataclass or any object (read by attribute), or a
tuple (read by position). Cells are written as the API's JSON writes them: dates and moments
in ISO 8601 (UTC moments with `Z`, milliseconds at most, as Django's JSON encoder has them),
booleans `true`/`false`, nothing as an empty CSV cell or `null`, lists as JSON arrays or, in
CSV, joined with `;`.

CSV decisions (README, "Exports"):
- UTF-8 with a byte-order mark. Excel reads a CSV without one in the machine's legacy code page,
  turning "Zoë" into "ZoÃ«"; the mark costs scripts nothing that `encoding="utf-8-sig"` (Python)
  or pandas does not already handle. JSON never carries one (RFC 8259).
- Formula injection (OWASP "CSV Injection"): a text cell starting with `=`, `+`, `-`, `@`, a tab
  or a carriage return is one a spreadsheet may run as a formula (`=HYPERLINK(...)` from a
  hostile repository's description), so it gets a leading `'`. Only text cells: a number of a
  numeric column (a change of -3) stays a number."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import is_dataclass
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# About what one socket write carries well: fewer, larger writes than one per row, and never
# more than this held in memory, whatever the number of rows.
CHUNK_BYTES = 32 * 1024
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"
# What a file name may hold: no quotes, no path separators, nothing a Content-Disposition
# header would have to escape.
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_CHARS = 120

# Django's, as ninja's renderer uses it (NinjaJSONEncoder adds only pydantic types).
_Encoder = DjangoJSONEncoder
_ENCODER = _Encoder()


def row_cells(row: Any, columns: Sequence[str]) -> list[Any]:
    """The row's values in the order of `columns`."""
    if isinstance(row, Mapping):
        return [row.get(column) for column in columns]
    if isinstance(row, tuple) and not is_dataclass(row) and not hasattr(row, "_fields"):
        return list(row[: len(columns)])
    return [getattr(row, column) for column in columns]


def cell_neutralised(text: str) -> str:
    """Text a spreadsheet would read as a formula, made plain text with a leading `'`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any) -> str | int | float:
    """One CSV cell: numbers as numbers, everything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return str(_ENCODER.default(value))
    if isinstance(value, list | tuple):
        return cell_neutralised(LIST_SEPARATOR.join(str(item) for item in value))
    return cell_neutralised(str(value))


class _Pieces:
    """What csv.writer writes, kept as the strings it wrote until a chunk is joined: no
    growing buffer to copy, and no byte-order mark widening a buffer's every character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def take(self) -> bytes:
        data = "".join(self.parts).encode()
        self.parts.clear()
        self.size = 0
        return data


def csv_chunks(
    *, rows: Iterable[Any], columns: Sequence[str], bom: bool = True
) -> Generator[bytes, None, None]:
    """The header and every row, UTF-8, in chunks of about CHUNK_BYTES. The first chunk is
    yielded only once the first rows are read (or there are none), so asking for it runs the
    query: a database error then is an error answer, not a cut-off download."""
    out = _Pieces()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180's line ending
    writer.writerow([cell_neutralised(column) for column in columns])
    head = BOM.encode() if bom else b""
    with _closing(rows) as read:
        for row in read:
            writer.writerow([csv_cell(value) for value in row_cells(row, columns)])
            if out.size >= CHUNK_BYTES:
                yield head + out.take()
                head = b""
    yield head + out.take()


def json_chunks(
    *,
    rows: Iterable[Any],
    columns: Sequence[str],
    envelope: Mapping[str, Any] | None = None,
    rows_key: str = "items",
    trailer: Callable[[], Mapping[str, Any]] | None = None,
) -> Generator[bytes, None, None]:
    """A JSON array of objects (one per row, keys in the order of `columns`) written as it is
    read; with `envelope`, an object holding the envelope's keys and the array under
    `rows_key` (the shape of an endpoint's own answer, e.g. `{"login", "days", "points"}`),
    then the keys `trailer` returns, asked once every row is read (a figure of the rows)."""
    parts: list[str] = []
    size = 0
    if envelope is None:
        parts.append("[")
    else:
        head = json.dumps({**envelope, rows_key: []}, cls=_Encoder)
        parts.append(head[: -len("[]}")] + "[")
    first = True
    with _closing(rows) as read:
        for row in read:
            item = json.dumps(
                dict(zip(columns, row_cells(row, columns), strict=True)), cls=_Encoder
            )
            if not first:
                item = "," + item
            parts.append(item)
            first = False
            size += len(item)
            if size >= CHUNK_BYTES:
                yield "".join(parts).encode()
                parts, size = [], 0
    if envelope is None:
        parts.append("]")
    else:
        tail = json.dumps(dict(trailer()), cls=_Encoder) if trailer is not None else "{}"
        parts.append("]}" if tail == "{}" else "]," + tail[1:])
    yield "".join(parts).encode()


@contextmanager
def _closing(rows: Iterable[Any]) -> Iterator[Iterator[Any]]:
    """The rows, closed when the writer stops early (the download was dropped): a generator
    over a database cursor then closes the cursor at once."""
    read = iter(rows)
    try:
        yield read
    finally:
        close = getattr(read, "close", None)
        if close is not None:
            close()


def export_filename(*, parts: Sequence[str], day: date, extension: str) -> str:
    """`octocat-repositories-2026-12-02.csv`: what (the parts) and when (the day). Anything
    but letters, digits, `.`, `_` and `-` is dropped from each part, so no quote, slash or
    space can reach the header or a path, whatever a caller passes."""
    cleaned = [_UNSAFE_IN_NAME.sub("", part) for part in parts]
    stem = "-".join(part for part in cleaned if part)[:MAX_NAME_CHARS].strip(".-") or "export"
    suffix = _UNSAFE_IN_NAME.sub("", extension) or "txt"
    return f"{stem}-{day.isoformat()}.{suffix}"
