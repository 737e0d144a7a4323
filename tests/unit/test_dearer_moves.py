"""A move to a dearer cohort (``domain.dearer_moves``), without I/O: what asking holds, and
what each of Stripe's events, the sweep, a withdrawal and a cancellation do to the move."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain.application import Application, PaymentRecord
from booking.domain.application import ApplicationStatus as S
from booking.domain.commands import ExpireCheckout, Refund, Situation
from booking.domain.dearer_moves import (
    MOVE_EXPIRED,
    MOVE_LATE_PAYMENT,
    MOVE_WITHDRAWN,
    MoveDeadlinePassed,
    MoveWithdrawn,
    move_checkout_key,
    pending_refusal,
    with_move_session,
)
from booking.domain.emails import EmailKind
from booking.domain.limits import Holding, Limited, holding_changes, holdings
from booking.domain.money import Money
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.domain.settlement import settle
from booking.domain.transfers import MoveAsked, decide_transfer
from tests.support.move_cases import DEARER, NOW, SPRING, booking

SITUATION = Situation(now=NOW + timedelta(minutes=5), course_price=Money(amount=20000))


def ask_for_difference(application: Application) -> MoveAsked:
    decided = decide_transfer(application, SPRING, DEARER, NOW)
    assert isinstance(decided, MoveAsked), decided
    return decided


def asked(application: Application | None = None) -> Application:
    """A £200 booking on spring asked to move to winter (£250), its checkout opened."""
    move = ask_for_difference(application or booking())
    return with_move_session(move.application, "cs_move", "https://pay/cs_move")


def event(kind: CheckoutEventKind, *, session: str = "cs_move", **changes: object) -> CheckoutEvent:
    fields: dict[str, object] = {
        "payment_intent": "pi_move" if kind is CheckoutEventKind.PAID else None,
        "amount_total": 5000,
        "currency": "gbp",
        **changes,
    }
    return CheckoutEvent(f"evt_{kind.value}_{session}", kind, session, "app1", **fields)  # type: ignore[arg-type]


def test_asking_holds_a_seat_there_keyed_by_the_attempt_and_emails_the_link() -> None:
    before = booking()
    move = ask_for_difference(before)
    assert move.pending.difference == 5000
    assert move_checkout_key(move.application) == "transfer-app1-1-1"
    assert holding_changes(before, move.application).claimed == (Holding(Limited.SEAT, "dearer"),)
    opened = with_move_session(move.application, "cs_move", "https://pay/cs_move")
    [link] = [j for j in opened.outbox if j.kind is EmailKind.MOVE_PAYMENT_DUE]
    assert (link.course_id, link.amount) == ("dearer", 5000)
    assert opened.asked_in("cs_move") is not None
    assert opened.sweep_due_at() == move.pending.expires_at
    # A later request is another attempt, with a key of its own.
    lapsed = opened.model_copy(update={"pending_move": None})
    again = ask_for_difference(lapsed)
    assert move_checkout_key(again.application) == "transfer-app1-1-2"


def test_paid_the_move_is_made_and_the_payment_kept_beside_the_first() -> None:
    before = asked(
        booking(
            payments=(
                PaymentRecord(
                    payment_intent="pi_1",
                    session_id="cs_1",
                    amount=20000,
                    currency="gbp",
                    kept=True,
                ),
            )
        )
    )
    decided = settle(before, event(CheckoutEventKind.PAID), SITUATION)
    after = decided.application
    assert after is not None
    assert (decided.action, after.course_id, after.pending_move) == ("move_made", "dearer", None)
    assert after.price == Money(amount=25000)
    assert (after.charges_paid, after.amount_kept) == (25000, 25000)
    assert after.transfers[-1].difference_charged == 5000
    assert after.transfers[-1].charge_payment_intent == "pi_move"
    # The seat on spring goes back; the one held on winter stays, now the booking's own.
    changes = holding_changes(before, after)
    assert (changes.claimed, changes.released) == ((), (Holding(Limited.SEAT, "spring"),))
    assert [j.kind for j in after.outbox].count(EmailKind.BOOKING_TRANSFERRED) == 1
    # The same event again, or the same payment by another event, changes nothing.
    assert settle(after, event(CheckoutEventKind.PAID), SITUATION).application is None
    other_id = CheckoutEvent(
        "evt_again",
        CheckoutEventKind.PAID,
        "cs_move",
        "app1",
        payment_intent="pi_move",
        amount_total=5000,
    )
    assert settle(after, other_id, SITUATION).application is None


@pytest.mark.parametrize("kind", [CheckoutEventKind.EXPIRED, CheckoutEventKind.FAILED])
def test_the_moves_checkout_ending_unpaid_lapses_it_and_gives_the_hold_back(
    kind: CheckoutEventKind,
) -> None:
    before = asked()
    decided = settle(before, event(kind), SITUATION)
    after = decided.application
    assert after is not None
    assert (after.course_id, after.pending_move, after.status) == ("spring", None, S.CONFIRMED)
    assert holding_changes(before, after).released == (Holding(Limited.SEAT, "dearer"),)
    [told] = [j for j in after.outbox if j.kind is EmailKind.MOVE_LAPSED]
    assert told.reason == MOVE_EXPIRED


def test_a_payment_after_the_move_lapsed_is_given_back_whole_and_nothing_moves() -> None:
    lapsed = settle(asked(), event(CheckoutEventKind.EXPIRED), SITUATION).application
    assert lapsed is not None
    decided = settle(lapsed, event(CheckoutEventKind.PAID), SITUATION)
    after = decided.application
    assert after is not None
    assert decided.before_save == (Refund("pi_move", None, "refund-cs_move"),)
    assert (after.course_id, after.amount_kept, after.money_received) == ("spring", 20000, 25000)
    [told] = [j for j in after.outbox if j.kind is EmailKind.PAYMENT_REFUNDED]
    assert told.reason == MOVE_LATE_PAYMENT


def test_a_payment_of_another_amount_for_the_open_move_is_given_back() -> None:
    decided = settle(asked(), event(CheckoutEventKind.PAID, amount_total=100), SITUATION)
    assert decided.application is not None
    assert decided.application.course_id == "spring"
    assert decided.before_save == (Refund("pi_move", None, "refund-cs_move"),)


def test_a_move_the_save_found_impossible_gives_the_payment_back_and_lapses() -> None:
    decided = settle(
        asked(),
        event(CheckoutEventKind.PAID),
        SITUATION.__class__(
            now=SITUATION.now, course_price=SITUATION.course_price, seat_free=False
        ),
    )
    after = decided.application
    assert after is not None
    assert (after.course_id, after.pending_move) == ("spring", None)
    assert decided.before_save == (Refund("pi_move", None, "refund-cs_move"),)
    # One message says both: the move did not happen, and its payment goes back.
    told = [
        j.kind
        for j in after.outbox
        if j.kind in (EmailKind.MOVE_LAPSED, EmailKind.PAYMENT_REFUNDED)
    ]
    assert told == [EmailKind.MOVE_LAPSED]


def test_withdrawn_the_hold_goes_back_and_the_checkout_is_expired_after_the_save() -> None:
    decided = settle(asked(), MoveWithdrawn(), SITUATION)
    assert decided.application is not None
    assert decided.application.pending_move is None
    assert decided.after_save == (ExpireCheckout("cs_move"),)
    [told] = [j for j in decided.application.outbox if j.kind is EmailKind.MOVE_LAPSED]
    assert told.reason == MOVE_WITHDRAWN
    refused = settle(decided.application, MoveWithdrawn(), SITUATION)
    assert refused.refusal is not None
    assert refused.refusal.code == "no_move_pending"


def test_the_sweep_lapses_a_move_only_once_its_deadline_passed() -> None:
    before = asked()
    assert settle(before, MoveDeadlinePassed(), SITUATION).application is None
    late = Situation(now=NOW + timedelta(hours=1), course_price=Money(amount=20000))
    after = settle(before, MoveDeadlinePassed(), late).application
    assert after is not None
    assert after.pending_move is None


def test_a_cancellation_while_a_move_waits_gives_both_seats_back_and_expires_its_checkout() -> None:
    before = asked()
    assert holdings(before) == {Holding(Limited.SEAT, "spring"), Holding(Limited.SEAT, "dearer")}
    decided = settle(before, Cancellation(refund=True), SITUATION)
    after = decided.application
    assert after is not None
    assert (after.status, after.pending_move) == (S.CANCELLED, None)
    assert holdings(after) == frozenset()
    assert ExpireCheckout("cs_move") in decided.after_save


def test_a_booking_whose_move_waits_asks_for_no_other() -> None:
    refused = pending_refusal(asked(), "cheaper")
    assert refused is not None
    assert refused.code == "move_pending"
    assert "£50.00" in refused.message
    assert pending_refusal(asked(), "dearer") is None


def test_erasure_withdraws_a_move_waiting_for_its_difference() -> None:
    before = asked()
    erased = before.erased(NOW)
    assert erased.pending_move is None
    assert holding_changes(before, erased).released == (Holding(Limited.SEAT, "dearer"),)


def test_a_pending_move_is_overdue_from_its_deadline_on() -> None:
    """One predicate for the deadline: the sweep's, the lapse's and closing's checks agree at
    the boundary (at the deadline itself the move is over and its checkout is not expired)."""
    pending = ask_for_difference(booking()).pending
    deadline = pending.expires_at
    assert not pending.overdue(deadline - timedelta(microseconds=1))
    assert pending.overdue(deadline)
    opened = asked()
    assert settle(
        opened, MoveDeadlinePassed(), Situation(deadline, Money(amount=20000))
    ).action == ("move_lapsed")
