"""How a course's seats are taken, each counted once: booked (confirmed, or a paid group's
place), held for someone who has not paid yet (a checkout, an offer, an invoice: an unpaid
group's places too), or free. The console's first page says these, and with the free places
they add up to the capacity (a group's places were counted in neither).

They are counted from the applications as stored, as the course's seat counter counts them: a
hold whose time has run out (an offer past its deadline, though every view reads the offer
lapsed at once, or a checkout past its hold) is still held until the sweep, or Stripe's
event, releases it. Until then nobody can take that seat (the counter refuses a newcomer, a
move and an offer alike), so it is never said free before it is (read as no
hold, it was in no column: "Held 0 | Free 2 of 3").

A seat is counted where the counter counts it (``domain.limits.holdings``, one rule for both):
a booking of another cohort whose move to a dearer one waits for its difference holds a seat
on the cohort it is to join, and is held there, while it stands where it is (it
was in no column of the cohort it is to join: "Booked 0 | Held 0 | Free 4 of 5")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from booking.domain.application import Application, ApplicationStatus
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.limits import Limited, holdings


@dataclass(frozen=True)
class SeatCounts:
    """A course's seats, each counted once: booked or held."""

    booked: int
    held: int  # for someone who has not paid yet


NO_SEATS = SeatCounts(booked=0, held=0)


def seats_taken(applications: Iterable[Application]) -> dict[str, SeatCounts]:
    """Per course, the seats ``applications`` (as stored, never as read: every cohort's, for
    the moves between them) take there, in one pass: each application's holdings read once,
    whatever the number of courses (counted per course, it was courses times
    applications). A seat is booked by a confirmed booking of that course, and held by
    anything else: not paid yet there, or the difference of a move to there."""
    booked: Counter[str] = Counter()
    held: Counter[str] = Counter()
    for application in applications:
        for holding in holdings(application):
            if holding.thing is not Limited.SEAT:
                continue
            if (
                holding.of == application.course_id
                and application.status is ApplicationStatus.CONFIRMED
            ):
                booked[holding.of] += 1
            else:
                held[holding.of] += 1
    return {
        course_id: SeatCounts(booked=booked[course_id], held=held[course_id])
        for course_id in booked.keys() | held.keys()
    }


def seat_counts(
    course_id: str, taken: Mapping[str, SeatCounts], groups: Iterable[GroupBooking]
) -> SeatCounts:
    """The seats of course ``course_id``: those applications take (``taken``, from
    :func:`seats_taken` over every cohort's applications) and its ``groups``' places. A
    colleague's booking on a group place takes the group's seat, so it is counted once, as the
    group's."""
    seats = taken.get(course_id, NO_SEATS)
    booked, held = seats.booked, seats.held
    for group in groups:
        if group.status is GroupStatus.PAID:
            booked += group.seats_held
        else:
            held += group.seats_held
    return SeatCounts(booked=booked, held=held)


def places_free(places_left: int, *, ended: bool) -> int:
    """The places someone could still take: none once every session of a cohort is over (its
    empty places are gone, not free: a programme's total counted an ended cohort's as free)."""
    return 0 if ended else places_left


def places_said(seats: SeatCounts, capacity: int, free: int, *, ended: bool = False) -> str:
    """A course's places in the organisers' words, each counted once as the courses list
    counts them: a place offered or in a checkout but not paid for is held, never booked
    ("2 of 3 booked, 1 held for someone who has not paid yet, 0 free"); an ended cohort's
    only as booked ("12 of 20 booked"), as nothing is held or free once it is over."""
    if ended:
        return f"{seats.booked} of {capacity} booked"
    held = f", {seats.held} held for someone who has not paid yet" if seats.held else ""
    return f"{seats.booked} of {capacity} booked{held}, {free} free"
