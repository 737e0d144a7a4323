"""A booking that kept more than one charge (its first payment, and a move's price difference):
each refund counted against the charge it gave back, a cancellation giving back what is left
of every charge, and the booking ended only once everything its charges took has come back.
Pure: ``domain.application``, ``domain.payments``, ``domain.settlement``."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import Application, PaymentRecord
from booking.domain.application import ApplicationStatus as S
from booking.domain.commands import Refund, Situation
from booking.domain.emails import EmailKind
from booking.domain.money import Money
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payments import RefundEvent, after_refund
from booking.domain.settlement import settle
from tests.support.applications import an_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
SITUATION = Situation(now=NOW, course_price=Money(amount=25000))
FIRST = PaymentRecord(
    payment_intent="pi_1", session_id="cs_1", amount=20000, currency="gbp", kept=True
)
DIFFERENCE = PaymentRecord(
    payment_intent="pi_2", session_id="cs_2", amount=5000, currency="gbp", kept=True
)
GIVEN_BACK = PaymentRecord(
    payment_intent="pi_9", session_id="cs_9", amount=20000, currency="gbp", kept=False
)


def booking(*payments: PaymentRecord, **changes: object) -> Application:
    """A confirmed booking paid £200.00 (``pi_1``) with ``payments`` recorded beside it."""
    return an_application(
        S.CONFIRMED,
        at=NOW,
        seat_held=True,
        price=Money(amount=25000),
        payment_intent="pi_1",
        amount_paid=20000,
        payments=(FIRST, *payments),
    ).model_copy(update=changes)


def refund_of(payment_intent: str, amount: int, refund_id: str) -> RefundEvent:
    return RefundEvent(
        event_id=f"evt_{refund_id}",
        payment_intent=payment_intent,
        refund_id=refund_id,
        refund_amount=amount,
    )


def test_every_kept_charge_counts_in_what_the_booking_kept_and_a_given_back_one_does_not() -> None:
    application = booking(DIFFERENCE, GIVEN_BACK)
    assert application.further_charges == (DIFFERENCE,)
    assert (application.charges_paid, application.amount_kept) == (25000, 25000)
    # What Stripe took and gave back in all still counts the payment given back.
    assert application.money_received == 45000


def test_a_refund_of_a_further_charge_is_counted_against_it_and_the_booking_stands() -> None:
    outcome = after_refund(booking(DIFFERENCE), refund_of("pi_2", 3000, "re_2"), NOW)
    after = outcome.application
    assert not outcome.full
    assert after.status is S.CONFIRMED
    assert after.payment("pi_2") == DIFFERENCE.model_copy(update={"refunds": {"re_2": 3000}})
    assert (after.amount_refunded, after.charges_refunded, after.amount_kept) == (0, 3000, 22000)
    [email] = [job for job in after.outbox if job.kind is EmailKind.PAYMENT_REFUNDED]
    assert (email.amount, email.reason) == (3000, "partial_refund")


def test_the_first_charge_refunded_whole_does_not_end_a_booking_that_kept_another() -> None:
    outcome = after_refund(booking(DIFFERENCE), refund_of("pi_1", 20000, "re_1"), NOW)
    assert not outcome.full
    assert outcome.application.status is S.CONFIRMED
    assert outcome.application.amount_kept == 5000


def test_the_booking_ends_refunded_once_every_charge_has_come_back_in_any_order() -> None:
    first, second = refund_of("pi_1", 20000, "re_1"), refund_of("pi_2", 5000, "re_2")
    for order in ((first, second), (second, first)):
        application = booking(DIFFERENCE)
        outcomes = []
        for event in order:
            outcome = after_refund(application, event, NOW)
            outcomes.append(outcome.full)
            application = outcome.application
        assert outcomes == [False, True]
        assert application.status is S.REFUNDED
        assert not application.seat_held
        assert application.amount_kept == 0
        last = [job for job in application.outbox if job.kind is EmailKind.PAYMENT_REFUNDED]
        assert last[-1].amount == order[-1].refund_amount


def test_a_refund_of_a_payment_given_back_still_leaves_the_booking_alone() -> None:
    outcome = after_refund(booking(DIFFERENCE, GIVEN_BACK), refund_of("pi_9", 20000, "re_9"), NOW)
    assert outcome.application.status is S.CONFIRMED
    assert outcome.application.amount_kept == 25000
    assert outcome.application.money_returned == 20000


def test_a_cancellation_gives_back_what_is_left_of_every_charge_keyed_by_charge() -> None:
    partly = DIFFERENCE.model_copy(update={"refunds": {"re_0": 1000}})
    decided = settle(booking(partly), Cancellation(refund=True), SITUATION)
    assert decided.before_save == (
        Refund("pi_2", None, "cancel-app1-pi_2"),
        Refund("pi_1", None, "cancel-app1"),
    )
    assert decided.application is not None
    assert decided.application.last_refund == 24000


def test_a_cancellation_asks_nothing_of_a_charge_given_back_already() -> None:
    spent = DIFFERENCE.model_copy(update={"refunds": {"re_0": 5000}})
    decided = settle(booking(spent, GIVEN_BACK), Cancellation(refund=True), SITUATION)
    assert decided.before_save == (Refund("pi_1", None, "cancel-app1"),)


def test_a_further_charge_refunded_whole_keeps_what_it_took() -> None:
    made = booking(DIFFERENCE).with_refund_made("pi_2", "re_2", 5000, whole=True, succeeded=True)
    assert made.payment("pi_2") == DIFFERENCE.model_copy(update={"refunds": {"re_2": 5000}})
    assert made.amount_kept == 20000


def test_a_refund_made_pending_counts_nothing_as_given_back_yet() -> None:
    """A Bacs or SEPA refund Stripe holds pending may still fail: neither a further charge's
    nor the booking's own is counted (nor known as made here) until Stripe says it
    succeeded."""
    further = booking(DIFFERENCE).with_refund_made(
        "pi_2", "re_2", 5000, whole=True, succeeded=False
    )
    assert further.payment("pi_2") == DIFFERENCE
    assert further.money_returned == 0
    own = booking(DIFFERENCE).with_refund_made("pi_1", "re_1", 20000, whole=True, succeeded=False)
    assert (own.refunds_made, own.last_refund, own.amount_refunded) == ({}, 20000, 0)
