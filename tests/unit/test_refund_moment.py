"""A refund weighed against the charges paid before its moment at Stripe (``domain.payments``:
``paid_after``, ``after_refund``; ``domain.settlement``), without I/O.

An organiser refunds a booking's only charge from Stripe's dashboard while the person pays a
move's difference (its checkout still open there). At the refund's moment the booking had one
charge and all of it came back, so the booking ended; the difference was paid after, for a
booking that had ended, and goes back whole. Whichever event reaches us first."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from booking.domain.application import Application, PaymentRecord
from booking.domain.application import ApplicationStatus as S
from booking.domain.commands import Refund
from booking.domain.dearer_moves import MOVE_LATE_PAYMENT
from booking.domain.emails import EmailKind
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payments import (
    CheckoutEventKind,
    RefundEvent,
    after_refund,
)
from booking.domain.refund_figures import MOVE_PAID_AFTER_END
from booking.domain.settlement import MoneyFact, settle
from tests.support.move_cases import NOW, booking
from tests.unit.test_dearer_moves import SITUATION, asked, event

PAID_FIRST = NOW - timedelta(days=30)
REFUNDED_AT = NOW + timedelta(minutes=2)
FIRST = PaymentRecord(
    payment_intent="pi_1",
    session_id="cs_1",
    amount=20000,
    currency="gbp",
    kept=True,
    paid_at=PAID_FIRST,
)


def waiting() -> Application:
    """A £200 booking on spring (``pi_1``), its move to the £250 cohort waiting for £50."""
    return asked(booking(payments=(FIRST,)))


def organisers_refund(at: datetime | None, event_id: str = "evt_re_1") -> RefundEvent:
    """The organiser's refund of the first charge, whole, from Stripe's dashboard."""
    return RefundEvent(
        event_id=event_id,
        payment_intent="pi_1",
        refund_id="re_1",
        refund_amount=20000,
        created=at,
        refunded_at=at,
    )


def difference_paid(at: datetime | None) -> MoneyFact:
    return event(CheckoutEventKind.PAID, created=at)


def run(application: Application, facts: Sequence[MoneyFact]) -> tuple[Application, list[Refund]]:
    """``facts`` settled one after the other: the end state, and the refunds it asked for."""
    refunds: list[Refund] = []
    for fact in facts:
        decided = settle(application, fact, SITUATION)
        refunds.extend(c for c in decided.before_save if isinstance(c, Refund))
        application = decided.application or application
    return application, refunds


def told_of_refunds(application: Application) -> list[tuple[str | None, int | None]]:
    return sorted(
        (job.reason, job.amount)
        for job in application.outbox
        if job.kind is EmailKind.PAYMENT_REFUNDED
    )


def test_a_refund_made_before_the_difference_ends_the_booking_in_either_order() -> None:
    refund, paid = organisers_refund(REFUNDED_AT), difference_paid(REFUNDED_AT + timedelta(1))
    ends = [run(waiting(), order) for order in ((paid, refund), (refund, paid))]
    for application, refunds in ends:
        assert application.status is S.REFUNDED
        assert (application.seat_held, application.pending_move) == (False, None)
        assert application.amount_kept == 0
        # The difference is recorded, given back whole through the port, the person told once.
        difference = application.payment("pi_move")
        assert difference is not None
        assert (difference.kept, difference.reason) == (False, MOVE_LATE_PAYMENT)
        assert difference.paid_at == REFUNDED_AT + timedelta(1)
        assert refunds == [Refund("pi_move", None, "refund-cs_move")]
        assert told_of_refunds(application) == [(MOVE_PAID_AFTER_END, 5000), ("refunded", 20000)]
    (first, _), (second, _) = ends
    assert first.payments == second.payments
    assert (first.money_received, first.money_returned) == (second.money_received, 20000)
    assert first.status_reason == second.status_reason == "refunded"


@pytest.mark.parametrize(
    ("paid_in", "payment_first"),
    [(-1, True), (0, True), (0, False), (1, True), (1, False)],
    ids=["second_before", "same_second", "same_second_refund_first", "after", "after_refund_first"],
)
def test_each_order_tells_one_true_account_of_the_difference(
    paid_in: int, payment_first: bool
) -> None:
    """Paid after the refund (its second included), in either order of events: the booking
    ended with the refund and its message says so, and the difference's message is worded
    for a cancelled booking (never the lapsed move's "Your booking is as it was"). Paid a
    second before, the move stands and the refund is a part one."""
    paid = difference_paid(REFUNDED_AT + timedelta(seconds=paid_in))
    refund = organisers_refund(REFUNDED_AT)
    application, _ = run(waiting(), (paid, refund) if payment_first else (refund, paid))
    if paid_in < 0:
        assert (application.status, told_of_refunds(application)) == (
            S.CONFIRMED,
            [("partial_refund", 20000)],
        )
        return
    assert application.status is S.REFUNDED
    assert told_of_refunds(application) == [(MOVE_PAID_AFTER_END, 5000), ("refunded", 20000)]
    assert MOVE_LATE_PAYMENT not in {job.reason for job in application.outbox}


def test_a_move_lapsed_before_its_difference_is_paid_still_says_so() -> None:
    """A booking that stands (its move lapsed, not ended): the lapsed move's words."""
    lapsed, _ = run(waiting(), (event(CheckoutEventKind.EXPIRED),))
    assert lapsed.status is S.CONFIRMED
    after, refunds = run(lapsed, (difference_paid(REFUNDED_AT),))
    assert refunds == [Refund("pi_move", None, "refund-cs_move")]
    assert told_of_refunds(after) == [(MOVE_LATE_PAYMENT, 5000)]


def test_a_difference_paid_in_the_refunds_second_counts_as_paid_after_it() -> None:
    application, refunds = run(
        waiting(), (difference_paid(REFUNDED_AT), organisers_refund(REFUNDED_AT))
    )
    assert application.status is S.REFUNDED
    assert refunds == [Refund("pi_move", None, "refund-cs_move")]
    assert application.further_charges == ()


def test_a_refund_of_the_first_charge_after_the_difference_was_paid_is_partial() -> None:
    paid, refund = difference_paid(REFUNDED_AT - timedelta(1)), organisers_refund(REFUNDED_AT)
    application, refunds = run(waiting(), (paid, refund))
    assert (application.status, application.course_id) == (S.CONFIRMED, "dearer")
    assert refunds == []
    assert application.amount_kept == 5000
    assert told_of_refunds(application) == [("partial_refund", 20000)]


def test_a_payment_stored_without_its_time_counts_as_paid_before_any_refund() -> None:
    moved, _ = run(waiting(), (difference_paid(REFUNDED_AT + timedelta(1)),))
    stored = moved.model_dump(mode="json")
    for payment in stored["payments"]:
        del payment["paid_at"]  # as recorded before times were kept
    old = Application.model_validate(stored)
    assert old.payment("pi_move") is not None
    assert old.payment("pi_move").paid_at is None  # type: ignore[union-attr]
    outcome = after_refund(old, organisers_refund(REFUNDED_AT), SITUATION.now)
    assert (outcome.full, outcome.paid_after) == (False, ())
    assert outcome.application.status is S.CONFIRMED
    # A refund of unknown time likewise weighs every charge, as was always done.
    moved_outcome = after_refund(moved, organisers_refund(None), SITUATION.now)
    assert (moved_outcome.full, moved_outcome.application.status) == (False, S.CONFIRMED)


def test_the_second_report_of_the_same_refund_changes_nothing_more() -> None:
    paid = difference_paid(REFUNDED_AT + timedelta(1))
    ended, _ = run(waiting(), (paid, organisers_refund(REFUNDED_AT)))
    by_charge = RefundEvent(
        event_id="evt_ch_1",
        payment_intent="pi_1",
        charge_amount_refunded=20000,
        created=REFUNDED_AT,
        refunded_at=REFUNDED_AT,
    )
    again, refunds = run(ended, (by_charge,))
    assert refunds == []
    assert again.payments == ended.payments
    assert told_of_refunds(again) == told_of_refunds(ended)


def test_the_systems_refund_of_the_late_charge_reported_before_its_save_tells_nobody() -> None:
    """Stripe may deliver the refund this system asked of the difference before the save that
    set the difference aside: by its key it is known as that act's, which tells the person."""
    moved, _ = run(waiting(), (difference_paid(REFUNDED_AT + timedelta(1)),))
    ours = RefundEvent(
        event_id="evt_re_move",
        payment_intent="pi_move",
        refund_id="re_move",
        refund_amount=5000,
        created=REFUNDED_AT + timedelta(2),
        idempotency_key="refund-cs_move",
    )
    dashboards = dataclasses.replace(ours, idempotency_key=None)
    assert told_of_refunds(after_refund(moved, ours, NOW).application) == []
    assert told_of_refunds(after_refund(moved, dashboards, NOW).application) == [
        ("partial_refund", 5000)
    ]
    # Then the organiser's refund, made before the difference was paid, ends the booking.
    ended, refunds = run(
        after_refund(moved, ours, NOW).application, (organisers_refund(REFUNDED_AT),)
    )
    assert ended.status is S.REFUNDED
    assert refunds == [Refund("pi_move", None, "refund-cs_move")]
    assert told_of_refunds(ended) == [(MOVE_PAID_AFTER_END, 5000), ("refunded", 20000)]


def test_an_organisers_cancel_in_the_seconds_of_the_difference_asks_no_second_refund() -> None:
    """The cancellation asked Stripe for every charge (the difference too): the first charge's
    refund, made in the difference's second, sets nothing aside to be given back again."""
    moved, _ = run(waiting(), (difference_paid(REFUNDED_AT),))
    cancelled = settle(moved, Cancellation(refund=True), SITUATION)
    asked_by_cancel = [c for c in cancelled.before_save if isinstance(c, Refund)]
    assert {r.payment_intent for r in asked_by_cancel} == {"pi_1", "pi_move"}
    assert cancelled.application is not None
    ended, refunds = run(cancelled.application, (organisers_refund(REFUNDED_AT),))
    assert refunds == []
    assert ended.payment("pi_move") is not None
    assert ended.payment("pi_move").kept  # type: ignore[union-attr]
    assert MOVE_PAID_AFTER_END not in {job.reason for job in ended.outbox}
