"""Stripe's events as a test resends them: a booking applied for and paid through the API, the
last event of a kind the stand-in sent (a copy to change), that copy delivered signed with the
webhook's own secret, and what the organiser's record then shows; and the money Stripe moved
for a booking or a group."""

from __future__ import annotations

import copy
import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def applied(system: System, email: str) -> dict[str, Any]:
    reply = system.apply(COURSE_ID, email=email, name="Ada Lovelace")
    assert reply.status == 201, reply.body
    return dict(reply.json())


def paid(system: System, email: str) -> dict[str, Any]:
    application = applied(system, email)
    assert system.pay(application["checkout_url"]).status == 200
    return application


def paid_unheard(system: System, application: dict[str, Any]) -> dict[str, Any]:
    """``application``'s checkout paid while Stripe's events are lost on the way: its
    ``checkout.session.completed``, which the system has not heard (to be sent again)."""
    system.lose_webhooks = True
    system.pay(application["checkout_url"])
    completed = system.standin.events()[0]
    assert completed["type"] == "checkout.session.completed"
    system.lose_webhooks = False
    return completed


def heard_late_and_refunded(
    system: System, application: dict[str, Any], completed: dict[str, Any]
) -> None:
    """Stripe sends ``completed`` (:func:`paid_unheard`) again: taken, and the late payment
    refunded at once, that payment alone."""
    assert system.stripe_local("POST", f"/events/{completed['id']}/resend").status == 200
    assert system.webhook_replies[-1].status == 200, system.webhook_replies[-1].body
    assert system.status_of(application)["status"] == "refunded"
    refunds = requests_to(system.stripe_http, "/v1/refunds")
    paid_late = completed["data"]["object"]["payment_intent"]
    assert [r.params["payment_intent"] for r in refunds] == [paid_late]


def refunds_told_again_hours_later(system: System) -> None:
    """Stripe's events of the refunds it made (``charge.refunded``, ``refund.created``) sent
    again three hours on, past any wait for a payment to be recorded: each taken (200) and
    ignored, its refund recorded when it was made."""
    refund_events = [
        e["id"]
        for e in system.standin.events()
        if e["type"] in ("charge.refunded", "refund.created")
    ]
    assert refund_events
    system.clock_offset += timedelta(hours=3)
    for event_id in refund_events:
        assert system.stripe_local("POST", f"/events/{event_id}/resend").status == 200
        assert system.answered[-1] == (event_id, 200)
        assert system.webhook_replies[-1].json()["action"] == "ignore"


def sent(system: System, event: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(event).encode()
    reply = system.signed_webhook(body)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def shown(system: System, application: dict[str, Any]) -> tuple[str, int, int]:
    row = system.admin("GET", f"/applications/{application['application_id']}").json()
    return row["status"], row["amount_paid"], row["amount_refunded"]


def last_event(system: System, kind: str, payment_intent: str | None = None) -> dict[str, Any]:
    found = [
        e
        for e in system.standin.events()
        if e["type"] == kind and payment_intent in (None, e["data"]["object"].get("payment_intent"))
    ]
    return copy.deepcopy(found[-1])


def session_of(application: dict[str, Any]) -> str:
    return str(application["checkout_url"]).rsplit("/", 1)[-1]


def stripe_moved(system: System, *payers: str) -> tuple[int, int]:
    """What the stand-in captured and refunded for these applications and groups."""
    moved = system.standin.money_moved()
    return (
        sum(moved.get(payer, (0, 0))[0] for payer in payers),
        sum(moved.get(payer, (0, 0))[1] for payer in payers),
    )


_FORM = {"content-type": "application/x-www-form-urlencoded"}


def card_disputed(
    system: System, application: dict[str, Any], *, taken: bool = True
) -> dict[str, Any]:
    """The payer's bank disputes the booking's card payment at the stand-in (its funds
    withdrawn, for fraud): the stand-in's answer, the dispute and the events it sent, each
    taken by the webhook (200) unless not ``taken`` (a test that holds them)."""
    path = f"/checkout/{session_of(application)}/dispute"
    reply = system.stripe_local("POST", path, urlencode({"reason": "fraudulent"}).encode(), _FORM)
    assert reply.status == 200, reply.body
    answer = dict(reply.json())
    assert not taken or [e["webhook_status"] for e in answer["events"]] == [200, 200]
    return answer


def card_inquired(system: System, application: dict[str, Any]) -> dict[str, Any]:
    """The payer's bank's inquiry into the booking's card payment at the stand-in (nothing
    withdrawn, before any chargeback): the inquiry, its one event taken by the webhook."""
    fields = urlencode({"reason": "fraudulent", "inquiry": "true"}).encode()
    path = f"/checkout/{session_of(application)}/dispute"
    reply = system.stripe_local("POST", path, fields, _FORM)
    assert reply.status == 200, reply.body
    assert [e["webhook_status"] for e in reply.json()["events"]] == [200]
    return dict(reply.json()["dispute"])


def dispute_closed(system: System, dispute_id: str, outcome: str) -> dict[str, Any]:
    """The stand-in's dispute ``dispute_id`` closed, ``won`` or ``lost`` (an inquiry:
    ``warning_closed``): its answer."""
    body = urlencode({"outcome": outcome}).encode()
    reply = system.stripe_local("POST", f"/disputes/{dispute_id}/close", body, _FORM)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def not_believed(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The log records of the Stripe events the webhook did not believe (the organisers' alarm)."""
    return [r for r in caplog.records if r.getMessage() == "stripe event not believed"]


def reasons_not_believed(caplog: pytest.LogCaptureFixture) -> list[str | None]:
    """Why each Stripe event the webhook did not believe was refused, in order."""
    return [getattr(r, "reason", None) for r in not_believed(caplog)]
