"""A reference or id no application, course, group booking or code can have (a ``?``, a ``#``,
a slash, over-long) is said as naming nothing, never "no such resource" (hostile21 F6): the CLI
refuses it before any request, and the API's 404 says the same words of a path whose value its
routes cannot take (``domain.identifiers``: one rule for both)."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import quote

import pytest

from booking.domain.identifiers import HOLDS_NO_SEPARATOR, TOO_LONG
from tests.support import cli
from tests.support.system import System

LONG = "CL-" + "X" * 4_997
SAID_OF_LONG = f"{LONG[:40]!r}... (5,000 characters): {TOO_LONG}"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("refund", "THO-W3SW9?x"), f"no application 'THO-W3SW9?x': {HOLDS_NO_SEPARATOR}"),
        (("application", "THO-W3SW9#a"), f"no application 'THO-W3SW9#a': {HOLDS_NO_SEPARATOR}"),
        (("cancel", "?"), f"no application '?': {HOLDS_NO_SEPARATOR}"),
        (("resend", LONG), f"no application {SAID_OF_LONG}"),
        (("void-group-invoice", "nope?x"), f"no group booking 'nope?x': {HOLDS_NO_SEPARATOR}"),
        (("void-group-invoice", "a/b"), f"no group booking 'a/b': {HOLDS_NO_SEPARATOR}"),
        (("expire-code", "course", "NOPE?"), f"no discount code 'NOPE?': {HOLDS_NO_SEPARATOR}"),
        (("roster", "a#b"), f"no course 'a#b': {HOLDS_NO_SEPARATOR}"),
        (("totals", "a?b"), f"no course 'a?b': {HOLDS_NO_SEPARATOR}"),
        (("codes", "a/b"), f"no course 'a/b': {HOLDS_NO_SEPARATOR}"),
        (("group-bookings", "a#b"), f"no course 'a#b': {HOLDS_NO_SEPARATOR}"),
        (("register", "a?b"), f"no course 'a?b': {HOLDS_NO_SEPARATOR}"),
    ],
)
def test_the_cli_refuses_a_value_no_reference_or_id_can_be_before_any_request(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    said: str,
) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda *given, **more: asked.append(given))
    ran = cli.run(capsys, *argv)
    assert (ran.status, ran.err) == (1, f"course-booking: {said}\n"), ran
    assert asked == []


@pytest.mark.parametrize(
    ("method", "path", "said"),
    [
        (
            "POST",
            "/applications/THO-W3SW9?x/refund",
            f"no application 'THO-W3SW9?x': {HOLDS_NO_SEPARATOR}",
        ),
        ("GET", "/applications/THO-W3SW9#a", f"no application 'THO-W3SW9#a': {HOLDS_NO_SEPARATOR}"),
        ("GET", f"/applications/{LONG}", f"no application {SAID_OF_LONG}"),
        ("POST", "/groups/nope?x/invoice/void", f"no group booking 'nope?x': {HOLDS_NO_SEPARATOR}"),
        (
            "POST",
            "/courses/course/discount-codes/NOPE?/expire",
            f"no discount code 'NOPE?': {HOLDS_NO_SEPARATOR}",
        ),
        ("GET", "/courses/a#b/applications", f"no course 'a#b': {HOLDS_NO_SEPARATOR}"),
    ],
)
def test_the_api_says_a_value_its_routes_cannot_take_names_nothing(
    system: System, method: str, path: str, said: str
) -> None:
    encoded = "/".join(quote(part, safe="") for part in path.split("/"))
    reply = system.admin(method, encoded)
    assert reply.status == 404, reply.body
    assert reply.json()["error"]["message"] == said


def test_the_api_still_says_no_such_resource_of_a_path_that_names_nothing(system: System) -> None:
    reply = system.admin("GET", "/nothing-here/at-all")
    assert reply.status == 404
    assert reply.json()["error"]["message"] == "no such resource"
