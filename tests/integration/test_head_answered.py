"""HEAD on a route that serves GET is answered as GET (it was 405), on every
function, from the route table (``Route.methods``): the same status and headers, and the local
stack's server, as API Gateway, sends no body. It changes nothing and asks no CSRF token; a
path that serves no GET still answers HEAD with 405 naming what it serves."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from infra.local.http_server import handler_for
from tests.support.console import signed_in
from tests.support.local_http import SameAnswer, serving
from tests.support.system import COURSE_ID, System


def test_head_on_the_public_api_answers_as_get(system: System) -> None:
    got = system.api("GET", f"/courses/{COURSE_ID}")
    head = system.api("HEAD", f"/courses/{COURSE_ID}")

    assert (head.status, head.headers["content-type"]) == (200, got.headers["content-type"])
    assert system.api("HEAD", "/courses/no-such-course").status == 404
    refused = system.api("HEAD", f"/courses/{COURSE_ID}/applications")
    assert (refused.status, refused.headers["allow"]) == (405, "POST")


def test_head_on_a_console_page_is_the_page_without_a_csrf_token(system: System) -> None:
    browser = signed_in(system)
    before = system.items()

    head = browser.request("HEAD", f"/console/courses/{COURSE_ID}")

    assert head.status == 200, head.body[:300]
    assert head.headers["content-type"].startswith("text/html")
    assert system.items() == before


def test_head_on_the_organiser_api_needs_the_token_as_get_does(system: System) -> None:
    assert system.admin("HEAD", f"/courses/{COURSE_ID}/applications").status == 200
    assert system.admin("HEAD", f"/courses/{COURSE_ID}/applications", token=None).status == 401


@pytest.fixture
def local_server() -> Iterator[int]:
    with serving(handler_for(SameAnswer())) as port:
        yield port


def test_the_local_server_sends_heads_headers_without_the_body(local_server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", local_server, timeout=5)
    connection.request("HEAD", "/courses")
    answer = connection.getresponse()
    assert (answer.status, answer.getheader("content-length")) == (200, "8")
    assert answer.read() == b""
    connection.close()
