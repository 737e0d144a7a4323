"""A signed ``invoice.paid`` is believed only for an invoice Stripe holds paid
(``services.believed.invoice_as_stripe_holds``): one read of the invoice at Stripe, its
payments included. An invoice Stripe still holds open confirms nothing (200, refused at ERROR,
nothing written), a booking's or a group's alike; Stripe unreachable is a 503, so Stripe
delivers the event again. Through the real handlers, moto and the Stripe stand-in; every event
here is signed with the webhook's own secret: what anyone holding it could send."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from tests.support.applications import invoice_id_of
from tests.support.groups import invoiced_group, pay_invoice
from tests.support.held_events import deliver, held
from tests.support.invoiced import ACCOUNTS, BILLING, INVOICED, invoiced_cohort
from tests.support.stripe_events import last_event, not_believed, sent
from tests.support.system import System, application_body


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
    return [(getattr(r, "reason", None), r.levelno) for r in not_believed(caplog)]


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
    before = system.stored_group(group)

    with caplog.at_level(logging.ERROR):
        answer = sent(system, _paid_event_for(system, invoice_id, group["group_id"]))

    assert answer["action"] == "ignore"
    assert system.ports.groups.get_group(group["group_id"]) == before  # nothing written
    assert _refusals(caplog) == [("invoice_not_paid_at_stripe", logging.ERROR)]
    pay_invoice(system, group)
    after = system.stored_group(group)
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


def _paid_with_its_event_held(system: System, invoice_id: str) -> dict[str, Any]:
    """The invoice paid at Stripe, its ``invoice.paid`` held back and given back as a dict."""
    system.hold_webhooks = True
    _pay(system, invoice_id)
    [event] = [json.loads(b) for b, _ in system.pending if b'"invoice.paid"' in b]
    system.pending.clear()
    system.hold_webhooks = False
    return dict(event)


@pytest.mark.parametrize("said", [100, 90000], ids=["less", "more"])
def test_an_invoices_amount_paid_is_stripes_not_the_events(system: System, said: int) -> None:
    """The invoice read at Stripe says what was paid; a signed ``invoice.paid``
    saying another amount (less: the place would be refused and the money given back;
    more: the booking would show money never taken) is recorded at Stripe's figure."""
    application = _invoiced(system, "x@example.org")
    invoice_id = _invoice_id(application["invoice_url"])
    event = _paid_with_its_event_held(system, invoice_id)
    paid_at_stripe = system.stripe_invoice(invoice_id)["amount_paid"]
    event["data"]["object"]["amount_paid"] = said

    assert sent(system, event)["action"] != "ignore"

    assert system.status_of(application)["status"] == "confirmed"
    stored = system.stored(application["application_id"])
    assert (stored.amount_paid, stored.amount_refunded) == (paid_at_stripe, 0)
    assert system.ports.repository.anomalies() == []


@pytest.mark.parametrize("said", [100, 900000], ids=["less", "more"])
def test_a_groups_invoice_amount_paid_is_stripes_not_the_events(system: System, said: int) -> None:
    invoiced_cohort(system)
    group = invoiced_group(system)
    invoice_id = _invoice_id(str(group["pay_url"]))
    event = _paid_with_its_event_held(system, invoice_id)
    paid_at_stripe = system.stripe_invoice(invoice_id)["amount_paid"]
    event["data"]["object"]["amount_paid"] = said

    assert sent(system, event)["action"] != "ignore"

    after = system.stored_group(group)
    assert (after.amount_paid, after.amount_refunded) == (paid_at_stripe, 0)


def test_the_number_of_an_invoice_paid_and_given_back_is_stripes_not_the_events(
    system: System,
) -> None:
    """The refund of an ended booking's invoice payment names the invoice
    by the number Stripe gave it (read with the rest), not one a signed event says."""
    invoiced_cohort(system, po_required=True, capacity=1)
    body = application_body(email="ada@example.org", **BILLING)
    reply = system.api("POST", f"/courses/{INVOICED}/applications", json_body=body)
    assert reply.status == 201, reply.body
    application = dict(reply.json())
    system.deliver_emails()
    old = invoice_id_of(application)
    number = system.stripe_invoice(old)["number"]
    # Marked uncollectible, the booking ends and its place is taken by another; Stripe still
    # lets the invoice be paid, and that payment goes back (the course is full). (An erasure,
    # a cancel or a bursary voids the invoice first now, refused once it was paid.)
    uncollectible = system.stripe_local("POST", f"/invoices/{old}/mark_uncollectible")
    assert uncollectible.status == 200, uncollectible.body
    taken = system.api(
        "POST", f"/courses/{INVOICED}/applications", json_body=application_body(email="g@x.org")
    )
    assert taken.status == 201, taken.body
    system.deliver_emails()
    _, caused = held(system, lambda: _pay(system, old))
    [event] = [json.loads(body) for body, _ in caused if b'"invoice.paid"' in body]
    deliver(system, [d for d in caused if b'"invoice.paid"' not in d[0]])
    event["data"]["object"]["number"] = "MADEUP-0001"

    assert sent(system, event)["action"] == "refund"

    emails = system.deliver_emails()
    [to_accounts] = [e for e in emails if e.to == [ACCOUNTS] and "refunded" in e.subject]
    assert f"made by invoice {number} for" in to_accounts.text
    assert "MADEUP" not in to_accounts.text
