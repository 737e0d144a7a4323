"""Every sample event in events/ drives its handler: the shapes Lambda and Stripe really send."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import pytest

from booking.handlers import api, webhook
from infra.local.server import lambda_context
from tests.conftest import load_event
from tests.support.invoiced import BILLING
from tests.support.stripe_events import reasons_not_believed
from tests.support.system import COURSE_ID, WEBHOOK_SECRET, System

SAMPLE_COURSE = "compassionate-leadership-2027-06"


def _api_event(name: str, **replace: str) -> dict[str, Any]:
    """A sample API event aimed at the test course (and a real application, where needed)."""
    text = json.dumps(load_event(f"apigw/{name}.json")).replace(SAMPLE_COURSE, COURSE_ID)
    for placeholder, value in replace.items():
        text = text.replace(placeholder, value)
    event: dict[str, Any] = json.loads(text)
    return event


def _call(event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = api.handler(event, lambda_context("booking-api"))
    return answer


def test_list_and_get_course(system: System) -> None:
    listed = _call(_api_event("list_courses"))
    assert listed["statusCode"] == 200
    assert json.loads(listed["body"])[0]["course_id"] == COURSE_ID
    assert _call(_api_event("get_course"))["statusCode"] == 200
    form = _call(_api_event("application_form"))
    assert form["statusCode"] == 200
    assert "<form" in form["body"]
    assert json.loads(_call(_api_event("openapi"))["body"])["openapi"].startswith("3.")


def test_submit_json_then_read_and_restart(system: System) -> None:
    created = _call(_api_event("submit_application_json"))
    assert created["statusCode"] == 201, created["body"]
    application = json.loads(created["body"])
    ids = {"APPLICATION_ID": application["application_id"], "TOKEN": application["token"]}
    read = _call(_api_event("get_application", **ids))
    assert json.loads(read["body"])["status"] == "awaiting_payment"
    restarted = _call(_api_event("start_checkout", **ids))
    assert restarted["statusCode"] == 201
    # Its checkout still open: the same one again, not a second.
    assert json.loads(restarted["body"])["checkout_url"] == application["checkout_url"]


def test_submit_browser_form_redirects(system: System) -> None:
    answer = _call(_api_event("submit_application_form"))
    assert answer["statusCode"] == 303
    assert "/_local/stripe/checkout/" in answer["headers"]["Location"]


def _signed_webhook(event_body: dict[str, Any]) -> dict[str, Any]:
    """The sample API Gateway webhook event carrying ``event_body``, freshly signed."""
    body = json.dumps(event_body).encode()
    timestamp = int(time.time())
    digest = hmac.new(
        WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    event: dict[str, Any] = copy.deepcopy(load_event("apigw/stripe_webhook.json"))
    event["headers"]["stripe-signature"] = f"t={timestamp},v1={digest}"
    event["body"] = base64.b64encode(body).decode()
    event["isBase64Encoded"] = True
    return event


def _aimed_at(system: System, name: str, application: dict[str, Any]) -> dict[str, Any]:
    """A sample Stripe event about the application's real Checkout Session. One that carries a
    payment names the payment that session made at Stripe (the stand-in's, its own events
    held): the webhook asks Stripe whether the booking's session was paid, and with which
    payment (``services.believed``), as it would ask Stripe of a real event; a delayed
    payment's success is made at Stripe before its event says so."""
    stripe_event: dict[str, Any] = copy.deepcopy(load_event(f"stripe/{name}.json"))
    session = stripe_event["data"]["object"]
    session["id"] = application["checkout_url"].rsplit("/", 1)[-1]
    if session.get("payment_intent"):
        system.hold_webhooks = True
        if system.checkout_session(session["id"])["payment_intent"] is None:
            delayed = session.get("payment_status") == "unpaid"
            paid = system.pay_session(session["id"], delayed=delayed)
            assert paid.status == 200, paid.body
        if name == "checkout.session.async_payment_succeeded":
            settled = system.settle_session(session["id"])
            assert settled.status == 200, settled.body
        session["payment_intent"] = system.checkout_session(session["id"])["payment_intent"]
    session["client_reference_id"] = application["application_id"]
    session["metadata"]["application_id"] = application["application_id"]
    return stripe_event


def _deliver(stripe_event: dict[str, Any]) -> dict[str, Any]:
    answer = webhook.handler(_signed_webhook(stripe_event), lambda_context("booking-webhook"))
    assert answer["statusCode"] == 200, answer["body"]
    return dict(json.loads(answer["body"]))


def _status(system: System, application: dict[str, Any]) -> str:
    reply = system.api(
        "GET", f"/applications/{application['application_id']}?token={application['token']}"
    )
    return str(reply.json()["status"])


@pytest.mark.parametrize(
    ("sequence", "final", "places_left"),
    [
        (["checkout.session.completed"], "confirmed", 19),
        (["checkout.session.expired"], "expired", 20),
        (
            ["checkout.session.completed.unpaid", "checkout.session.async_payment_succeeded"],
            "confirmed",
            19,
        ),
        (
            ["checkout.session.completed.unpaid", "checkout.session.async_payment_failed"],
            "expired",
            20,
        ),
        (["checkout.session.completed", "checkout.session.expired"], "confirmed", 19),
    ],
)
def test_stripe_sample_events(
    system: System, sequence: list[str], final: str, places_left: int
) -> None:
    application = system.apply().json()
    for name in sequence:
        _deliver(_aimed_at(system, name, application))
    assert _status(system, application) == final
    assert system.course()["places_left"] == places_left


def test_every_stripe_sample_is_accepted_even_when_unrelated(system: System) -> None:
    for name in (
        "charge.refunded",
        "refund.created",
        "checkout.session.completed",
        "checkout.session.expired",
        "checkout.session.async_payment_failed",
    ):
        outcome = _deliver(load_event(f"stripe/{name}.json"))
        assert outcome["action"] == "ignore"
    assert system.applications() == []


def _invoice_aimed_at(name: str, application: dict[str, Any]) -> dict[str, Any]:
    """A sample Stripe invoice event about the application's real invoice."""
    stripe_event: dict[str, Any] = copy.deepcopy(load_event(f"stripe/{name}.json"))
    invoice = stripe_event["data"]["object"]
    invoice["id"] = application["invoice_url"].rsplit("/", 1)[-1]
    invoice["metadata"]["application_id"] = application["application_id"]
    return stripe_event


@pytest.mark.parametrize(
    ("sequence", "final", "places_left"),
    [
        (["invoice.paid"], "confirmed", 19),
        (["invoice.voided"], "expired", 20),
        (["invoice.paid", "invoice.voided"], "confirmed", 19),
        (["invoice.voided", "invoice.voided"], "expired", 20),
    ],
)
def test_stripe_sample_invoice_events(
    system: System, sequence: list[str], final: str, places_left: int
) -> None:
    application = system.apply(**BILLING).json()
    assert application["status"] == "awaiting_invoice_payment"
    if "invoice.paid" in sequence:
        _paid_at_stripe_unheard(system, application)
    for name in sequence:
        _deliver(_invoice_aimed_at(name, application))
    assert _status(system, application) == final
    assert system.course()["places_left"] == places_left


def _paid_at_stripe_unheard(system: System, application: dict[str, Any]) -> None:
    """The invoice paid at Stripe (the real flow: an ``invoice.paid`` is believed only for an
    invoice Stripe holds paid), its own events held back so the sample is what is heard."""
    invoice_id = application["invoice_url"].rsplit("/", 1)[-1]
    system.hold_webhooks = True
    paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
    assert paid.status == 200, paid.body
    system.pending.clear()
    system.hold_webhooks = False


def test_an_open_invoices_sample_paid_event_confirms_nothing(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """A signed ``invoice.paid`` for an invoice Stripe still holds open is not believed."""
    application = system.apply(**BILLING).json()
    with caplog.at_level(logging.ERROR):
        assert _deliver(_invoice_aimed_at("invoice.paid", application))["action"] == "ignore"
    assert _status(system, application) == "awaiting_invoice_payment"
    assert system.course()["places_left"] == 19  # held for the invoice, as before
    assert reasons_not_believed(caplog) == ["invoice_not_paid_at_stripe"]


def test_sample_invoice_events_of_no_known_application_are_ignored(system: System) -> None:
    for name in ("invoice.paid", "invoice.voided"):
        outcome = _deliver(load_event(f"stripe/{name}.json"))
        assert outcome["action"] == "ignore"
    assert system.applications() == []
