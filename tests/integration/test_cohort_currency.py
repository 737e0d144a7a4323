"""A cohort whose bookings hold money keeps its currency, whatever state holds it (retest13
N3): a checkout open at Stripe, an invoice issued and unpaid, a bursary granted, not only a
booking paid. Saved in another currency, the money they still bring would be summed with it
(£200 and $200 as $400). Refused in words on ``price``, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.applications import ACCOUNTS
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
    _refused(system, system.course()["course_id"], "in GBP")


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
