"""A refund Stripe says failed is news for the organisers: the settlement of its
event keeps a ``refund_failed_at_stripe`` anomaly, whichever payment of the booking it gave
back (the booking's own, or one the system gave back whole), and none for a refund that still
counts. Pure: ``domain.refund_failed`` through ``domain.settlement.settle``."""

from __future__ import annotations

from dataclasses import replace

from booking.domain.commands import NoteAnomaly
from booking.domain.payments import RefundEvent
from booking.domain.refund_failed import REFUND_FAILED_AT_STRIPE
from booking.domain.settlement import settle
from tests.unit.test_several_charges import FIRST, GIVEN_BACK, SITUATION, booking

# The payment given back whole (``pi_9``) by its refund ``re_9``, and Stripe's word that it failed.
REFUNDED_WHOLE = GIVEN_BACK.model_copy(update={"refunds": {"re_9": 20000}})
REFUND_OF_IT_FAILED = RefundEvent(
    event_id="evt_failed",
    payment_intent="pi_9",
    refund_id="re_9",
    refund_amount=20000,
    refund_succeeded=False,
    refund_failed=True,
    charge_amount_refunded=0,
)


def _noted(settled: tuple[object, ...]) -> list[NoteAnomaly]:
    return [c for c in settled if isinstance(c, NoteAnomaly) and c.kind == REFUND_FAILED_AT_STRIPE]


def test_a_given_back_payments_refund_that_failed_since_is_an_anomaly() -> None:
    application = booking(REFUNDED_WHOLE)
    assert application.money_returned == 20000

    settled = settle(application, REFUND_OF_IT_FAILED, SITUATION)

    assert settled.application is not None
    assert settled.application.money_returned == 0
    [noted] = _noted(settled.before_save)
    assert (noted.event_id, dict(noted.details)) == (
        "refund_failed_at_stripe-re_9",
        {
            "application_id": application.application_id,
            "payment_intent": "pi_9",
            "refund_id": "re_9",
            "counted_before": "20000",
            "counted_now": "0",
            "event_id": "evt_failed",
        },
    )
    assert settled.application.refunds_failed == ("re_9",)
    # Told again (another event, the same failure): nothing new, no second anomaly.
    again = settle(
        settled.application, replace(REFUND_OF_IT_FAILED, event_id="evt_again"), SITUATION
    )
    assert (again.action, again.application, again.before_save) == ("ignore", None, ())


def test_a_refund_that_succeeded_is_no_anomaly() -> None:
    application = booking()
    succeeded = RefundEvent(
        event_id="evt_ok", payment_intent=FIRST.payment_intent, refund_id="re_1", refund_amount=5000
    )

    settled = settle(application, succeeded, SITUATION)

    assert settled.application is not None
    assert settled.application.money_returned == 5000
    assert _noted(settled.before_save) == []


def test_two_events_of_one_failure_decided_at_once_keep_one_anomaly() -> None:
    """Two events telling one refund's failure, each decided from the same read (delivered at
    once): both ask for the anomaly under the refund's key, so the repository, which keeps one
    per key, keeps one."""
    application = booking(REFUNDED_WHOLE)
    again = replace(REFUND_OF_IT_FAILED, event_id="evt_sent_again")

    keys = {
        noted.event_id
        for event in (REFUND_OF_IT_FAILED, again)
        for noted in _noted(settle(application, event, SITUATION).before_save)
    }

    assert keys == {"refund_failed_at_stripe-re_9"}
