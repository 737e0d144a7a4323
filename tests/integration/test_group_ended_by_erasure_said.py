"""A group booking ended by an erasure, said from what happened: the
organisers read whom the erasure named (the manager is not the invoice's addressee), the
erasure's summary promises no colleague bookings to look after for a booking that ended
unpaid, and the manager's give-up of a place on an ended booking is refused as ended."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    give_up,
    invoiced_group,
    paid_group,
    substitute,
)
from tests.support.invoiced import ACCOUNTS, INVOICED
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def _erased(system: System, address: str) -> dict[str, Any]:
    reply = system.admin("DELETE", f"/people/{address}")
    assert reply.status == 200, reply.body
    [line] = reply.json()["group_bookings"]
    [said] = [s for s in reply.json()["said"] if "group booking on" in s]
    return {**line, "said": said}


def _status_said(system: System) -> str:
    reply = system.admin("GET", f"/courses/{INVOICED}/group-bookings")
    [group] = reply.json()["groups"]
    return str(group["status_said"])


def test_a_managers_erasure_is_said_as_the_managers_not_the_invoices_addressees(
    system: System,
) -> None:
    invoiced_group(system, colleagues=COLLEAGUES[:1])
    line = _erased(system, MANAGER)
    assert line["invoice_voided"] is True
    said = _status_said(system)
    assert said == (
        "Ended: its manager was erased before it was paid, so its invoice was voided and its "
        "places were released"
    )
    page = signed_in(system).words(f"/console/courses/{INVOICED}/group-bookings")
    assert said in page
    assert "the person its invoice was addressed to was erased" not in page
    # Ended unpaid: no colleague booked, nothing left for the organisers to cancel.
    assert "the manager's link no longer works" in line["said"]
    assert "colleagues' bookings" not in line["said"]


def test_a_billing_contacts_erasure_is_said_as_the_invoices_addressees(system: System) -> None:
    invoiced_group(system, colleagues=COLLEAGUES[:1])
    _erased(system, ACCOUNTS)
    assert _status_said(system).startswith(
        "Ended: the person its invoice was addressed to was erased"
    )
    _erased(system, MANAGER)  # then the manager too: both said
    assert _status_said(system).startswith(
        "Ended: its manager and the person its invoice was addressed to were erased"
    )


def test_a_paid_groups_managers_erasure_leaves_its_colleagues_bookings_to_the_organisers(
    system: System,
) -> None:
    paid_group(system, colleagues=COLLEAGUES[:1])
    line = _erased(system, MANAGER)
    assert "the organisers now cancel its colleagues' bookings themselves" in line["said"]


def test_a_place_of_a_booking_ended_by_the_billing_contacts_erasure_is_refused_as_ended(
    system: System,
) -> None:
    group = invoiced_group(system, colleagues=COLLEAGUES[:2])
    _erased(system, ACCOUNTS)
    for refused in (
        give_up(system, group, 1),
        substitute(system, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"}),
    ):
        error = refused.refused(409, "lapsed")
        assert error["message"] == (
            "this booking has ended: its places were released because the invoice for them "
            "was cancelled when the details of the person it was addressed to were erased"
        )
        assert "once the booking is paid" not in error["message"]


def test_an_erased_managers_ended_booking_shows_no_placeholder_and_no_apply_by(
    system: System,
) -> None:
    """The console shows no internal placeholder address for
    an erased manager, and no date to apply by on a booking that has ended."""
    invoiced_group(system, colleagues=COLLEAGUES[:1])
    _erased(system, MANAGER)
    page = signed_in(system).get(f"/console/courses/{INVOICED}/group-bookings").body
    assert "erased@invalid.example" not in page
    assert "Manager</dt><dd>Erased: their name and address are no longer held" in page
    assert "Colleagues apply by" not in page


def test_a_paid_booking_still_shows_when_colleagues_apply_by(system: System) -> None:
    paid_group(system, colleagues=COLLEAGUES[:1])
    page = signed_in(system).words(f"/console/courses/{INVOICED}/group-bookings")
    assert "Colleagues apply by" in page
    assert MANAGER in page
