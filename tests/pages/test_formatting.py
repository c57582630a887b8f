from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template

from github_stats.formatting import (
    compact_number,
    relative_time,
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


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=12), "12 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=90), "3 months ago"),
        (timedelta(days=800), "2 years ago"),
        (timedelta(minutes=-5), "in 5 min"),
    ],
)
def test_relative_time(delta, text):
    assert relative_time(NOW - delta, NOW) == text


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


def test_reltime_tag_puts_the_exact_time_in_a_title():
    moment = datetime(2020, 11, 22, 11, 48, tzinfo=UTC)
    html = Template("{% load gitpulse %}{% reltime moment %}").render(Context({"moment": moment}))
    assert 'datetime="2020-11-22T11:48:00+00:00"' in html
    assert 'title="2020-11-22 11:48 UTC"' in html
    assert "years ago</time>" in html


def test_reltime_tag_says_never_for_none():
    html = Template("{% load gitpulse %}{% reltime moment %}").render(Context({"moment": None}))
    assert html == "never"


def test_filters_tolerate_garbage():
    html = Template("{% load gitpulse %}{{ x|compact }} {{ x|signed }} {{ x|trend }}").render(
        Context({"x": "abc"})
    )
    assert html == "— — flat"
