"""Faults in Stripe, DynamoDB and SQS: a clear answer, no seat held by a failed request, no
email lost, nothing half-written."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from booking.services.lifecycle import sweep
from tests.support.system import System


def _fail(client: Any, operation: str, code: str, times: int = 1) -> Callable[[], int]:
    """Make the next ``times`` calls of ``operation`` fail with AWS error ``code``."""
    remaining = {"n": times}

    def refuse(**_: Any) -> None:
        if remaining["n"] > 0:
            remaining["n"] -= 1
            raise ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)

    client.meta.events.register(
        f"before-call.{client.meta.service_model.endpoint_prefix}.{operation}", refuse
    )
    return lambda: times - remaining["n"]


@pytest.mark.parametrize(
    ("failure", "retry_after"), [(429, "60"), (500, "30"), (503, "30"), ("timeout", "30")]
)
def test_stripe_failures_on_checkout_creation(
    system: System, failure: int | str, retry_after: str
) -> None:
    system.stripe_http.fail_next = [failure]
    reply = system.apply()
    assert reply.status == 503
    assert reply.headers["retry-after"] == retry_after
    error = reply.json()["error"]
    assert error["code"] == "payment_provider_unavailable"
    assert error["application"]["status"] == "awaiting_payment"
    assert system.course()["places_left"] == 20  # no seat held by the failed request
    # The application was kept, and paying later works.
    kept = error["application"]
    retry = system.api(
        "POST", f"/applications/{kept['application_id']}/checkout?token={kept['token']}"
    )
    assert retry.status == 201


def test_dynamodb_throttling_on_submit_answers_503_and_writes_nothing(system: System) -> None:
    failed = _fail(system.dynamodb, "TransactWriteItems", "ThrottlingException")
    reply = system.apply()
    assert failed() == 1
    reply.refused(503, "service_busy")
    assert reply.headers["retry-after"]
    assert system.applications() == []
    assert system.course()["places_left"] == 20


def test_dynamodb_throttling_in_the_webhook_gets_a_retry_from_stripe(system: System) -> None:
    application = system.apply().json()
    failed = _fail(system.dynamodb, "TransactWriteItems", "ProvisionedThroughputExceededException")
    system.pay(application["checkout_url"])
    assert failed() == 1
    assert system.webhook_replies[-1].status == 503  # Stripe will redeliver
    status = system.api(
        "GET", f"/applications/{application['application_id']}?token={application['token']}"
    ).json()["status"]
    assert status == "awaiting_payment"  # nothing half-written
    event_id = system.standin.events()[0]["id"]
    system.stripe_local("POST", f"/events/{event_id}/resend")
    assert system.webhook_replies[-1].status == 200
    status = system.api(
        "GET", f"/applications/{application['application_id']}?token={application['token']}"
    ).json()["status"]
    assert status == "confirmed"


def _outbox(system: System) -> set[str]:
    return {
        json.loads(item["job"]["S"])["kind"]
        for item in system.items()
        if item["pk"]["S"].startswith("OUTBOX#")
    }


def _queued_kinds(system: System) -> set[str]:
    queued = system.sqs.receive_message(
        QueueUrl=system.resources.email_queue_url, MaxNumberOfMessages=10
    ).get("Messages", [])
    return {json.loads(m["Body"])["kind"] for m in queued}


def test_queue_outage_keeps_emails_in_the_outbox_until_the_relay_gets_through(
    system: System,
) -> None:
    failed = _fail(system.sqs, "SendMessageBatch", "ServiceUnavailable", times=2)
    application = system.apply().json()
    assert application["status"] == "awaiting_payment"  # the request never waits for the queue
    system.pay(application["checkout_url"])
    assert failed() == 2  # the relay after each change was refused
    assert system.webhook_replies[-1].status == 200  # the state change is durable
    kinds = {"application_received", "booking_confirmed", "facilitator_copy"}
    assert _outbox(system) == kinds

    assert system.relay() > 0  # the stream retries the failed records: the queue is back
    assert _outbox(system) == set()
    assert _queued_kinds(system) == kinds


def test_emails_the_stream_lost_are_relayed_by_the_sweep(system: System) -> None:
    system.hold_stream = True  # the stream's retries ran out
    application = system.apply().json()
    system.pay(application["checkout_url"])
    kinds = {"application_received", "booking_confirmed", "facilitator_copy"}
    assert _outbox(system) == kinds

    early = sweep(system.ports, system.now() + timedelta(minutes=1))
    assert early.emails_relayed == 0  # the stream normally relays within seconds: not yet
    summary = sweep(system.ports, system.now() + timedelta(minutes=6))
    assert summary.emails_relayed == 3
    assert _outbox(system) == set()
    assert _queued_kinds(system) == kinds


def test_unexpected_errors_are_500_without_internals(system: System) -> None:
    _fail(system.dynamodb, "GetItem", "ValidationException")
    reply = system.api("GET", "/courses/compassionate-leadership-test")
    assert reply.status == 500
    assert reply.json() == {
        "error": {"code": "internal_error", "fields": {}, "message": "something went wrong"}
    }


def test_deeply_nested_json_is_a_client_mistake_not_a_crash(system: System) -> None:
    reply = system.api(
        "POST",
        "/courses/compassionate-leadership-test/applications",
        raw=b"[" * 60_000,
        headers={"content-type": "application/json"},
    )
    reply.refused(400, "bad_request")


def test_absurd_session_dates_are_refused_field_by_field(system: System) -> None:
    definition = {
        "title": "x",
        "price": {"amount": 100, "currency": "gbp"},
        "capacity": 1,
        "timezone": "Asia/Tokyo",
        "sessions": [{"date": "0001-01-01", "start_time": "00:30", "end_time": "01:00"}],
    }
    reply = system.admin("PUT", "/courses/ancient", json_body=definition)
    assert reply.status == 422
    assert "sessions.0.date" in reply.json()["error"]["fields"]


def test_emails_keep_flowing_after_a_refused_transaction(system: System) -> None:
    """moto undoes a cancelled transaction by putting back a copy of the table, its stream
    included: the local relay must follow the stream it now has (it once went on reading the
    discarded one, and every later email stayed in the outbox)."""
    system.apply()
    again = system.apply()  # the same person again: the transaction is cancelled
    assert again.status == 409
    system.apply(email="someone.else@example.org")
    assert _outbox(system) == set()  # everything written was relayed
    queued = system.sqs.receive_message(
        QueueUrl=system.resources.email_queue_url, MaxNumberOfMessages=10
    ).get("Messages", [])
    assert len(queued) >= 2  # both acknowledgements reached the queue
