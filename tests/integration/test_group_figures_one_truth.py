"""A manager's group booking's figures, the same on every view: their
JSON answer, their page and the organisers' group bookings list say what was paid, what went
back (a payment given back whole counted too), how many places it holds (none once it ended)
and, in words, its state (one refunded in full at Stripe has ended, though still ``paid``).
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    book,
    group_page,
    manager_view,
    pay_invoice,
    pay_link_id,
)
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import System


def _line(system: System, group: dict[str, Any]) -> dict[str, Any]:
    listed = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    return dict(next(g for g in listed if g["group_id"] == group["group_id"]))


def test_an_invoice_written_off_then_paid_is_given_back_and_every_view_says_so(
    system: System,
) -> None:
    invoiced_cohort(system, capacity=5)
    group: dict[str, Any] = book(system, **BILLING, colleagues=COLLEAGUES[:2]).json()
    invoice = pay_link_id(group)
    assert system.stripe_local("POST", f"/invoices/{invoice}/mark_uncollectible").status == 200
    assert system.stripe_local("POST", f"/invoices/{invoice}/pay").status == 200

    seen = manager_view(system, group)
    assert seen["status"] == "lapsed"
    assert (seen["amount_paid"], seen["amount_refunded"], seen["places_kept"]) == (40000, 40000, 0)
    line = _line(system, group)
    assert (line["paid_said"], line["refunded_said"]) == ("£400.00", "£400.00")
    assert (line["places_kept"], line["places_given_up"]) == (0, 0)
    assert line["places_said"] == "2 released when the booking ended, of 2 booked"
    page = group_page(system, group)
    assert str(escape(seen["status_said"])) in page
    assert "<dt>Places kept</dt><dd>0 of 2</dd>" in page
    assert "<dt>Refunded</dt><dd>£400.00</dd>" in page


def test_a_group_refunded_in_full_at_stripe_says_it_ended_to_its_manager(system: System) -> None:
    invoiced_cohort(system, capacity=5)
    group: dict[str, Any] = book(system, **BILLING, colleagues=COLLEAGUES[:2]).json()
    pay_invoice(system, group)
    payment = system.stored_group(group).payment_intent
    system.refund_at_stripe(payment)

    seen = manager_view(system, group)
    assert (seen["status"], seen["ended_because"]) == ("paid", "refunded_at_stripe")
    assert seen["status_said"] != "Paid: your colleagues can apply"
    assert "refunded" in seen["status_said"].lower()
    assert (seen["amount_paid"], seen["amount_refunded"], seen["places_kept"]) == (40000, 40000, 0)
    assert str(escape(seen["status_said"])) in group_page(system, group)


def test_the_money_page_says_an_ended_group_and_a_cancelled_booking_in_words(
    system: System,
) -> None:
    """No "Never paid" beside what it paid, the places it holds counted as
    every other view counts them, no raw id, and no "Due" on a booking that ended."""
    invoiced_cohort(system, capacity=5)
    group: dict[str, Any] = book(system, **BILLING, colleagues=COLLEAGUES[:2]).json()
    invoice = pay_link_id(group)
    assert system.stripe_local("POST", f"/invoices/{invoice}/mark_uncollectible").status == 200
    assert system.stripe_local("POST", f"/invoices/{invoice}/pay").status == 200
    applied = system.booked(INVOICED, email="kept@example.org")
    cancel = f"/applications/{applied['application_id']}/cancel"
    assert system.admin("POST", cancel, json_body={"refund": False}).status == 200

    browser = signed_in(system)
    said = browser.words(f"/console/courses/{INVOICED}/money")
    assert (
        "Group booking: 0 of 2 places kept (St Elsewhere NHS Trust) Ended: places released; "
        "a payment it could not take was refunded in full - £400.00 £400.00"
    ) in said
    assert "Never paid" not in said
    assert group["group_id"] not in said
    name = system.stored(applied["application_id"]).answers.name  # the Money page names it
    assert f"{applied['reference']} {name} Cancelled £200.00 - - - £200.00 - -" in said
    page = browser.get(f"/console/courses/{INVOICED}/money").body
    assert f"group-bookings#group-{group['group_id']}" in page
