"""What a submission costs in DynamoDB calls through the api handler on moto: one batch read
(the course, the code, the Idempotency-Key's answer and who holds the person's place), one
query (whether a manager's group names them), one transaction. ``make bench`` prints the same
figure; this holds it, since a read added apart from the batch costs every applicant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.invoiced import BILLING
from tests.support.system import System


@pytest.fixture
def dynamodb_calls(system: System, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The api handler's DynamoDB calls (the relay the test system runs after each request is
    another function: its calls are left out)."""
    made: list[str] = []
    relaying = [False]
    relay = system.relay

    def record(model: Any, **_: Any) -> None:
        if not relaying[0]:
            made.append(model.name)

    def relay_unrecorded() -> Any:
        relaying[0] = True
        try:
            return relay()
        finally:
            relaying[0] = False

    monkeypatch.setattr(system, "relay", relay_unrecorded)

    system.dynamodb.meta.events.register("before-call.dynamodb", record, unique_id="calls")
    yield made
    system.dynamodb.meta.events.unregister("before-call.dynamodb", unique_id="calls")


def test_a_card_submission_reads_once_queries_once_and_writes_once(
    system: System, dynamodb_calls: list[str]
) -> None:
    reply = system.apply(email="ada@example.org")
    assert reply.status == 201, reply.body
    assert dynamodb_calls == ["BatchGetItem", "Query", "TransactWriteItems"]


def test_the_address_read_with_the_batch_is_the_person_however_it_is_typed(system: System) -> None:
    assert system.apply(email="ada@example.org").status == 201
    again = system.apply(email=" ADA@example.org ")
    again.refused(409, "already_applied")


def test_a_paid_checkout_event_reads_three_times_and_writes_once(
    system: System, dynamodb_calls: list[str]
) -> None:
    """The webhook's paid event: who owns the checkout, the application, whether another
    booking recorded the payment it carries (an application, a group, or money given back as
    nobody's: ``services.believed``, one batch read of the three), one transaction. Its
    course comes in that batch (was it paid after the course began, the start as it stands
    now: ``domain.paying``), no call of its own."""
    reply = system.apply(email="ada@example.org")
    assert reply.status == 201, reply.body
    system.hold_webhooks = True
    assert system.pay(reply.json()["checkout_url"]).status in (200, 303)
    paid = [
        (body, headers)
        for body, headers in system.pending
        if json.loads(body)["type"] == "checkout.session.completed"
    ]
    assert len(paid) == 1
    dynamodb_calls.clear()
    assert system.webhook(*paid[0]).status == 200
    assert dynamodb_calls == ["GetItem", "GetItem", "BatchGetItem", "TransactWriteItems"]
    assert system.stored(reply.json()["application_id"]).status.value == "confirmed"
    # The same event again reads who owns the checkout and the application, and stops there.
    dynamodb_calls.clear()
    assert system.webhook(*paid[0]).status == 200
    assert dynamodb_calls == ["GetItem", "GetItem"]


def _refund_events(system: System) -> list[tuple[bytes, dict[str, str]]]:
    return [
        (body, headers)
        for body, headers in system.pending
        if json.loads(body)["type"] in ("charge.refunded", "refund.created")
    ]


def test_a_bookings_refund_event_asks_once_whether_a_group_owns_its_payment(
    system: System, dynamodb_calls: list[str]
) -> None:
    """A refund made at Stripe of a single booking's payment: one read of the group-owner
    index (not one to weigh the refund against a group's payment and another to apply it)."""
    application = system.paid_and_refunded_unheard()
    paid = [e for e in system.pending if json.loads(e[0])["type"] == "checkout.session.completed"]
    assert system.webhook(*paid[0]).status == 200
    refunds = _refund_events(system)
    assert refunds
    dynamodb_calls.clear()
    assert system.webhook(*refunds[0]).status == 200
    # The group-owner index, the payment's index, the application; the write; the course,
    # for the waiting list the seat goes to.
    assert dynamodb_calls == ["GetItem", "GetItem", "GetItem", "TransactWriteItems", "GetItem"]
    assert system.stored(application["application_id"]).amount_refunded == 20000


def test_a_groups_refund_event_reads_its_owner_and_the_group_once(
    system: System, dynamodb_calls: list[str]
) -> None:
    """A refund made at Stripe of a group's payment: the group-owner index and the group are
    read once each (the check against what it paid is made on the group read to apply it)."""
    from tests.support.groups import paid_by_card

    group = paid_by_card(system)
    stored = system.stored_group(group)
    system.hold_webhooks = True
    system.refund_at_stripe(stored.payment_intent, 10000)
    refunds = _refund_events(system)
    assert refunds
    dynamodb_calls.clear()
    assert system.webhook(*refunds[0]).status == 200
    # The group-owner index and the group; who holds each place (the refund's anomaly names
    # places colleagues fill); the write; the anomaly kept for the organisers.
    holders = ["GetItem"] * len(stored.places)
    assert dynamodb_calls == ["GetItem", "GetItem", *holders, "TransactWriteItems", "PutItem"]


def test_an_event_for_a_session_nobody_recorded_asks_who_recorded_its_payment_in_one_read(
    system: System, dynamodb_calls: list[str]
) -> None:
    """A checkout event about a session no booking recorded, carrying a payment one did: who
    recorded that payment is asked in one batch read (an application's, a group's), and the
    money stays with the booking that recorded it."""
    from tests.support.stripe_events import last_event, paid, sent, shown

    x = paid(system, "x@example.org")
    forged = last_event(system, "checkout.session.completed")
    forged["id"] = "evt_nobodys_session"
    forged["data"]["object"].update(
        id="cs_recorded_by_nobody",
        client_reference_id="no-such-application",
        metadata={"application_id": "no-such-application"},
    )
    dynamodb_calls.clear()
    answer = sent(system, forged)
    made = list(dynamodb_calls)
    assert answer["action"] == "ignore", answer
    kinds = [anomaly.kind for anomaly in system.ports.repository.anomalies()]
    assert kinds == ["event_names_a_recorded_payment"]
    # Who recorded the session, the application it names, whether a group recorded the
    # session; who recorded the payment; the anomaly kept.
    assert made == ["GetItem", "GetItem", "GetItem", "BatchGetItem", "PutItem"]
    assert shown(system, x) == ("confirmed", 20000, 0)


def test_a_paid_invoice_event_reads_its_invoice_once_at_stripe(
    system: System, dynamodb_calls: list[str]
) -> None:
    """A booking's ``invoice.paid``: one read at Stripe, the invoice with its payments
    included (is it paid, and by which payment: ``services.believed``), then the same
    DynamoDB calls as a paid checkout's (who owns the invoice, the application, who recorded
    the payment, the transaction)."""
    reply = system.apply(email="ada@example.org", **BILLING)
    assert reply.status == 201, reply.body
    invoice_id = str(reply.json()["invoice_url"]).rsplit("/", 1)[-1]
    system.hold_webhooks = True
    assert system.stripe_local("POST", f"/invoices/{invoice_id}/pay").status == 200
    [paid] = [e for e in system.pending if json.loads(e[0])["type"] == "invoice.paid"]
    dynamodb_calls.clear()
    asked = len(system.stripe_http.requests)
    assert system.webhook(*paid).status == 200
    read = [(r.method, r.path) for r in system.stripe_http.requests[asked:]]
    assert read == [("get", f"/v1/invoices/{invoice_id}")]
    assert dynamodb_calls == ["GetItem", "GetItem", "BatchGetItem", "TransactWriteItems"]
    assert system.stored(reply.json()["application_id"]).status.value == "confirmed"
