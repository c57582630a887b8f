"""The pure writers of github_stats/ui/exports.py: cells, CSV, the streamed JSON, file names."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from github_stats.ui.exports import (
    BOM,
    CHUNK_BYTES,
    cell_neutralised,
    csv_cell,
    csv_chunks,
    export_filename,
    json_chunks,
)


@dataclass
class Row:
    name: str
    stars: int
    change: int | None
    pushed_at: datetime | None
    topics: list[str]
    archived: bool


ROWS = [
    Row("hello", 5, -3, datetime(2026, 12, 1, 9, 30, tzinfo=UTC), ["django", "htmx"], False),
    Row("Zoë's", 0, None, None, [], True),
]
COLUMNS = ("name", "stars", "change", "pushed_at", "topics", "archived")


def _csv(rows, columns=COLUMNS, **kwargs) -> list[list[str]]:
    text = b"".join(csv_chunks(rows=rows, columns=columns, **kwargs)).decode()
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://evil.example","x")', "+1", "-cmd", "@SUM(A1:A2)", "\tx", "\rx"],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(hostile):
    assert cell_neutralised(hostile) == "'" + hostile
    assert csv_cell(hostile) == "'" + hostile


def test_plain_text_is_left_alone():
    assert csv_cell("a-b = c") == "a-b = c"
    assert csv_cell("") == ""


def test_numbers_stay_numbers_even_negative_ones():
    assert csv_cell(-3) == -3
    assert csv_cell(2.5) == 2.5
    rows = _csv([ROWS[0]])
    assert rows[1][2] == "-3"


def test_cells_are_written_as_the_api_writes_them():
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(date(2026, 12, 2)) == "2026-12-02"
    assert csv_cell(datetime(2026, 12, 1, 9, 30, 1, 123456, tzinfo=UTC)) == (
        "2026-12-01T09:30:01.123Z"
    )
    assert csv_cell(["django", "htmx"]) == "django;htmx"
    assert csv_cell(["-x", "y"]) == "'-x;y"


def test_csv_starts_with_a_bom_and_a_header_row():
    data = b"".join(csv_chunks(rows=ROWS, columns=COLUMNS))
    assert data.startswith(BOM.encode())
    assert data.decode().splitlines()[0] == BOM + ",".join(COLUMNS)
    assert b"".join(csv_chunks(rows=[], columns=COLUMNS, bom=False)) == (
        ",".join(COLUMNS).encode() + b"\r\n"
    )


def test_csv_rows_are_utf8_and_quoted_where_needed():
    rows = _csv(ROWS)
    assert rows[1] == ["hello", "5", "-3", "2026-12-01T09:30:00Z", "django;htmx", "false"]
    assert rows[2] == ["Zoë's", "0", "", "", "", "true"]
    quoted = _csv([{"name": 'a "b", c\nd', "stars": 1}], columns=("name", "stars"))
    assert quoted[1] == ['a "b", c\nd', "1"]


def test_a_hostile_header_is_neutralised_too():
    assert _csv([], columns=("=cmd",))[0] == ["'=cmd"]


def test_rows_may_be_mappings_objects_or_tuples():
    for row in ({"name": "x", "stars": 1}, ("x", 1), Row("x", 1, None, None, [], False)):
        assert _csv([row], columns=("name", "stars"))[1] == ["x", "1"]


def test_big_exports_come_in_bounded_chunks():
    rows = ({"name": f"repo-{i}", "stars": i} for i in range(20_000))
    chunks = list(csv_chunks(rows=rows, columns=("name", "stars")))
    assert len(chunks) > 3
    # A chunk is flushed once it passes CHUNK_BYTES: never more than one row over it.
    assert max(len(chunk) for chunk in chunks) < CHUNK_BYTES + 100


def test_the_first_chunk_waits_for_the_rows():
    # Asking for it must run the query (api/exports.py relies on it): nothing before the rows.
    read = []

    def rows():
        read.append(True)
        yield {"name": "x"}

    next(csv_chunks(rows=rows(), columns=("name",)))
    assert read == [True]


def test_json_is_an_array_of_objects_keyed_by_column():
    body = json.loads(b"".join(json_chunks(rows=ROWS, columns=COLUMNS)))
    assert body[0] == {
        "name": "hello",
        "stars": 5,
        "change": -3,
        "pushed_at": "2026-12-01T09:30:00Z",
        "topics": ["django", "htmx"],
        "archived": False,
    }
    assert body[1]["change"] is None
    assert json.loads(b"".join(json_chunks(rows=[], columns=COLUMNS))) == []


def test_json_in_an_envelope_keeps_its_keys_and_the_rows_last():
    chunks = json_chunks(
        rows=ROWS,
        columns=("name",),
        envelope={"login": "octocat", "days": "all"},
        rows_key="points",
    )
    body = json.loads(b"".join(chunks))
    assert body == {
        "login": "octocat",
        "days": "all",
        "points": [{"name": "hello"}, {"name": "Zoë's"}],
    }
    empty = json.loads(b"".join(json_chunks(rows=[], columns=("name",), envelope={"count": 0})))
    assert empty == {"count": 0, "items": []}


def test_json_in_an_envelope_ends_with_what_is_known_once_the_rows_are_read():
    seen: list[str] = []

    def names():
        for row in ROWS:
            seen.append(row.name)
            yield row

    chunks = json_chunks(
        rows=names(),
        columns=("name",),
        envelope={"login": "octocat"},
        rows_key="points",
        trailer=lambda: {"seen": list(seen), "on": date(2026, 12, 2)},
    )
    body = json.loads(b"".join(chunks))
    assert list(body) == ["login", "points", "seen", "on"]
    assert body["seen"] == ["hello", "Zoë's"]
    assert body["on"] == "2026-12-02"
    nothing = json_chunks(rows=[], columns=("name",), envelope={"count": 0}, trailer=dict)
    assert json.loads(b"".join(nothing)) == {"count": 0, "items": []}


def test_big_json_comes_in_bounded_chunks_and_parses_whole():
    rows = ({"name": f"repo-{i}", "stars": i} for i in range(20_000))
    chunks = list(json_chunks(rows=rows, columns=("name", "stars")))
    assert len(chunks) > 3
    assert max(len(chunk) for chunk in chunks) < CHUNK_BYTES + 100
    assert len(json.loads(b"".join(chunks))) == 20_000


def test_a_filename_says_what_and_when():
    name = export_filename(
        parts=("octocat", "repositories"), day=date(2026, 12, 2), extension="csv"
    )
    assert name == "octocat-repositories-2026-12-02.csv"


@pytest.mark.parametrize(
    "part", ['evil"; filename="x.exe', "../../etc/passwd", "a/b\\c", "line\r\nbreak", "..", ""]
)
def test_no_quote_or_path_character_reaches_a_filename(part):
    name = export_filename(parts=(part, "history"), day=date(2026, 12, 2), extension="json")
    assert not set(name) & set('"\\/ \r\n;')
    assert not name.startswith(".")
    assert name.endswith("-2026-12-02.json")
