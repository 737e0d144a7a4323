"""What a submission costs in DynamoDB calls through the api handler on moto: one batch read
(the course, the code, the Idempotency-Key's answer and who holds the person's place), one
query (whether a manager's group names them), one transaction. ``make bench`` prints the same
figure; this holds it, since a read added apart from the batch costs every applicant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

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
    assert again.status == 409, again.body
    assert again.json()["error"]["code"] == "already_applied"


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
