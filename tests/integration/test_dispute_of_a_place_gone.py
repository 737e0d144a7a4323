"""A payer's bank disputing a payment whose booking holds no place any more (cancelled and
refunded before the dispute came, or a group booking whose places were all released): the
organisers are never told "The place has not been taken away ... or cancel the place", which
there is none to cancel; they read that the booking holds no place, and to respond on
Stripe's dashboard with the refund as evidence where one was made, else with evidence. On the
console's application page, the organiser API's record, the facilitators' message and a
group's line.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.integration.test_disputed_refunds import _disputed
from tests.integration.test_disputes_groups_invoices import _group_invoice, _opened
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, paid_group_with_an_apply_by, the_apply_by_passes
from tests.support.invoiced import INVOICED
from tests.support.stripe_events import paid
from tests.support.system import System

STILL_HELD = "The place has not been taken away"
GONE = "The booking holds no place any more"


def test_a_dispute_of_a_booking_cancelled_and_refunded_before_it_says_no_place_is_held(
    system: System,
) -> None:
    application = paid(system, "refunded-first@example.org")
    application_id = application["application_id"]
    assert system.cancel(application_id, refund=True).status == 200
    system.deliver_emails()

    _disputed(system, application)

    record = system.admin("GET", f"/applications/{application_id}").json()
    page = signed_in(system).words(f"/console/applications/{application_id}")
    [told] = [e for e in system.deliver_emails() if "Payment disputed" in e.subject]
    for said in (str(record["disputed"]), page, " ".join(told.text.split())):
        assert "Payment disputed by the payer's bank on" in said
        assert STILL_HELD not in said
        assert "cancel the place" not in said
        assert GONE in said
        assert "respond on Stripe's dashboard by" in said
        assert "with the refund as evidence" in said


@pytest.mark.usefixtures("invoiced")
def test_a_dispute_of_a_group_whose_places_were_all_released_says_no_place_is_held(
    system: System,
) -> None:
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:2])
    _opened(system, _group_invoice(system, group))
    the_apply_by_passes(system, group)

    lines = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    [line] = [g for g in lines if g["group_id"] == group["group_id"]]
    assert STILL_HELD not in line["disputed_said"]
    assert GONE in line["disputed_said"]
    assert "respond with evidence on Stripe's dashboard" in line["disputed_said"]
