"""A cohort whose bookings hold money keeps its currency, whatever state holds it: a checkout open
at Stripe, an invoice issued and unpaid, a bursary granted, not only a
booking paid. Saved in another currency, the money they still bring would be summed with it
(£200 and $200 as $400). Refused in words on ``price``, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from booking.handlers.course_form import form_of
from tests.support.applications import ACCOUNTS
from tests.support.cohorts import ADA, BOB, Cohorts
from tests.support.console import posted_fields, signed_in
from tests.support.groups import invoiced_group
from tests.support.invoiced import INVOICED
from tests.support.system import System


def _in_dollars(system: System, course: str) -> Any:
    file = {**system.course_file(course), "price": {"amount": 20000, "currency": "usd"}}
    return system.admin("PUT", f"/courses/{course}", json_body=file)


def _refused(system: System, course: str, held: str) -> None:
    reply = _in_dollars(system, course)
    assert reply.status == 422, reply.body
    reason = reply.json()["error"]["fields"]["price"]
    assert reason.startswith("keep the currency GBP"), reason
    assert held in reply.json()["error"]["message"]
    assert system.course(course)["price"]["currency"] == "gbp"


def test_a_checkout_open_keeps_the_currency(system: System) -> None:
    assert system.apply().status == 201  # awaiting payment: a GBP checkout open at Stripe
    _refused(system, system.course()["course_id"], "1 checkout open in GBP")


def test_a_bursary_granted_keeps_the_currency(system: System) -> None:
    application = system.apply().json()
    assert system.grant_bursary(application, 20000).status == 200
    # Confirmed by the fund alone: nothing paid, and its money is still the cohort's.
    assert system.status_of(application)["status"] == "confirmed"
    # Said as the bursary it is, not as the checkout it closed.
    _refused(system, system.course()["course_id"], "this cohort has 1 bursary granted in GBP,")


@pytest.mark.usefixtures("invoiced")
def test_an_invoice_unpaid_keeps_the_currency(system: System) -> None:
    billing = ACCOUNTS.model_dump() | {"po_number": "PO-1"}
    reply = system.apply(INVOICED, payment_method="invoice", **billing)
    assert reply.status == 201, reply.body
    assert reply.json()["status"] == "awaiting_invoice_payment"
    _refused(system, INVOICED, "1 invoice unpaid in GBP")


def test_a_cohort_holding_no_money_may_change_its_currency(system: System) -> None:
    course = system.course()["course_id"]
    assert _in_dollars(system, course).status == 200
    assert system.course(course)["price"]["currency"] == "usd"


@pytest.mark.usefixtures("invoiced")
def test_a_group_booking_invoiced_and_unpaid_keeps_the_currency(system: System) -> None:
    invoiced_group(system)
    _refused(system, INVOICED, "1 invoice unpaid in GBP")


PRICED = "1 application or booking priced in GBP"


def test_an_application_awaiting_review_keeps_the_currency(system: System) -> None:
    """It keeps the price it was made at, and approved would be asked for it in GBP:
    every status that may still lead to a booking counts."""
    course = system.approval_course()
    reply = system.apply(course)
    assert reply.json()["status"] == "pending_review", reply.body
    _refused(system, course, f"this cohort has {PRICED},")
    # The console's course form says it beside its price, and saves nothing.
    saved = system.stored_course(course)
    fields = posted_fields(form_of(course, saved.definition))
    page = signed_in(system).act("/console/courses", **{**fields, "currency": "usd"})
    assert page.status == 422
    assert 'id="price-error"' in page.body
    assert PRICED in page.body
    assert system.course(course)["price"]["currency"] == "gbp"


def test_a_checkout_expired_is_not_said_open(system: System) -> None:
    """Expired at Stripe, the checkout holds nothing; the application may
    still open another, at its price in GBP, so it counts as priced, not as a checkout."""
    application = system.apply().json()
    session_id = application["checkout_url"].rsplit("/", 1)[-1]
    assert system.stripe_local("POST", f"/checkout/{session_id}/expire").status == 200
    assert system.status_of(application)["status"] == "expired"
    _refused(system, system.course()["course_id"], f"this cohort has {PRICED},")


def test_a_dearer_move_waiting_for_its_difference_keeps_the_currency(system: System) -> None:
    """The difference is asked in GBP, and the booking would land in a USD cohort with its
    GBP money."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-winter").json()["pending_move"] is not None
    _refused(system, "move-winter", "this cohort has 1 move into it waiting in GBP,")


def test_a_move_on_the_waiting_list_keeps_the_currency(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    waits = cohorts.move(app_id, "move-full", wait=True)
    assert waits.status == 200, waits.body
    _refused(system, "move-full", "1 move into it waiting in GBP")


def test_a_code_taking_an_amount_off_keeps_the_currency_until_expired(system: System) -> None:
    """A fixed amount off is in the cohort's currency: in another, nobody could give the code.
    A percentage off is in none."""
    course = system.course()["course_id"]
    system.made_code(course, code="FIFTY", amount_off=5000)
    system.made_code(course, code="HALF", percent_off=50)
    _refused(system, course, "the discount code FIFTY taking an amount off in GBP")
    reply = _in_dollars(system, course)
    assert "expire FIFTY before changing it" in reply.json()["error"]["message"]
    assert "HALF" not in reply.json()["error"]["message"]
    expired = system.admin("POST", f"/courses/{course}/discount-codes/FIFTY/expire")
    assert expired.status == 200, expired.body
    assert _in_dollars(system, course).status == 200
