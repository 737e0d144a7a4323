"""The rules of a move that joins a full cohort's waiting list (``domain.waiting_moves``),
without I/O: who may wait where, what a freed seat does, what ends it, and the waiting place it
is counted by (``domain.limits.waiting_places``)."""

from __future__ import annotations

from datetime import timedelta

from booking.domain import waiting_moves as rules
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import PaymentMethod
from booking.domain.dearer_moves import MoveAsked
from booking.domain.emails import EmailKind
from booking.domain.limits import Holding, Limited, holding_changes, waiting_places
from booking.domain.transfers import Transfer, TransferRefused
from tests.support.move_cases import NOW, SPRING, booking, course

FULL = course("full", 20000, 4, capacity=1).model_copy(update={"seats_taken": 1})
FULL_DEARER = course("full-dearer", 25000, 8, capacity=1).model_copy(update={"seats_taken": 1})
OPEN = course("open", 20000, 4)


def _code(refused: TransferRefused | None) -> str | None:
    return refused.code if refused is not None else None


def test_only_a_full_cohort_is_waited_for_and_only_by_a_booking_that_could_move() -> None:
    assert rules.waiting_refusal(booking(), SPRING, FULL, NOW) is None
    # Full because people wait there, not because it has no seat: the same list.
    queued = OPEN.model_copy(update={"waiting": 1})
    assert rules.waiting_refusal(booking(), SPRING, queued, NOW) is None
    assert _code(rules.waiting_refusal(booking(), SPRING, OPEN, NOW)) == "course_not_full"
    assert _code(rules.waiting_refusal(booking(status=S.OFFERED), SPRING, FULL, NOW)) == (
        "not_transferable"
    )
    other = course("other", 20000, 4, programme="another", capacity=1)
    assert _code(rules.waiting_refusal(booking(), SPRING, other, NOW)) == "other_programme"
    closed = course("closed", 20000, 4, closed=True)
    assert _code(rules.waiting_refusal(booking(), SPRING, closed, NOW)) == "course_closed"
    invoiced = booking(payment_method=PaymentMethod.INVOICE)
    assert _code(rules.waiting_refusal(invoiced, SPRING, FULL_DEARER, NOW)) == "transfer_costs_more"


def test_a_booking_waits_for_one_cohort_at_a_time() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    other_full = course("other-full", 20000, 6, capacity=1).model_copy(update={"seats_taken": 1})

    assert _code(rules.waiting_refusal(waiting, SPRING, other_full, NOW)) == "move_waiting"
    # The same cohort again is the same waiting move (the service answers it as it is).
    assert rules.waiting_refusal(waiting, SPRING, FULL, NOW) is None


def test_joining_keeps_the_seat_and_takes_a_waiting_place_on_the_full_cohort() -> None:
    before = booking()
    waiting = rules.joined_waiting_list(before, SPRING, FULL, NOW)

    assert waiting.course_id == "spring"
    assert waiting.status is S.CONFIRMED
    assert waiting.waiting_move is not None
    assert waiting.waiting_move.ends_at == SPRING.first_start()  # the earlier first day
    assert waiting_places(waiting) == frozenset({"full"})
    assert holding_changes(before, waiting).claimed == ()  # no seat: a place in line
    # Cancelled, it is in no line, whatever its record still says.
    assert waiting_places(waiting.model_copy(update={"status": S.CANCELLED})) == frozenset()


def test_a_freed_seat_moves_it_at_the_same_price_in_one_change() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)

    decided = rules.seat_freed(waiting, SPRING, FULL, NOW)

    assert isinstance(decided, Transfer)
    moved = decided.application
    assert (moved.course_id, moved.waiting_move) == ("full", None)
    assert waiting_places(moved) == frozenset()
    changed = holding_changes(waiting, moved)
    assert changed.claimed == (Holding(Limited.SEAT, "full"),)
    assert changed.released == (Holding(Limited.SEAT, "spring"),)
    assert EmailKind.BOOKING_TRANSFERRED in {job.kind for job in moved.outbox}


def test_a_freed_seat_on_a_dearer_cohort_asks_for_the_difference() -> None:
    before = rules.joined_waiting_list(booking(), SPRING, FULL_DEARER, NOW)

    asked = rules.seat_freed(before, SPRING, FULL_DEARER, NOW)

    assert isinstance(asked, MoveAsked)
    assert asked.pending.difference == 5000
    # Still on spring, its place in line traded for the seat held there.
    assert (asked.application.course_id, asked.application.waiting_move) == ("spring", None)
    held = holding_changes(before, asked.application)
    assert (held.claimed, held.released) == ((Holding(Limited.SEAT, "full-dearer"),), ())


def test_a_freed_seat_it_can_no_longer_take_ends_it_and_says_so() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    closed = FULL.model_copy(
        update={"definition": FULL.definition.model_copy(update={"closed": True})}
    )

    decided = rules.seat_freed(waiting, SPRING, closed, NOW)

    assert isinstance(decided, rules.WaitEnded)
    assert decided.reason == rules.WAITING_CLOSED
    assert decided.application.waiting_move is None
    [_joined, told] = decided.application.outbox  # its joining email was not saved here
    assert (told.kind, told.reason, told.to_course_id) == (
        EmailKind.MOVE_LAPSED,
        rules.WAITING_CLOSED,
        "full",
    )


def test_withdrawn_or_past_its_time_it_ends_with_the_person_told() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)

    ended = rules.wait_ended(waiting, NOW, rules.WAITING_WITHDRAWN).application

    assert ended.waiting_move is None
    assert [j.reason for j in ended.outbox] == [None, rules.WAITING_WITHDRAWN]  # joined, ended
    assert not rules.wait_over(waiting, NOW)
    assert rules.wait_over(waiting, SPRING.first_start())
    assert waiting.sweep_due_at() == SPRING.first_start()
    assert rules.wait_over(waiting, SPRING.first_start() + timedelta(days=1))
