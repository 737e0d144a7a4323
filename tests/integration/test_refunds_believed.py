"""A signed refund event is believed only as Stripe holds the refund
(``services.believed.refund_as_stripe_holds``): one read of the payment's refunds at Stripe on
first hearing; a refund Stripe does not hold for that payment changes nothing (200, refused at
ERROR), one it holds is recorded with Stripe's amount, and Stripe unreachable is a 503 so
Stripe delivers the event again. Through the real handlers, moto and the Stripe stand-in;
every event here is signed with the webhook's own secret."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest

from tests.support.groups import paid_by_card
from tests.support.held_events import events_held
from tests.support.stripe_client import never_asked
from tests.support.stripe_events import (
    last_event,
    not_believed,
    paid,
    reasons_not_believed,
    sent,
    shown,
)
from tests.support.system import WEBHOOK_SECRET, System
from tests.support.webhook_signature import stripe_signature


def _made_up(system: System, kind: str, payment_intent: str, **changes: Any) -> dict[str, Any]:
    """Stripe's last ``kind`` event, made over as a refund of ``payment_intent`` Stripe never
    made (a new event id, no request key: as the dashboard's)."""
    event = last_event(system, kind)
    event["id"] = f"evt_made_up_{kind}_{payment_intent}"
    event["request"] = {"id": None, "idempotency_key": None}
    event["data"]["object"].update(payment_intent=payment_intent, **changes)
    return event


def test_a_refund_stripe_does_not_hold_refunds_nothing(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    other = paid(system, "other@example.org")
    system.refund_at_stripe(system.payment_of(other), 1000)  # real events to copy from
    application = paid(system, "x@example.org")
    payment = system.payment_of(application)
    system.deliver_emails()
    made_up = [
        _made_up(system, "refund.created", payment, id="re_h20_made_up", amount=10000),
        _made_up(system, "charge.refunded", payment, amount_refunded=20000, refunded=True),
    ]
    with caplog.at_level(logging.ERROR):
        for event in made_up:
            assert sent(system, event)["action"] == "ignore"
    assert shown(system, application) == ("confirmed", 20000, 0)
    assert [m for m in system.deliver_emails() if "x@example.org" in m.to] == []
    refused = not_believed(caplog)
    assert [getattr(r, "reason", None) for r in refused] == ["refund_unknown_at_stripe"] * 2
    assert {r.levelno for r in refused} == {logging.ERROR}


def test_a_refund_stripe_holds_is_recorded_with_stripes_amount(system: System) -> None:
    application = paid(system, "x@example.org")
    payment = system.payment_of(application)
    system.hold_webhooks = True
    system.refund_at_stripe(payment, 5000)
    system.pending.clear()  # Stripe's own events lost: a made-up copy says more
    system.hold_webhooks = False
    real = last_event(system, "refund.created", payment)
    inflated = json.loads(json.dumps(real))
    inflated["id"] = "evt_inflated"
    inflated["data"]["object"]["amount"] = 15000
    assert sent(system, inflated)["action"] != "ignore"
    assert shown(system, application) == ("confirmed", 20000, 5000)


def test_a_groups_payment_is_not_refunded_by_a_made_up_refund(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    group = paid_by_card(system)
    stored = system.stored_group(group)
    payment = str(stored.payment_intent)
    other = paid(system, "other@example.org")
    system.refund_at_stripe(system.payment_of(other), 1000)  # real events to copy from
    for event in (
        _made_up(system, "refund.created", payment, id="re_h20_group", amount=60000),
        _made_up(system, "charge.refunded", payment, amount_refunded=60000, refunded=True),
    ):
        assert sent(system, event)["action"] == "ignore"
    assert reasons_not_believed(caplog) == ["refund_unknown_at_stripe"] * 2
    after = system.stored_group(group)
    assert (after.amount_refunded, after.ended_because) == (0, None)
    assert not any(place.released for place in after.places)


def test_stripe_unreachable_when_a_refund_is_read_is_a_503_then_recorded(system: System) -> None:
    application = paid(system, "x@example.org")
    payment = system.payment_of(application)
    system.hold_webhooks = True
    system.refund_at_stripe(payment, 5000)
    held = list(system.pending)
    system.pending.clear()
    system.hold_webhooks = False
    body, headers = held[0]
    system.stripe_http.fail_next = [503]
    assert system.webhook(body, headers).status == 503  # Stripe delivers it again
    assert shown(system, application) == ("confirmed", 20000, 0)
    for body, headers in held:  # the redelivery, read back at Stripe this time
        assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("confirmed", 20000, 5000)


def test_a_made_up_refund_of_a_payment_not_yet_recorded_writes_nothing(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the redelivery bound, a refund of a payment no booking recorded, whose payment at
    Stripe names an application, is recorded on that application (``_refund_before_payment``)
    only as Stripe holds it: one Stripe never made writes nothing, and the payment's own event,
    when it comes, confirms the booking."""
    other = paid(system, "other@example.org")
    system.refund_at_stripe(system.payment_of(other), 1000)  # real events to copy from
    application = system.apply(email="x@example.org").json()
    system.hold_webhooks = True
    assert system.pay(application["checkout_url"]).status == 200
    held = list(system.pending)
    system.pending.clear()
    system.hold_webhooks = False
    paying = system.checkout_session(application["checkout_url"])["payment_intent"]
    before = system.stored(application["application_id"])
    system.clock_offset += timedelta(hours=3)  # long past any reordering of Stripe's events
    made_up = _made_up(system, "refund.created", paying, id="re_h20_before", amount=20000)
    with caplog.at_level(logging.ERROR):
        assert sent(system, made_up)["action"] == "ignore"
    assert system.stored(application["application_id"]) == before  # nothing written
    assert [a.kind for a in system.ports.repository.anomalies()] == []
    assert reasons_not_believed(caplog) == ["refund_unknown_at_stripe"]
    for body, headers in held:  # the payment's own events, late
        assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("confirmed", 20000, 0)


def _cancelled_with_its_events_held(
    system: System, email: str, *, refunded_later: bool = False
) -> tuple[dict[str, Any], list[tuple[bytes, dict[str, str]]]]:
    """A paid booking an organiser cancelled with a refund (or keeping the money, then refunded
    by the Refund action: ``refunded_later``), and Stripe's events of that refund, not
    delivered yet."""
    application = paid(system, email)
    app_id = application["application_id"]
    if refunded_later:
        assert system.cancel(app_id, refund=False).status == 200
    system.hold_webhooks = True
    if refunded_later:
        assert system.admin("POST", f"/applications/{app_id}/refund", json_body={}).status == 200
    else:
        assert system.cancel(app_id).status == 200
    held = list(system.pending)
    system.pending.clear()
    system.hold_webhooks = False
    kinds = [json.loads(body)["type"] for body, _ in held]
    assert {"refund.created", "charge.refunded"} <= set(kinds), kinds
    return application, held


@pytest.mark.parametrize("refunded_later", [False, True], ids=["cancel_with_refund", "refund"])
def test_the_events_of_a_refund_made_here_ask_nothing_of_stripe(
    system: System, refunded_later: bool
) -> None:
    """The refund an organiser's cancel (or Refund) made is recorded by its id
    when made, so its events are believed without a read: Stripe's API down as they land, each
    is answered 200 and the booking ends refunded (not a 503 and 'cancelled' until Stripe
    redelivers)."""
    application, held = _cancelled_with_its_events_held(
        system, "x@example.org", refunded_later=refunded_later
    )
    with never_asked(system.stripe_http):
        for body, headers in held:
            assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("refunded", 20000, 20000)


def test_a_made_up_event_of_a_refund_made_here_is_still_read_at_stripe(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Only what this system recorded of its own refund passes unread: the same refund id at
    a larger amount, or another id under the cancel's own request key, is read at Stripe and
    believed as Stripe holds it (never by the event's key)."""
    application, held = _cancelled_with_its_events_held(system, "x@example.org")
    payment = system.payment_of(application)
    ours = last_event(system, "refund.created", payment)
    key = ours["request"]["idempotency_key"]
    inflated = json.loads(json.dumps(ours))
    inflated["id"] = "evt_inflated_own_refund"
    inflated["data"]["object"]["amount"] = 30000
    keyed = json.loads(json.dumps(ours))
    keyed["id"] = "evt_made_up_under_our_key"
    keyed["data"]["object"]["id"] = "re_made_up_under_our_key"
    assert key
    for event in (inflated, keyed):
        system.stripe_http.fail_next = [503]  # a read is made: Stripe down answers 503
        body = json.dumps(event).encode()
        headers = {"stripe-signature": stripe_signature(body, WEBHOOK_SECRET)}
        assert system.webhook(body, headers).status == 503
    system.stripe_http.fail_next = []
    with caplog.at_level(logging.ERROR):
        assert sent(system, keyed)["action"] == "ignore"
    assert reasons_not_believed(caplog) == ["refund_unknown_at_stripe"]
    for body, headers in held:
        assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("refunded", 20000, 20000)


def _refunds_failed_at_stripe(system: System, payment_intent: str) -> None:
    """Every refund Stripe holds of ``payment_intent`` failed (a Bacs or SEPA refund the bank
    sent back): its charge no longer counts them, as Stripe's does not."""
    store = system.standin._store
    with store.lock:
        for refund in store.refunds.values():
            if refund["payment_intent"] == payment_intent:
                refund["status"] = "failed"
                store.charges[refund["charge"]]["amount_refunded"] -= refund["amount"]


def test_a_charge_total_delivered_after_its_only_refund_failed_is_no_forgery(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """A dashboard refund's ``charge.refunded`` (its total 5000) delivered late,
    after that refund failed: Stripe holds the refund, all of it failed, so its total is 0.
    That is Stripe's word, believed: nothing counted as returned, no email, and no forgery
    alarm (``refund_unknown_at_stripe``) for a real event."""
    application = paid(system, "x@example.org")
    payment = system.payment_of(application)
    system.deliver_emails()
    system.hold_webhooks = True
    system.refund_at_stripe(payment, 5000)
    held = list(system.pending)
    system.pending.clear()
    system.hold_webhooks = False
    _refunds_failed_at_stripe(system, payment)
    with caplog.at_level(logging.WARNING):
        for body, headers in held:
            assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("confirmed", 20000, 0)
    assert [m for m in system.deliver_emails() if "x@example.org" in m.to] == []
    assert not_believed(caplog) == []


def test_a_refund_of_a_payment_recorded_as_unknown_to_stripe_is_refused_unread(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """A second payment given back that Stripe holds no trace of is recorded as
    unknown to Stripe (``Application.with_payment_unknown_to_provider``). A signed refund
    event naming it later is a forger's (Stripe cannot refund what it never held): refused
    without a read (200, ERROR ``refund_unknown_at_stripe``), never a 503 asking for the
    event again and sounding the outage alarm."""
    application = system.apply(email="x@example.org").json()
    first = events_held(system, lambda: system.pay(application["checkout_url"]))
    system.clock_offset += timedelta(minutes=32)  # the hold lapses; the applicant pays again
    restarted = system.api(
        "POST",
        f"/applications/{application['application_id']}/checkout?token={application['token']}",
    )
    assert restarted.status == 201, restarted.body
    assert system.pay(restarted.json()["checkout_url"]).status == 200
    [unknown] = {
        json.loads(body)["data"]["object"]["payment_intent"]
        for body, _ in first
        if json.loads(body)["type"] == "checkout.session.completed"
    }
    system.payment_gone(unknown)  # Stripe holds no trace of the first payment any more
    for body, headers in first:  # its events, late: recorded, its refund refused by Stripe
        assert system.webhook(body, headers).status == 200
    [record] = [p for p in system.stored(application["application_id"]).payments if not p.kept]
    assert (record.payment_intent, record.amount, record.unknown_to_provider) == (unknown, 0, True)
    other = paid(system, "other@example.org")
    system.refund_at_stripe(system.payment_of(other), 1000)  # real events to copy from
    before = system.stored(application["application_id"])
    with never_asked(system.stripe_http), caplog.at_level(logging.ERROR):
        answer = sent(system, _made_up(system, "refund.created", unknown, id="re_l2", amount=20000))
    assert answer["action"] == "ignore"
    assert system.stored(application["application_id"]) == before  # nothing written
    assert reasons_not_believed(caplog) == ["refund_unknown_at_stripe"]


def test_a_refund_that_failed_before_its_payment_was_recorded_writes_nothing(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the redelivery bound, a refund of a payment no booking recorded yet whose refunds
    all failed at Stripe gave nothing back: nothing is recorded (no anomaly, no payment marked
    refunded), nothing is refused as a forgery, and the payment's own event, when it comes,
    confirms the booking."""
    application = system.apply(email="x@example.org").json()
    paying = events_held(system, lambda: system.pay(application["checkout_url"]))
    payment = system.checkout_session(application["checkout_url"])["payment_intent"]
    refunding = events_held(system, lambda: system.refund_at_stripe(payment, 5000))
    _refunds_failed_at_stripe(system, payment)
    before = system.stored(application["application_id"])
    system.clock_offset += timedelta(hours=3)  # long past any reordering of Stripe's events
    with caplog.at_level(logging.WARNING):
        for body, headers in refunding:
            assert system.webhook(body, headers).status == 200
    assert system.stored(application["application_id"]) == before  # nothing written
    assert system.ports.repository.anomalies() == []
    assert not_believed(caplog) == []
    for body, headers in paying:  # the payment's own events, late
        assert system.webhook(body, headers).status == 200
    assert shown(system, application) == ("confirmed", 20000, 0)
