"""Every public route that takes a body (the route table walked, so that a route added later
cannot escape the rule) refuses a field it does not take, sent as JSON, by its name; the bodies'
nested objects are held to it by ``tests/unit/test_public_body_levels.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.handlers.routes import Function, routes_of
from tests.support.groups import paid_group
from tests.support.invoiced import INVOICED
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")

# Each public route taking a POST, and how to reach it for real (its path with the ids and the
# token it needs): a route missing here fails the walk.
Reach = Callable[[System, dict[str, Any]], str]
_REACH: dict[str, Reach] = {
    "submitApplication": lambda s, f: f"/courses/{INVOICED}/applications",
    "startCheckout": lambda s, f: f"{_application(s, f)}/checkout?token={f['app']['token']}",
    "requestInvoice": lambda s, f: f"{_application(s, f)}/invoice?token={f['app']['token']}",
    "declineOffer": lambda s, f: f"{_application(s, f)}/decline-offer?token={f['app']['token']}",
    "leaveWaitingList": lambda s, f: (
        f"{_application(s, f)}/leave-waiting-list?token={f['app']['token']}"
    ),
    "bookPlaces": lambda s, f: f"/courses/{INVOICED}/group-bookings",
    "substitutePlace": lambda s, f: _place(s, f, "substitute"),
    "cancelPlace": lambda s, f: _place(s, f, "cancel"),
    "applyForPlace": lambda s, f: _colleague(s, f),
}


def _application(system: System, found: dict[str, Any]) -> str:
    if "app" not in found:
        found["app"] = system.apply().json()
    return f"/applications/{found['app']['application_id']}"


def _group(system: System, found: dict[str, Any]) -> dict[str, Any]:
    if "group" not in found:
        found["group"] = paid_group(system)
    return dict(found["group"])


def _place(system: System, found: dict[str, Any], action: str) -> str:
    group = _group(system, found)
    return f"/groups/{group['group_id']}/places/1/{action}?token={group['token']}"


def _colleague(system: System, found: dict[str, Any]) -> str:
    link = urlsplit(str(_group(system, found)["places"][0]["apply_url"]))
    return f"{link.path.removesuffix('/apply')}/applications?{link.query}"


def test_every_public_post_refuses_a_field_it_does_not_take(system: System) -> None:
    posts = [r for r in routes_of(Function.API) if r.method == "POST"]
    assert {r.operation_id for r in posts} == set(_REACH), "a new public POST: reach it here"
    found: dict[str, Any] = {}
    for route in posts:
        path = _REACH[route.operation_id](system, found)
        reply = system.api("POST", path, json_body={"zz_not_a_field": True})
        assert reply.status == 422, (route.operation_id, reply.body)
        reason = reply.json()["error"]["fields"]["zz_not_a_field"]
        assert reason.startswith("not a field of this request"), route.operation_id
