"""A signed ``invoice.paid`` is believed only for an invoice Stripe holds paid
(``services.believed.invoice_as_stripe_holds``): one read of the invoice at Stripe, its
payments included. An invoice Stripe still holds open confirms nothing (200, refused at ERROR,
nothing written), a booking's or a group's alike; Stripe unreachable is a 503, so Stripe
delivers the event again. Through the real handlers, moto and the Stripe stand-in; every event
here is signed with the webhook's own secret: what anyone holding it could send."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.integration.test_believed_payments import last_event, sent
from tests.support.groups import invoiced_group, pay_invoice
from tests.support.invoiced import invoiced_cohort
from tests.support.system import System

BILLING = {
    "payment_method": "invoice",
    "billing_name": "St Elsewhere NHS Foundation Trust",
    "billing_email": "accounts@example.nhs.uk",
    "billing_address": "1 Hospital Road, Leeds",
}


def _invoiced(system: System, email: str) -> dict[str, Any]:
    reply = system.apply(email=email, **BILLING)
    assert reply.status == 201, reply.body
    application = dict(reply.json())
    assert application["status"] == "awaiting_invoice_payment"
    return application


def _invoice_id(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _pay(system: System, invoice_id: str) -> None:
    paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
    assert paid.status == 200, paid.body


def _paid_event_for(system: System, invoice_id: str, owner_id: str) -> dict[str, Any]:
    """Stripe's last ``invoice.paid`` (another invoice's, really paid), made over as about
    ``invoice_id``, its metadata naming ``owner_id``: signed, but Stripe never sent it."""
    event = last_event(system, "invoice.paid")
    event["id"] = f"evt_made_up_paid_{invoice_id}"
    invoice = event["data"]["object"]
    invoice["id"] = invoice_id
    invoice["metadata"] = {**invoice["metadata"], "application_id": owner_id}
    return event


def _refusals(caplog: pytest.LogCaptureFixture) -> list[tuple[str | None, int]]:
    return [
        (getattr(r, "reason", None), r.levelno)
        for r in caplog.records
        if r.getMessage() == "stripe event not believed"
    ]


def test_an_invoice_stripe_holds_open_is_not_paid_by_a_signed_event(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    other = _invoiced(system, "other@example.org")
    _pay(system, _invoice_id(other["invoice_url"]))  # a real invoice.paid to copy from
    application = _invoiced(system, "x@example.org")
    invoice_id = _invoice_id(application["invoice_url"])
    before = system.stored(application["application_id"])
    system.deliver_emails()

    with caplog.at_level(logging.ERROR):
        answer = sent(system, _paid_event_for(system, invoice_id, application["application_id"]))

    assert answer["action"] == "ignore"
    assert system.stored(application["application_id"]) == before  # nothing written
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert [m for m in system.deliver_emails() if "x@example.org" in m.to] == []
    assert _refusals(caplog) == [("invoice_not_paid_at_stripe", logging.ERROR)]
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    # Paid at Stripe after all: its own event confirms the booking.
    _pay(system, invoice_id)
    assert system.status_of(application)["status"] == "confirmed"


def test_a_groups_invoice_stripe_holds_open_is_not_paid_by_a_signed_event(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    other = _invoiced(system, "other@example.org")
    _pay(system, _invoice_id(other["invoice_url"]))  # a real invoice.paid to copy from
    invoiced_cohort(system)
    group = invoiced_group(system)
    invoice_id = _invoice_id(str(group["pay_url"]))
    before = system.ports.groups.get_group(group["group_id"])
    assert before is not None

    with caplog.at_level(logging.ERROR):
        answer = sent(system, _paid_event_for(system, invoice_id, group["group_id"]))

    assert answer["action"] == "ignore"
    assert system.ports.groups.get_group(group["group_id"]) == before  # nothing written
    assert _refusals(caplog) == [("invoice_not_paid_at_stripe", logging.ERROR)]
    pay_invoice(system, group)
    after = system.ports.groups.get_group(group["group_id"])
    assert after is not None
    assert after.amount_paid > 0


def test_stripe_unreachable_when_an_invoice_is_read_is_a_503_then_paid(system: System) -> None:
    application = _invoiced(system, "x@example.org")
    system.hold_webhooks = True
    _pay(system, _invoice_id(application["invoice_url"]))
    held = [(b, h) for b, h in system.pending if b'"invoice.paid"' in b]
    system.pending.clear()
    system.hold_webhooks = False
    [(body, headers)] = held
    system.stripe_http.fail_next = [503]
    assert system.webhook(body, headers).status == 503  # Stripe delivers it again
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    assert system.webhook(body, headers).status == 200
    assert system.status_of(application)["status"] == "confirmed"
