"""Browsers get HTML, JSON clients JSON: one negotiation, by q-values, in any case."""

from __future__ import annotations

import pytest

from booking.handlers.http import wants_html

BROWSERS = [
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # Firefox, Chrome
    "TEXT/HTML",
    "Text/Html; charset=utf-8",
    "application/xhtml+xml",
    "application/json;q=0.5, text/html",
    "text/html, application/json",  # both named, equally: the page, as before
    "text/*",
    "*/*;q=0.1, text/html",
]
JSON_CLIENTS = [
    None,
    "",
    "*/*",
    "application/json",
    "APPLICATION/JSON",
    "text/html;q=0.1, application/json",
    "text/html;q=0, */*",
    "text/html;q=0",
    "application/json, */*",
    "text/html;q=nonsense, application/json",
    "text/html;q=2, application/json;q=0.9",  # a q beyond 1 cannot be met
    "text/htmlx",
    "text",
    ";;,,",
]


@pytest.mark.parametrize("accept", BROWSERS)
def test_a_request_that_prefers_html_gets_a_page(accept: str) -> None:
    assert wants_html(accept)


@pytest.mark.parametrize("accept", JSON_CLIENTS)
def test_a_request_that_does_not_prefer_html_gets_json(accept: str | None) -> None:
    assert not wants_html(accept)
