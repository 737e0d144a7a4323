"""When a paid group's places may change (a substitution, a give-up), and the rule that books
them at all (enough places left). Pure rules, no I/O: ``services.group_changes`` and
``services.group_booking`` carry them out."""

from __future__ import annotations

from datetime import datetime

from booking.domain.errors import Conflict
from booking.domain.group_endings import refuse_once_ended
from booking.domain.group_place import GroupStatus
from booking.domain.groups import GroupBooking
from booking.domain.lasting_refusals import COURSE_STARTED
from booking.domain.wording import places_words


def places_bounds_refusal(wanted: int, places_left: int) -> str | None:
    """Why ``wanted`` places cannot be booked when ``places_left`` are free; None if they can."""
    if places_left <= 0:
        return "this course has no places left"
    if wanted > places_left:
        return f"this course has only {places_words(places_left)} left"
    return None


def refuse_once_started(now: datetime, first_start: datetime) -> None:
    """A group's places change only before its course starts."""
    if now >= first_start:
        raise Conflict(
            "the course has started: the places can no longer change", code=COURSE_STARTED
        )


def refuse_unless_open(group: GroupBooking, now: datetime, first_start: datetime) -> None:
    """Changes to the places (a substitution, a cancellation) only for a paid group, before
    the course starts."""
    refuse_once_ended(group.status, group.ended_because)
    if group.status is not GroupStatus.PAID:
        raise Conflict("the places can be changed once the booking is paid", code="not_paid")
    refuse_once_started(now, first_start)


def place_given_up(group: GroupBooking, number: int, now: datetime) -> GroupBooking | None:
    """The group with its place ``number`` given up (None: it was already, a repeat)."""
    place = group.place(number)
    if place.released:
        return None
    return group.with_place(place.model_copy(update={"released": True}), now)


def refuse_unless_substitutable(group: GroupBooking, now: datetime, first_start: datetime) -> None:
    """A substitution while the group holds its seats (paid, or its checkout or invoice still
    open: a misspelt address is put right before the employer pays), before the course
    starts. No money moves with it."""
    refuse_once_ended(group.status, group.ended_because)
    refuse_once_started(now, first_start)
