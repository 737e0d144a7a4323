"""The Refund action on a booking cancelled without a refund: one decision
with the cancellation's own refunds (same keys: a retry or a second click is the same refund
at Stripe), the person told once whichever of the save and the refund's event comes first,
and nothing done when nothing is kept."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.commands import Refund
from booking.domain.emails import EmailKind
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payments import RefundEvent
from booking.domain.settlement import settle
from tests.unit.test_settlement import NOW, SITUATION, application, paid_booking

AFTERWARDS = Cancellation(refund=True, afterwards=True)


def _cancelled_keeping_the_money() -> Application:
    decided = settle(paid_booking(), Cancellation(refund=False), SITUATION)
    assert decided.application is not None
    assert decided.before_save == ()
    return decided.application.model_copy(update={"outbox": ()})


def _applicant_emails(app: Application) -> list[EmailKind]:
    return [job.kind for job in app.outbox if job.kind is not EmailKind.FACILITATOR_COPY]


def test_the_kept_money_goes_back_by_the_cancellations_own_keyed_refund_and_is_said_once() -> None:
    kept = _cancelled_keeping_the_money()
    decided = settle(kept, AFTERWARDS, SITUATION)
    assert decided.refusal is None
    assert decided.before_save == (Refund("pi_1", None, "cancel-app1"),)
    asked = decided.application
    assert asked is not None
    assert (asked.status, asked.status_reason, asked.last_refund) == (
        S.CANCELLED,
        "refund_requested",
        20000,
    )
    assert _applicant_emails(asked) == [EmailKind.PAYMENT_REFUNDED]
    # Stripe's event for it, landing after the save: recorded, the booking ended, nobody told
    # again.
    event = RefundEvent("evt_r", "pi_1", charge_amount_refunded=20000, refunded_at=NOW)
    reported = settle(asked.model_copy(update={"outbox": ()}), event, SITUATION).application
    assert reported is not None
    assert reported.status is S.REFUNDED
    assert _applicant_emails(reported) == []
    # A second click (or a retry) finds the refund asked: nothing again.
    again = settle(asked, AFTERWARDS, SITUATION)
    assert (again.action, again.application, again.before_save) == ("ignore", None, ())
    assert settle(reported, AFTERWARDS, SITUATION).action == "ignore"


def test_the_refund_event_landing_first_tells_the_person_and_leaves_nothing_to_do() -> None:
    kept = _cancelled_keeping_the_money()
    event = RefundEvent("evt_r", "pi_1", charge_amount_refunded=20000, refunded_at=NOW)
    reported = settle(kept, event, SITUATION).application
    assert reported is not None
    assert _applicant_emails(reported) == [EmailKind.PAYMENT_REFUNDED]
    # The save that asked for it then loses, and decides again from the fresh read: nothing.
    assert settle(reported, AFTERWARDS, SITUATION).action == "ignore"


def test_nothing_paid_or_not_cancelled_is_refused_in_words() -> None:
    unpaid = settle(application(), Cancellation(refund=False), SITUATION).application
    assert unpaid is not None
    nothing = settle(unpaid, AFTERWARDS, SITUATION)
    assert nothing.refusal is not None
    assert nothing.refusal.code == "nothing_to_refund"
    assert "nothing to refund" in nothing.refusal.message
    standing = settle(paid_booking(payments=()), AFTERWARDS, SITUATION)
    assert standing.refusal is not None
    assert standing.refusal.code == "not_cancelled"
    assert standing.before_save == ()
