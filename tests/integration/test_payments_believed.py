"""The webhook confirms only what matches what was asked of Stripe, and every payment that
reaches the system is recorded, so every refund of it is acknowledged.

The hostile review's cases, through the real webhook: signed events (the stand-in signs what it
sends) for a session the application never had, for £1, for €200; a second payment and the
refund of it; a refund whose payment never arrives.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from tests.support.held_events import events_held
from tests.support.stripe_events import refunds_told_again_hours_later
from tests.support.system import STRIPE_KEY, System

STRIPE_AUTH = {**STRIPE_KEY, "content-type": "application/x-www-form-urlencoded"}


def _session_at_stripe(system: System, names: str, amount: int, currency: str = "gbp") -> str:
    """A Checkout Session created straight at Stripe (not by this system) naming an
    application: what someone with the account's key, or a bug elsewhere, could do."""
    form = {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": currency,
        "line_items[0][price_data][unit_amount]": str(amount),
        "line_items[0][price_data][product_data][name]": "Not from the booking system",
        "client_reference_id": names,
        "metadata[application_id]": names,
        "payment_intent_data[metadata][application_id]": names,
        "success_url": "https://example.org/ok",
        "cancel_url": "https://example.org/cancel",
    }
    created = system.stripe_local(
        "POST", "/v1/checkout/sessions", urlencode(form).encode(), STRIPE_AUTH
    )
    assert created.status == 200, created.body
    return str(created.json()["id"])


def _anomalies(system: System) -> list[str]:
    return [a.kind for a in system.ports.repository.anomalies()]


def _signed_payment_of_our_own_session(system: System, **changes: Any) -> dict[str, Any]:
    """The real payment event of an application's own checkout, its session changed as given
    and signed again: a signed event whose contents are not what was asked."""
    application: dict[str, Any] = system.apply().json()
    caused = events_held(system, lambda: system.pay(application["checkout_url"]))
    [body] = [b for b, _ in caused if b"checkout.session.completed" in b]
    event = json.loads(body)
    event["data"]["object"].update(changes)
    forged = json.dumps(event).encode()
    reply = system.signed_webhook(forged)
    assert reply.status == 200, reply.body  # acknowledged: Stripe must not retry it forever
    return application


def test_a_signed_event_saying_one_pound_never_confirms_a_200_pound_place(system: System) -> None:
    application = _signed_payment_of_our_own_session(system, amount_total=100)
    assert system.status_of(application)["status"] == "awaiting_payment"
    assert _anomalies(system) == ["amount_or_currency_mismatch"]
    refunds = [e for e in system.standin.events() if e["type"] == "charge.refunded"]
    assert len(refunds) == 1  # the payment that was reported is given back
    rows = system.admin("GET", "/courses/compassionate-leadership-test/applications").json()
    # The roster says what Stripe took and gave back, never the "100 gbp" the event claimed.
    assert [(r["amount_paid"], r["amount_refunded"]) for r in rows] == [(20000, 20000)]


def test_a_signed_event_in_another_currency_never_confirms(system: System) -> None:
    application = _signed_payment_of_our_own_session(system, currency="eur")
    assert system.status_of(application)["status"] == "awaiting_payment"
    assert _anomalies(system) == ["amount_or_currency_mismatch"]


def test_a_payment_created_elsewhere_for_one_pound_never_confirms(system: System) -> None:
    application = system.apply().json()
    stray = _session_at_stripe(system, application["application_id"], amount=100)
    paid = system.stripe_local("POST", f"/checkout/{stray}/pay")
    assert paid.status == 200, paid.body
    assert system.webhook_replies[-1].status == 200
    assert system.status_of(application)["status"] == "awaiting_payment"
    assert system.standin.money_taken().get(application["application_id"], 0) == 0  # refunded
    assert _anomalies(system) == ["payment_for_no_application"]

    system.pay(application["checkout_url"])  # the real checkout still works
    assert system.status_of(application)["status"] == "confirmed"


def test_the_refund_of_money_for_no_application_is_known_as_the_systems_own(
    system: System,
) -> None:
    """The payment of a session nobody here opened goes back whole; Stripe's events about
    that refund are acknowledged at once and hours later, with no second anomaly."""
    application = system.apply().json()
    stray = _session_at_stripe(system, application["application_id"], amount=20000)
    assert system.stripe_local("POST", f"/checkout/{stray}/pay").status == 200
    assert all(reply.status == 200 for reply in system.webhook_replies)
    refunds_told_again_hours_later(system)
    assert _anomalies(system) == ["payment_for_no_application"]
    stored = system.stored(application)
    assert stored.payments == ()  # nobody it names is touched


def test_a_session_the_application_never_had_confirms_nothing(system: System) -> None:
    someone = system.apply().json()
    other = system.apply(email="other@example.org").json()
    # The right amount, but a session this system never opened for `other`.
    stray = _session_at_stripe(system, other["application_id"], amount=20000)
    system.stripe_local("POST", f"/checkout/{stray}/pay")
    assert system.status_of(other)["status"] == "awaiting_payment"
    assert system.status_of(someone)["status"] == "awaiting_payment"
    assert system.standin.money_taken().get(other["application_id"], 0) == 0
    assert _anomalies(system) == ["payment_for_no_application"]


def _paid_twice(system: System) -> dict[str, Any]:
    """The first checkout is paid but its event is delayed; the hold lapses, the applicant
    restarts and pays again. Both payments reach the system."""
    application: dict[str, Any] = system.apply().json()
    first_payment = events_held(system, lambda: system.pay(application["checkout_url"]))
    system.clock_offset += timedelta(minutes=32)
    restarted = system.api(
        "POST",
        f"/applications/{application['application_id']}/checkout?token={application['token']}",
    )
    assert restarted.status == 201, restarted.body
    system.pay(restarted.json()["checkout_url"])
    assert system.status_of(application)["status"] == "confirmed"
    for body, headers in first_payment:  # the first payment's event, late
        assert system.webhook(body, headers).status == 200
    return application


def test_a_second_payment_is_recorded_refunded_and_its_refund_acknowledged(
    system: System,
) -> None:
    application = _paid_twice(system)
    stored = system.stored(application)
    assert [(p.kept, p.reason) for p in stored.payments] == [
        (True, None),
        (False, "duplicate_payment"),
    ]
    assert system.standin.money_taken()[application["application_id"]] == 20000  # one kept
    # Stripe sent the refund's events while the refund call was still answering, before the
    # payment was recorded: those got "retry later". Stripe's redelivery is acknowledged.
    retried = {event_id for event_id, status in system.answered if status == 503}
    assert retried
    for event_id in retried:
        assert system.stripe_local("POST", f"/events/{event_id}/resend").status == 200
        assert system.answered[-1] == (event_id, 200)
    stored = system.stored(application)
    [given_back] = [p for p in stored.payments if not p.kept]
    assert given_back.charge_amount_refunded == 20000 or sum(given_back.refunds.values()) == 20000
    assert system.status_of(application)["status"] == "confirmed"  # the booking stands


def test_a_refund_whose_payment_never_arrives_is_kept_for_the_organisers(
    system: System,
) -> None:
    application = system.paid_and_refunded_unheard()
    payment_events = [(b, h) for b, h in system.pending if b"checkout.session" in b]
    refund_events = [(b, h) for b, h in system.pending if b"checkout.session" not in b]
    system.pending.clear()
    system.hold_webhooks = False
    body, headers = refund_events[0]
    assert system.webhook(body, headers).status == 503  # the payment may yet come: retry
    system.clock_offset += timedelta(hours=3)  # Stripe retried for hours; it will not come
    resent = system.stripe_local("POST", f"/events/{json.loads(body)['id']}/resend")
    assert resent.status == 200, resent.body
    assert system.webhook_replies[-1].status == 200
    assert _anomalies(system) == ["refund_of_unrecorded_payment"]
    # If the payment's event does arrive after all, it does not confirm money that went back.
    for body, headers in payment_events:
        system.webhook(body, headers)
    assert system.status_of(application)["status"] != "confirmed"
