"""The person's one place per cohort, as an application's states claim it
(``domain.enrolments``): its own course while it lives, and the cohort a confirmed booking's
move waits for."""

from __future__ import annotations

from booking.domain import waiting_moves as rules
from booking.domain.application import ERASED, ERASED_EMAIL
from booking.domain.application import ApplicationStatus as S
from booking.domain.enrolments import (
    colleagues_enrolled,
    enrolled_on,
    enrolment_changes,
    group_enrolment_changes,
    held_there,
)
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import Colleague, lapsed
from tests.support.group_bookings import NOW as AT
from tests.support.group_bookings import group
from tests.support.move_cases import NOW, SPRING, booking
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


def test_a_group_claims_each_place_holding_a_seat_and_gives_it_back_with_it() -> None:
    made = group().model_copy(update={"enrolments_claimed": True})
    assert colleagues_enrolled(made) == {
        (1, "p1@example.org"),
        (2, "p2@example.org"),
        (3, "p3@example.org"),
    }
    first = group_enrolment_changes(None, made)
    assert (len(first.claimed), first.given_back, first.taken_where_free) == (3, (), ())
    blank = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    changed = made.with_place(made.places[0].model_copy(update={"released": True}), AT)
    changed = changed.with_place(changed.places[1].model_copy(update={"colleague": blank}), AT)
    changed = changed.with_place(
        changed.places[2].model_copy(update={"colleague": Colleague(name="Z", email="Z@x.org")}),
        AT,
    )
    step = group_enrolment_changes(made, changed)
    assert step.claimed == ((3, "z@x.org"),)
    assert step.given_back == ((1, "p1@example.org"), (2, "p2@example.org"), (3, "p3@example.org"))
    assert group_enrolment_changes(
        changed, lapsed(changed, AT, GroupEnding.CHECKOUT_EXPIRED)
    ).given_back == ((3, "z@x.org"),)
    # Saved before claims: whom it named then is taken where free, whom it names anew claimed.
    old = group()
    assert not old.enrolments_claimed
    later = group_enrolment_changes(old, changed)
    assert (later.claimed, later.taken_where_free) == (((3, "z@x.org"),), ())
    assert len(group_enrolment_changes(old, old).taken_where_free) == 3


def test_a_place_held_there_is_said_as_what_holds_it() -> None:
    """Another application the organisers can cancel; a group's place the manager gives up."""
    mine = held_there("Moving Leadership, from 1 March", None)
    groups = held_there("Moving Leadership, from 1 March", "St Elsewhere")
    assert (mine.code, groups.code) == ("already_applied", "place_booked_for_you")
    assert "cancel one of the two first" in mine.message
    assert groups.message.startswith("St Elsewhere's group booking holds this person's place on")
    assert "its manager can give that place up or name someone else" in groups.message
    assert "cancel" not in groups.message
