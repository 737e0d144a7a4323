"""A refund this system makes is counted as given back only as Stripe holds it: a pending one
(Bacs, SEPA: for days) is not money returned until Stripe reports it succeeded, and one that
fails, pending or after it succeeded, leaves nothing counted as returned
(``Application.with_refund_made``, ``services.believed.refund_as_stripe_holds``). Through the
real handlers, moto and the Stripe stand-in; every event is signed with the webhook's own
secret."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from tests.support.stripe_events import last_event, paid, sent, shown
from tests.support.system import System


def _refund_of(system: System, payment_intent: str) -> str:
    """The one refund Stripe holds of ``payment_intent``."""
    store = system.standin._store
    with store.lock:
        [refund_id] = [
            r["id"] for r in store.refunds.values() if r["payment_intent"] == payment_intent
        ]
    return str(refund_id)


def _settled_at_stripe(system: System, refund_id: str, status: str) -> dict[str, Any]:
    """The refund ``refund_id`` goes through (``succeeded``) or is sent back (``failed``) at
    Stripe, its charge counting it no more when it fails: Stripe's ``refund.updated``, signed,
    as Stripe would send it (a new event id)."""
    store = system.standin._store
    with store.lock:
        refund = store.refunds[refund_id]
        if status == "failed" and refund["status"] != "failed":
            charge = store.charges[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        refund["status"] = status
        now = copy.deepcopy(refund)
    event = last_event(system, "refund.created", now["payment_intent"])
    event.update(id=f"evt_{status}_{refund_id}", type="refund.updated")
    event["data"]["object"] = now
    return event


def _cancelled_with_a_pending_refund(system: System) -> dict[str, Any]:
    """A paid booking an organiser cancelled with a refund that Stripe holds pending, its
    events (``refund.created`` pending, ``charge.refunded``) delivered."""
    application = paid(system, "x@example.org")
    with system.standin._store.lock:
        system.standin._store.refund_status = "pending"
    assert system.cancel(application["application_id"]).status == 200
    with system.standin._store.lock:
        system.standin._store.refund_status = "succeeded"
    return application


Told = tuple[str, str, dict[str, str]]  # an anomaly's key, kind and details


def _anomalies(system: System) -> list[Told]:
    return [(a.event_id, a.kind, dict(a.details)) for a in system.ports.repository.anomalies()]


def _refund_failed(
    application: dict[str, Any], payment: str, refund_id: str, counted: int, told: dict[str, Any]
) -> Told:
    """The anomaly the organisers get when refund ``refund_id`` of ``payment`` fails at Stripe,
    ``counted`` (minor units) given back until ``told`` (its event) said so: one per refund,
    by ids and amounts only."""
    details = {
        "application_id": application["application_id"],
        "payment_intent": payment,
        "refund_id": refund_id,
        "counted_before": str(counted),
        "counted_now": "0",
        "event_id": told["id"],
    }
    return f"refund_failed_at_stripe-{refund_id}", "refund_failed_at_stripe", details


@pytest.mark.parametrize("outcome", ["succeeded", "failed"])
def test_a_pending_refund_made_here_counts_only_when_it_succeeds(
    system: System, outcome: str
) -> None:
    """The cancel's refund is pending at Stripe: its events count nothing as given back yet
    (the booking stays cancelled, nothing refunded); a made-up "succeeded" for it is read at
    Stripe and changes nothing; Stripe's own word, later, counts it (succeeded) or leaves
    nothing counted (failed)."""
    application = _cancelled_with_a_pending_refund(system)
    assert shown(system, application) == ("cancelled", 20000, 0)
    payment = system.payment_of(application)
    refund_id = _refund_of(system, payment)
    made_up = last_event(system, "refund.created", payment)
    made_up["id"] = "evt_made_up_succeeded"
    made_up["data"]["object"]["status"] = "succeeded"
    sent(system, made_up)  # Stripe says pending: the sender's "succeeded" is not believed
    assert shown(system, application) == ("cancelled", 20000, 0)

    settled = _settled_at_stripe(system, refund_id, outcome)
    sent(system, settled)

    expected = ("refunded", 20000, 20000) if outcome == "succeeded" else ("cancelled", 20000, 0)
    assert shown(system, application) == expected
    # Failed, the money the person was told of never comes: the organisers hear of it,
    # though nothing was counted as given back.
    failed = _refund_failed(application, payment, refund_id, 0, settled)
    assert _anomalies(system) == ([failed] if outcome == "failed" else [])


def test_a_refund_made_here_that_fails_after_it_succeeded_is_counted_no_more(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """A card refund can fail after Stripe said it succeeded (the card closed): its
    ``refund.updated`` (failed) is read at Stripe, and both of Stripe's figures, the refund
    by id and the charge's total, then count nothing as given back; the organisers get a
    ``refund_failed_at_stripe`` anomaly and an ERROR."""
    application = paid(system, "x@example.org")
    assert system.cancel(application["application_id"]).status == 200
    assert shown(system, application) == ("refunded", 20000, 20000)
    payment = system.payment_of(application)
    refund_id = _refund_of(system, payment)
    assert system.ports.repository.anomalies() == []

    failed = _settled_at_stripe(system, refund_id, "failed")
    with caplog.at_level(logging.ERROR):
        assert sent(system, json.loads(json.dumps(failed)))["action"] != "ignore"

    assert shown(system, application)[1:] == (20000, 0)
    stored = system.stored(application["application_id"])
    assert (stored.refunds, stored.charge_amount_refunded, stored.refunds_made) == ({}, 0, {})
    # Counted, now not: the organisers hear of it, by ids and amounts only.
    assert _anomalies(system) == [_refund_failed(application, payment, refund_id, 20000, failed)]
    [alarmed] = [r for r in caplog.records if r.getMessage() == "payment anomaly"]
    assert (alarmed.levelno, getattr(alarmed, "anomaly", None)) == (
        logging.ERROR,
        "refund_failed_at_stripe",
    )
    assert "x@example.org" not in str(alarmed.__dict__)
    # Stripe delivering the same event again tells nothing new.
    sent(system, json.loads(json.dumps(failed)))
    assert len(system.ports.repository.anomalies()) == 1
