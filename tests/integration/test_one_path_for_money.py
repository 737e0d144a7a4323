"""The one path for money, through the real handlers, moto and the Stripe stand-in: nothing to
pay means confirmed, whichever way; a Stripe object is believed only for the application that
recorded its id; what every view says of an invoice is what Stripe holds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import signed_in
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import COURSE_ID, STRIPE_KEY, System


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system)


def make_code(system: System, course_id: str, **terms: Any) -> None:
    system.made_code(course_id, **terms)


def apply(system: System, course_id: str = INVOICED, **fields: Any) -> dict[str, Any]:
    reply = system.apply(course_id, **fields)
    assert reply.status == 201, reply.body
    return dict(reply.json())


def roster_row(system: System, course_id: str, application_id: str) -> dict[str, Any]:
    rows = system.admin("GET", f"/courses/{course_id}/applications").json()
    [row] = [r for r in rows if r["application_id"] == application_id]
    return dict(row)


# -- nothing to pay means confirmed ------------------------------------------------------------


@pytest.mark.parametrize("by_invoice", [False, True], ids=["card", "invoice"])
def test_a_full_code_books_the_place_with_nothing_created_at_stripe(
    invoiced: System, by_invoice: bool
) -> None:
    make_code(invoiced, INVOICED, code="ALL-FREE", percent_off=100)
    fields = BILLING if by_invoice else {}
    booked = apply(invoiced, discount_code="all-free", **fields)
    assert (booked["status"], booked["amount_due"], booked["checkout_url"]) == (
        "confirmed",
        0,
        None,
    )
    # No checkout and no invoice for nothing: Stripe was never asked for anything.
    assert [e["type"] for e in invoiced.standin.events() if "created" not in e["type"]] == []
    assert not [e for e in invoiced.standin.events() if e["type"].startswith("invoice.")]
    subjects = [m.subject for m in invoiced.deliver_emails()]
    assert any(s.startswith("Your place is confirmed") for s in subjects), subjects
    assert not any("invoice" in s.lower() for s in subjects), subjects


def test_a_code_and_a_bursary_leaving_nothing_confirm_an_invoice_booking_at_once(
    invoiced: System,
) -> None:
    system = invoiced
    make_code(system, INVOICED, code="LESS-150", amount_off=15000)
    application = apply(system, discount_code="less-150", **BILLING)
    assert application["status"] == "awaiting_invoice_payment"
    invoice_id = invoice_id_of(application)
    granted = system.grant_bursary(application, 10000)
    # One step, no 409 to retry: £200 less £100 is £100, and the £150 code takes all of it.
    assert granted.status == 200, granted.body
    assert granted.json()["status"] == "confirmed"
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    row = roster_row(system, INVOICED, application["application_id"])
    assert (row["invoice_status"], row["amount_due"]) == ("void", 0)
    paid_at_stripe = [e for e in system.standin.events() if e["type"] == "invoice.paid"]
    assert paid_at_stripe == []  # no £0 invoice was made (Stripe would mark one paid)


def test_a_part_bursary_replaces_the_invoice_in_one_step(invoiced: System) -> None:
    system = invoiced
    application = apply(system, **BILLING)
    old = invoice_id_of(application)
    granted = system.grant_bursary(application, 5000)
    assert granted.status == 200, granted.body
    status = system.api(
        "GET", f"/applications/{application['application_id']}?token={application['token']}"
    ).json()
    new = invoice_id_of(status)
    assert new != old
    assert (system.stripe_invoice(old)["status"], system.stripe_invoice(new)["status"]) == (
        "void",
        "open",
    )
    assert system.stripe_invoice(new)["amount_due"] == 15000
    assert roster_row(system, INVOICED, application["application_id"])["invoice_status"] == "open"


# -- a Stripe object is believed only for the application that recorded it --------------------


def test_an_invoice_event_naming_another_application_changes_nothing_of_anyones(
    invoiced: System,
) -> None:
    system = invoiced
    a = apply(system, **BILLING)
    b = apply(system, email="grace@example.org", name="Grace Hopper", **BILLING)
    paid = system.stripe_local("POST", f"/invoices/{invoice_id_of(a)}/pay")
    assert paid.status == 200, paid.body
    [event] = [e for e in system.standin.events() if e["type"] == "invoice.paid"]
    # A's own invoice.paid, its metadata saying B, signed: Stripe's signature, a false name.
    event["id"] = "evt_crossed"
    event["data"]["object"]["metadata"]["application_id"] = b["application_id"]
    body = json.dumps(event).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200, reply.body
    refunds = [
        e for e in system.standin.events() if e["type"].startswith(("charge.refund", "refund."))
    ]
    assert refunds == []  # A's payment was not given back
    row_a = roster_row(system, INVOICED, a["application_id"])
    row_b = roster_row(system, INVOICED, b["application_id"])
    assert (row_a["status"], row_a["amount_paid"], row_a["amount_refunded"]) == (
        "confirmed",
        20000,
        0,
    )
    assert (row_b["status"], row_b["amount_paid"], row_b["amount_refunded"]) == (
        "awaiting_invoice_payment",
        0,
        0,
    )
    kinds = [anomaly.kind for anomaly in system.ports.repository.anomalies()]
    assert kinds == ["event_names_another_application"]


def test_a_checkout_event_naming_another_application_changes_nothing_of_anyones(
    system: System,
) -> None:
    a = apply(system, COURSE_ID)
    b = apply(system, COURSE_ID, email="grace@example.org", name="Grace Hopper")
    system.pay(a["checkout_url"])
    [event] = [e for e in system.standin.events() if e["type"] == "checkout.session.completed"]
    event["id"] = "evt_crossed_checkout"
    event["data"]["object"]["client_reference_id"] = b["application_id"]
    event["data"]["object"]["metadata"]["application_id"] = b["application_id"]
    body = json.dumps(event).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200, reply.body
    assert system.standin.money_taken() == {a["application_id"]: 20000}  # nothing given back
    row_a = roster_row(system, COURSE_ID, a["application_id"])
    row_b = roster_row(system, COURSE_ID, b["application_id"])
    assert (row_a["status"], row_a["amount_paid"]) == ("confirmed", 20000)
    assert (row_b["status"], row_b["amount_paid"], row_b["amount_refunded"]) == (
        "awaiting_payment",
        0,
        0,
    )
    kinds = [anomaly.kind for anomaly in system.ports.repository.anomalies()]
    assert kinds == ["event_names_another_application"]


def test_a_paid_invoice_no_application_issued_is_given_back(invoiced: System) -> None:
    system = invoiced
    a = apply(system, **BILLING)
    invoice = system.stripe_invoice(invoice_id_of(a))
    # An invoice made at Stripe by hand, naming A: nobody here recorded it.
    created = system.stripe_local(
        "POST",
        "/v1/invoices",
        f"customer={invoice['customer']}&collection_method=send_invoice&days_until_due=10"
        f"&metadata[application_id]={a['application_id']}".encode(),
        STRIPE_KEY | {"content-type": "application/x-www-form-urlencoded"},
    )
    assert created.status == 200, created.body
    stray = created.json()["id"]
    item = f"customer={invoice['customer']}&invoice={stray}&amount=5000&currency=gbp"
    system.stripe_local(
        "POST",
        "/v1/invoiceitems",
        item.encode(),
        STRIPE_KEY | {"content-type": "application/x-www-form-urlencoded"},
    )
    system.stripe_local("POST", f"/v1/invoices/{stray}/finalize", b"", STRIPE_KEY)
    assert system.stripe_local("POST", f"/invoices/{stray}/pay").status == 200
    assert roster_row(system, INVOICED, a["application_id"])["status"] == "awaiting_invoice_payment"
    assert system.standin.money_taken().get(a["application_id"], 0) == 0  # given back
    kinds = [anomaly.kind for anomaly in system.ports.repository.anomalies()]
    assert kinds == ["payment_for_no_application"]


# -- one truth -------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["api", "console", "erasure"])
def test_after_a_cancellation_or_an_erasure_every_view_says_void_as_stripe_does(
    invoiced: System, how: str
) -> None:
    system = invoiced
    application = apply(system, **BILLING)
    app_id = application["application_id"]
    console = signed_in(system)
    if how == "erasure":
        assert system.admin("DELETE", "/people/ada@example.org").status == 200
    elif how == "api":
        assert system.cancel(app_id, refund=None).status == 200
    else:
        page = f"/console/applications/{app_id}"
        assert console.press(f"{page}/cancel", f"{page}/cancel").status == 303
    assert system.stripe_invoice(invoice_id_of(application))["status"] == "void"
    assert roster_row(system, INVOICED, app_id)["invoice_status"] == "void"
    shown = console.get(f"/console/applications/{app_id}")
    assert shown.status == 200, shown.body
    assert "waiting to be paid" not in shown.body
