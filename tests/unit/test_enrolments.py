"""The person's one place per cohort, as an application's states claim it
(``domain.enrolments``): its own course while it lives, and the cohort a confirmed booking's
move waits for (hostile-wm F1)."""

from __future__ import annotations

from booking.domain import waiting_moves as rules
from booking.domain.enrolments import enrolled_on, enrolment_changes
from tests.unit.test_transfers import NOW, SPRING, S, booking
from tests.unit.test_waiting_moves import FULL


def test_a_waiting_move_claims_the_cohort_it_waits_for_and_gives_it_back_when_it_ends() -> None:
    booked = booking()
    waiting = rules.joined_waiting_list(booked, SPRING, FULL, NOW)
    ended = rules.wait_ended(waiting, NOW, rules.WAITING_WITHDRAWN).application

    assert enrolled_on(booked) == {"spring"}
    assert enrolled_on(waiting) == {"spring", "full"}
    joined = enrolment_changes(booked, waiting)
    assert (joined.claimed, joined.given_back, joined.moves_given_back) == (("full",), (), ())
    left = enrolment_changes(waiting, ended)
    assert (left.claimed, left.given_back, left.moves_given_back) == ((), (), ("full",))


def test_the_move_made_claims_its_cohort_again_and_gives_back_the_one_left() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    moved = rules.seat_freed(waiting, SPRING, FULL, NOW).application

    changed = enrolment_changes(waiting, moved)

    assert moved.course_id == "full"
    assert (changed.claimed, changed.given_back, changed.moves_given_back) == (
        ("full",),
        ("spring",),
        (),
    )


def test_a_cancelled_booking_claims_nothing_whatever_its_record_says() -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    cancelled = waiting.model_copy(update={"status": S.CANCELLED})

    changed = enrolment_changes(waiting, cancelled)

    assert enrolled_on(cancelled) == frozenset()
    assert (changed.given_back, changed.moves_given_back) == (("spring",), ("full",))
    assert enrolled_on(None) == frozenset()
