from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatechars

from github_stats.templatetags.gitpulse import shortened
from github_stats.ui.formatting import (
    compact_number,
    moment_text,
    safe_external_url,
    signed_compact,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (0, "0"),
        (999, "999"),
        (1000, "1k"),
        (1234, "1.2k"),
        (12_345, "12k"),
        (999_999, "1M"),
        (1_250_000, "1.3M"),
        (-1500, "-1.5k"),
        (3_000_000_000, "3B"),
    ],
)
def test_compact_number_reads_like_people_write_it(value, text):
    assert compact_number(value) == text


def test_signed_compact_uses_a_real_minus_sign():
    assert signed_compact(12) == "+12"
    assert signed_compact(-1200) == "\u22121.2k"
    assert signed_compact(0) == "0"
    assert signed_compact(None) == "—"


TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 22, 14, 3, tzinfo=UTC), "today, 14:03 UTC"),
        (datetime(2026, 11, 21, 23, 59, tzinfo=UTC), "yesterday, 23:59 UTC"),
        (datetime(2026, 11, 23, 0, 5, tzinfo=UTC), "tomorrow, 00:05 UTC"),
        (datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "Nov 20, 2026"),
        (datetime(2010, 7, 9, 6, 10, tzinfo=UTC), "Jul 9, 2010"),
        # Another time zone is told in UTC: 01:30 at UTC+2 is 23:30 the day before.
        (
            datetime(2026, 11, 22, 1, 30, tzinfo=timezone(timedelta(hours=2))),
            "yesterday, 23:30 UTC",
        ),
    ],
)
def test_a_moment_reads_the_same_all_day(moment, text):
    assert moment_text(moment, TODAY) == text


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("https://example.com", "https://example.com"),
        ("http://example.com/a?b=1", "http://example.com/a?b=1"),
        ("example.com/blog", "https://example.com/blog"),
        ("example.com:8080/x", "https://example.com:8080/x"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("mailto:a@example.com", ""),
        ("//evil.example", ""),
        ("https://", ""),
        ("", ""),
        (None, ""),
        ("not a url", ""),
    ],
)
def test_safe_external_url_allows_only_http_and_https(value, url):
    assert safe_external_url(value) == url


def test_the_moment_tag_puts_the_exact_time_in_a_title_for_the_browser_to_retell():
    moment = datetime(2020, 11, 22, 11, 48, tzinfo=UTC)
    html = Template("{% load gitpulse %}{% moment moment %}").render(Context({"moment": moment}))
    assert html == (
        '<time datetime="2020-11-22T11:48:00+00:00" title="2020-11-22 11:48 UTC" '
        "data-relative>Nov 22, 2020</time>"
    )


def test_the_moment_tag_says_never_or_what_it_is_told_for_none():
    template = Template('{% load gitpulse %}{% moment a %}|{% moment a "—" %}')
    assert template.render(Context({"a": None})) == "never|—"


def test_filters_tolerate_garbage():
    html = Template("{% load gitpulse %}{{ x|compact }} {{ x|signed }} {{ x|trend }}").render(
        Context({"x": "abc"})
    )
    assert html == "— — flat"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "A fast web framework",
        "x" * 20,  # exactly the length: unchanged
        "x" * 21,  # one more: cut, with Django's ellipsis
        "Café au lait, déjà vu",  # not ASCII: Django's own walk (NFC, combining marks)
        "e\u0301" * 12,  # 24 code points, 12 characters as Django counts them
        "e\u0301" * 5,  # fits, yet Django writes it composed (NFC)
        "🚀 Blazing fast " * 3,
        "<b>bold</b> & friends, long enough to be cut",
    ],
)
def test_shortened_is_djangos_truncatechars(text):
    assert shortened(text, 20) == truncatechars(text, 20)
    rendered = Template("{% load gitpulse %}{{ text|shortened:20 }}").render(
        Context({"text": text})
    )
    assert rendered == Template("{{ text|truncatechars:20 }}").render(Context({"text": text}))
