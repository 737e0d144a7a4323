"""A group booking whose save recording its checkout loses a race (a sweep, the manager's page,
an erasure writing the group after its seats were held, while Stripe was asked): put on the
fresh group if it still awaits that payment for the same places, else the checkout is expired
at Stripe, the group ended with its seats back, and the manager answered 409 in words, never
a 500 leaving an open checkout that no group holds. Through the real handlers,
moto and the Stripe stand-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking, lapsed
from booking.services import group_booking
from tests.support.groups import COLLEAGUES, book, manager_view, pay_link_id
from tests.support.stripe_client import requests_to, stripe_client
from tests.support.system import COURSE_ID, System


def _written_meanwhile(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[GroupBooking], GroupBooking]
) -> list[GroupBooking]:
    """Someone else writes the group (``change``) just after Stripe was asked for its checkout;
    what was asked, as it was asked, is listed."""
    asking = group_booking._ask_for_payment
    asked_for: list[GroupBooking] = []

    def racing(ports: Any, course: Any, saved: GroupBooking, due_at: Any) -> GroupBooking:
        asked = asking(ports, course, saved, due_at)
        asked_for.append(asked)
        current = ports.groups.get_group(saved.group_id)
        ports.groups.save_group(change(current), current)
        return asked

    monkeypatch.setattr(group_booking, "_ask_for_payment", racing)
    return asked_for


def _sessions(system: System) -> list[Any]:
    return requests_to(system.stripe_http, "/v1/checkout/sessions")


def test_a_checkout_asked_while_the_group_was_written_is_recorded_on_the_fresh_group(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    _written_meanwhile(monkeypatch, lambda group: group.with_event("evt_elsewhere"))
    reply = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2])
    assert reply.status == 201, reply.body
    group = reply.json()
    assert len(_sessions(system)) == 1
    view = manager_view(system, group)
    assert (view["status"], view["pay_url"]) == ("awaiting_payment", group["pay_url"])
    assert system.checkout_session(str(group["pay_url"]))["status"] == "open"
    stored = system.stored_group(str(group["group_id"]))
    assert "evt_elsewhere" in stored.recent_event_ids
    assert stored.checkout is not None
    assert stored.checkout.session_id == pay_link_id(group)


def test_a_group_ended_while_its_checkout_was_asked_answers_409_and_expires_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = int(system.course(COURSE_ID)["places_left"])
    asked_for = _written_meanwhile(
        monkeypatch, lambda group: lapsed(group, group.updated_at, GroupEnding.CHECKOUT_EXPIRED)
    )
    reply = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2])
    error = reply.refused(409, "concurrent_update")
    assert "nothing was charged" in error["message"]
    assert len(_sessions(system)) == 1
    (asked,) = asked_for
    assert asked.checkout is not None
    session = stripe_client(system.stripe_http).v1.checkout.sessions.retrieve(
        asked.checkout.session_id
    )
    assert session["status"] == "expired"
    assert int(system.course(COURSE_ID)["places_left"]) == left
    ended = system.stored_group(asked.group_id)
    assert ended.status.value != "awaiting_payment"
    assert ended.checkout is None
