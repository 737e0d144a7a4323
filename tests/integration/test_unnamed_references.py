"""A reference or id no application, course, group booking or code can have (a ``?``, a ``#``,
a slash, over-long) is said as naming nothing, never "no such resource": the CLI
refuses it before any request, and the API's 404 says the same words of a path whose value its
routes cannot take (``domain.identifiers``: one rule for both)."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import quote

import pytest

from booking.domain.identifiers import HOLDS_NO_SEPARATOR, TOO_LONG
from tests.support import cli
from tests.support.system import ADMIN_TOKEN, System

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
        # A group's id typed in capitals is read in lower case, but refused as it was typed.
        (("void-group-invoice", "NOPE?X"), f"no group booking 'NOPE?X': {HOLDS_NO_SEPARATOR}"),
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


OVER = "x" * 101
SAID_OF_OVER = f"{OVER[:40]!r}... (101 characters): {TOO_LONG}"
WIDE = "x" * 500
SAID_OF_WIDE = f"{WIDE[:40]!r}... (500 characters): {TOO_LONG}"


@pytest.mark.parametrize(
    ("method", "path", "said"),
    [
        ("GET", f"/admin/applications/{OVER}", f"no application {SAID_OF_OVER}"),
        ("GET", f"/courses/{WIDE}", f"no course {SAID_OF_WIDE}"),
        ("GET", f"/admin/courses/{OVER}/applications", f"no course {SAID_OF_OVER}"),
        (
            "POST",
            f"/admin/courses/course/discount-codes/{OVER}/expire",
            f"no discount code {SAID_OF_OVER}",
        ),
        ("GET", f"/admin/courses/{OVER}/register", f"no course {SAID_OF_OVER}"),
    ],
)
def test_a_reference_over_100_characters_is_said_over_long_in_short_by_the_api(
    system: System, method: str, path: str, said: str
) -> None:
    """A value of 101..512 characters (which the routes take) is refused by the
    same rule as a longer one, before any use case echoes it whole."""
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}"}
    body: dict[str, Any] | None = {} if method == "POST" else None
    reply = system.api(method, path, json_body=body, headers=headers)
    assert reply.status == 404, reply.body
    assert reply.json()["error"]["message"] == said


def test_a_long_address_is_no_reference_and_its_person_is_looked_up(system: System) -> None:
    """A person's address may run past 100 characters (it is no id this system gives): its
    route answers it, never "no person ...: at most 100 characters"."""
    address = f"{'a' * 60}@{'b' * 60}.example.org"
    reply = system.admin("GET", f"/people/{quote(address, safe='@')}")
    assert reply.status == 404, reply.body
    assert reply.json()["error"]["message"] == "no data is held about this email address"


def test_register_of_no_course_names_the_course_as_every_route_does(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``register`` (API and CLI) says "no course 'NOPE'", never "no such course"."""
    for tail in ("register", "register/close"):
        method = "POST" if tail.endswith("close") else "GET"
        reply = system.admin(method, f"/courses/NOPE/{tail}")
        assert reply.status == 404, reply.body
        assert reply.json()["error"]["message"] == "no course 'NOPE'"
    cli.connect(system, monkeypatch)
    ran = cli.run(capsys, "register", "NOPE")
    assert (ran.status, ran.err) == (1, "course-booking: no course 'NOPE'\n"), ran


def test_the_api_still_says_no_such_resource_of_a_path_that_names_nothing(system: System) -> None:
    reply = system.admin("GET", "/nothing-here/at-all")
    assert reply.status == 404
    assert reply.json()["error"]["message"] == "no such resource"
