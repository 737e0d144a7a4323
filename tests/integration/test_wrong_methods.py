"""A known path asked with a method it does not answer: 405 naming the methods it does (Allow),
on every HTTP function, as the route table serves them, through the in-process system.

Strangers learn nothing more than before: the organiser API still answers 401 without a token,
and the console still sends a browser without a session to sign in.
"""

from __future__ import annotations

import re

import pytest

from booking.handlers.routes import Function, methods_for, routes_of
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.system import System

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _concrete(path: str) -> str:
    """A path of the table with each parameter filled in (an email where one is named)."""
    return re.sub(
        r"\{(\w+)\}", lambda m: "ada@example.org" if m[1] == "email" else f"{m[1]}-1", path
    )


def _wrong_methods(function: Function) -> list[tuple[str, str, list[str]]]:
    asked: list[tuple[str, str, list[str]]] = []
    for path in sorted({r.path for r in routes_of(function)}):
        concrete = _concrete(path)
        allowed = methods_for(concrete, function)
        asked += [(method, concrete, allowed) for method in METHODS if method not in allowed]
    return asked


def test_every_admin_path_answers_a_wrong_method_with_405_and_allow(system: System) -> None:
    for method, path, allowed in _wrong_methods(Function.ADMIN):
        reply = system.admin(method, path.removeprefix("/admin"))
        assert reply.status == 405, (method, path, reply.status)
        assert reply.headers["allow"] == ", ".join(allowed), (method, path)
        if method != "HEAD":
            assert reply.json()["error"]["code"] == "method_not_allowed"


def test_a_wrong_method_on_admin_is_still_401_to_strangers(system: System) -> None:
    reply = system.admin("DELETE", "/courses/any-course", token=None)
    assert reply.status == 401
    assert "allow" not in reply.headers
    assert system.admin("GET", "/no/such/path").status == 404


def test_every_console_path_answers_a_wrong_method_with_405_and_allow(system: System) -> None:
    browser = signed_in(system)
    for method, path, allowed in _wrong_methods(Function.CONSOLE):
        # A form post without the CSRF token too: the path does not take this method, so the
        # CSRF check is not the answer.
        reply = browser.request(method, path)
        assert reply.status == 405, (method, path, reply.status)
        assert reply.headers["allow"] == ", ".join(allowed), (method, path)
        assert reply.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("HEAD", "/console/applications/some-id/approve", "POST"),
        ("POST", "/console", "GET, HEAD"),
        ("GET", "/console/applications/some-id/approve", "POST"),
        ("DELETE", "/console/sign-in", "GET, HEAD, POST"),
    ],
)
def test_the_reported_console_cases(system: System, method: str, path: str, allowed: str) -> None:
    browser = signed_in(system)
    reply = browser.request(method, path)
    assert (reply.status, reply.headers.get("allow")) == (405, allowed)


def test_a_wrong_method_sends_a_stranger_to_sign_in_and_an_unknown_page_is_404(
    system: System,
) -> None:
    browser = ConsoleBrowser(system)
    reply = browser.request("POST", "/console")
    assert reply.status == 303
    assert reply.headers["location"].startswith("/console/sign-in")
    assert browser.request("DELETE", "/console/sign-in").status == 405  # open to all
    browser.sign_in()
    assert browser.request("POST", "/console/no-such-page").status == 404
    # A served form post still needs its CSRF token.
    assert browser.request("POST", "/console/sign-out").status == 403


def test_a_right_method_on_a_value_no_route_takes_is_404_not_405(system: System) -> None:
    # The path fits the table's template, but its value holds a character no id does.
    reply = system.admin("PUT", '/courses/a"b', json_body={})
    assert reply.status == 404, reply.body
    assert "allow" not in reply.headers
    browser = signed_in(system)
    assert browser.request("GET", '/console/applications/a"b').status == 404
