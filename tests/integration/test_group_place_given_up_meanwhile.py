"""A place given up before the group is paid, while another change to the group is saved first:
the new way to pay asked of Stripe for the places kept (an invoice, a checkout) is undone, the
manager is asked to try again, and the group, its old way to pay and the seats are as they were
(``services.group_unpaid_card.saved_or_undone``, the one tail both ways share)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from booking.domain.groups import GroupBooking
from tests.integration.test_group_bookings import (
    BILLING,
    COLLEAGUES,
    book,
    invoiced,  # noqa: F401 (the fixture)
    manager_view,
    places_left,
)
from tests.support.system import COURSE_ID, System

HEADERS = {"authorization": "Bearer sk_test_local"}


def race_next_save(system: System, monkeypatch: pytest.MonkeyPatch) -> list[GroupBooking]:
    """The group store, with another change saved just before the next save of a group: that
    save finds the group changed. Answers the groups whose save lost."""
    store = system.ports.groups
    real_save = store.save_group
    lost: list[GroupBooking] = []

    def save_after_another(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
        if previous is not None and not lost:
            lost.append(new)
            real_save(previous, previous)  # another change, saved first
        return real_save(new, previous)

    monkeypatch.setattr(store, "save_group", save_after_another)
    return lost


def _give_up_place(system: System, group: dict[str, Any], number: int) -> Any:
    url = f"/groups/{group['group_id']}/places/{number}/cancel?token={group['token']}"
    return system.api("POST", url)


def test_an_invoice_asked_for_the_places_kept_is_voided_when_the_group_changed_meanwhile(
    invoiced: System,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = invoiced
    group = book(system, **BILLING).json()
    first_invoice = str(group["pay_url"]).rsplit("/", 1)[-1]
    left = places_left(system)
    raced = race_next_save(system, monkeypatch)

    reply = _give_up_place(system, group, 3)

    assert reply.status == 409, reply.body
    assert reply.json()["error"]["code"] == "group_changed"
    [lost] = raced
    assert lost.invoice is not None
    new_invoice = lost.invoice.invoice_id
    assert new_invoice != first_invoice
    invoices = {
        invoice_id: system.stripe_local("GET", f"/v1/invoices/{invoice_id}", headers=HEADERS).json()
        for invoice_id in (first_invoice, new_invoice)
    }
    assert invoices[new_invoice]["status"] == "void"
    assert invoices[first_invoice]["status"] == "open"  # the old one still asks
    view = manager_view(system, group)
    assert all(place["state"] != "released" for place in view["places"])
    assert places_left(system) == left


def test_a_checkout_asked_for_the_places_kept_is_expired_when_the_group_changed_meanwhile(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    first_session = urlsplit(group["pay_url"]).path.rsplit("/", 1)[-1]
    left = places_left(system, COURSE_ID)
    raced = race_next_save(system, monkeypatch)

    reply = _give_up_place(system, group, 2)

    assert reply.status == 409, reply.body
    assert reply.json()["error"]["code"] == "group_changed"
    [lost] = raced
    assert lost.checkout is not None
    sessions = {
        session_id: system.stripe_local(
            "GET", f"/v1/checkout/sessions/{session_id}", headers=HEADERS
        ).json()
        for session_id in (first_session, lost.checkout.session_id)
    }
    assert sessions[lost.checkout.session_id]["status"] == "expired"
    assert sessions[first_session]["status"] == "open"  # the old one still asks
    assert places_left(system, COURSE_ID) == left
