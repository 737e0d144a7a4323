"""Every organiser write that takes no body (the route table documents none) refuses a field
sent to it by its name, and a body other than JSON, before it acts: a ``DELETE /admin/people/
{email}`` sent ``{"dry_run": true}`` erased the person, and a register's close sent one closed
it and emailed the certificates, both for good."""

from __future__ import annotations

import re

import pytest

from booking.handlers.address_parameters import READ_METHODS
from booking.handlers.routes import Function, Route, routes_of
from tests.support.system import ADMIN_TOKEN, System

TAKING_NO_BODY = [
    r for r in routes_of(Function.ADMIN) if r.body is None and r.method not in READ_METHODS
]
PERSON = "kept.person@example.org"


def _address(route: Route) -> str:
    """``route``'s path with each parameter filled in (the person's address for an email)."""
    filled = route.path.replace("{email}", PERSON)
    return re.sub(r"\{\w+\}", "x", filled).removeprefix("/admin")


@pytest.mark.parametrize("route", TAKING_NO_BODY, ids=lambda r: r.operation_id)
def test_a_field_sent_to_a_write_that_takes_none_is_refused_by_its_name(
    system: System, route: Route
) -> None:
    system.apply(email=PERSON)

    refused = system.admin(route.method, _address(route), json_body={"dry_run": True})

    error = refused.refused(422, "validation_failed")
    assert "not a field of this request" in error["fields"]["dry_run"], error
    assert system.admin("GET", f"/people/{PERSON}").status == 200  # nothing erased


@pytest.mark.parametrize("route", TAKING_NO_BODY, ids=lambda r: r.operation_id)
def test_a_body_other_than_json_is_refused_before_anything_is_done(
    system: System, route: Route
) -> None:
    system.apply(email=PERSON)

    headers = {"authorization": f"Bearer {ADMIN_TOKEN}", "content-type": "text/plain"}
    refused = system.api(route.method, f"/admin{_address(route)}", headers=headers, raw=b"dry")

    refused.refused(415, "unsupported_media_type")
    assert system.admin("GET", f"/people/{PERSON}").status == 200
