"""Every payment that reaches the system is recorded with its refund, whatever was decided about
it: the roster, the totals, the person's export and the timeline say what Stripe took and gave
back. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from booking.domain.timeline import EntryKind
from tests.integration.test_one_path_for_money import (
    apply,
    invoiced,  # noqa: F401  (the fixture)
    roster_row,
)
from tests.support.applications import invoice_id_of
from tests.support.held_events import paid_after_its_read
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import COURSE_ID, STRIPE_KEY, Reply, System


def _deliver_held(system: System) -> None:
    system.hold_webhooks = False
    while system.pending:
        body, headers = system.pending.pop(0)
        assert system.webhook(body, headers).status == 200


def _money_said(system: System, course_id: str, application_id: str) -> dict[str, Any]:
    """What every organiser's view says of one application's money."""
    row = roster_row(system, course_id, application_id)
    totals = system.totals(course_id)
    [exported] = [
        a
        for a in system.admin("GET", f"/people/{row['email']}").json()["applications"]
        if a["application_id"] == application_id
    ]
    _, timeline = system.ports.repository.application_with_timeline(application_id)
    return {
        "roster": (row["amount_paid"], row["amount_refunded"]),
        "totals": (totals["paid"], totals["refunded"]),
        "export": (exported["amount_paid"], exported["amount_refunded"]),
        "timeline": [
            (e.kind.value, e.amount)
            for e in timeline
            if e.kind in (EntryKind.PAYMENT, EntryKind.REFUND)
        ],
    }


@pytest.mark.parametrize("by_invoice", [False, True], ids=["card", "invoice"])
def test_a_payment_not_needed_after_a_full_bursary_is_recorded_with_its_refund(
    invoiced: System,  # noqa: F811
    by_invoice: bool,
) -> None:
    system = invoiced
    application = apply(system, INVOICED, **(BILLING if by_invoice else {}))
    app_id = application["application_id"]
    # Paid at Stripe, its event still on the way, as the organiser funds the whole place (an
    # invoice just after the bursary read it: paid before, the bursary is refused).
    system.hold_webhooks = True

    def fund() -> Reply:
        return system.admin("POST", f"/applications/{app_id}/bursary", json_body={"amount": 20000})

    if by_invoice:
        # Its invoice is voided before the bursary is saved: Stripe refuses to void it paid,
        # and the bursary is refused, the payment kept (``invoice_requests.voided_first``).
        funded, caused = paid_after_its_read(system, invoice_id_of(application), fund)
        system.pending.extend(caused)
        funded.refused(409, "payment_being_recorded")
    else:
        paid = system.pay(application["checkout_url"])
        assert paid.status == 200, paid.body
        funded = fund()
        assert funded.status == 200, funded.body
    _deliver_held(system)

    taken, back = system.standin.money_moved()[app_id]
    # By card, not needed: it went back in full.
    assert (taken, back) == (20000, 0 if by_invoice else 20000)
    assert roster_row(system, INVOICED, app_id)["status"] == "confirmed"
    said = _money_said(system, INVOICED, app_id)
    assert said == {
        "roster": (taken, back),
        "totals": (taken, back),
        "export": (taken, back),
        "timeline": [("payment", 20000)] + ([] if by_invoice else [("refund", 20000)]),
    }


def test_a_second_payment_for_an_earlier_session_is_recorded_with_its_refund(
    system: System,
) -> None:
    first = apply(system, COURSE_ID)
    app_id = first["application_id"]
    first_session = first["checkout_url"].rsplit("/", 1)[-1]
    # The first checkout lets go of the place (its expiry reported) while still payable.
    session = system.stripe_local(
        "GET", f"/v1/checkout/sessions/{first_session}", headers=STRIPE_KEY
    ).json()
    event = {
        "id": "evt_first_session_expired",
        "object": "event",
        "type": "checkout.session.expired",
        "created": int(system.now().timestamp()),
        "data": {"object": session | {"status": "expired"}},
    }
    body = json.dumps(event).encode()
    assert system.signed_webhook(body).status == 200
    token = first["token"]
    again = system.api("POST", f"/applications/{app_id}/checkout?token={token}")
    assert again.status == 201, again.body
    assert system.pay(again.json()["checkout_url"]).status == 200
    assert system.stripe_local("POST", f"/checkout/{first_session}/pay").status == 200

    assert system.standin.money_moved()[app_id] == (40000, 20000)
    assert roster_row(system, COURSE_ID, app_id)["status"] == "confirmed"
    assert _money_said(system, COURSE_ID, app_id) == {
        "roster": (40000, 20000),
        "totals": (40000, 20000),
        "export": (40000, 20000),
        "timeline": [("payment", 20000), ("payment", 20000), ("refund", 20000)],
    }


# -- the already-applied rule comes before any limit of a code -------------------------------


def test_applying_again_with_your_own_one_use_code_says_already_applied(system: System) -> None:
    system.made_code(code="ONCE", percent_off=10, max_uses=1)
    first = apply(system, COURSE_ID, discount_code="once")
    session = first["checkout_url"].rsplit("/", 1)[-1]
    assert system.stripe_local("POST", f"/checkout/{session}/expire").status == 200
    system.deliver_emails()
    # The code's one use is held by this person's own (expired, still payable) application.
    again = system.apply(COURSE_ID, discount_code="once")
    again.refused(409, "already_applied")
    [told] = system.deliver_emails()
    assert told.subject.startswith("You have already applied"), told.subject
    assert "We have received your application" not in told.subject


def test_a_payment_only_an_event_claims_is_shown_as_nothing_taken(system: System) -> None:
    application = apply(system, COURSE_ID)
    session = application["checkout_url"].rsplit("/", 1)[-1]
    event = {
        "id": "evt_claimed_payment",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(system.now().timestamp()),
        "data": {
            "object": {
                "id": session,
                "object": "checkout.session",
                "client_reference_id": application["application_id"],
                "payment_status": "paid",
                "payment_intent": "pi_stripe_never_took",
                "amount_total": 100,
                "currency": "gbp",
            }
        },
    }
    body = json.dumps(event).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200, reply.body
    row = roster_row(system, COURSE_ID, application["application_id"])
    assert (row["status"], row["amount_paid"], row["amount_refunded"]) == ("awaiting_payment", 0, 0)
