"""How a course's seats are taken, each counted once: booked (confirmed, or a paid group's
place), held for someone who has not paid yet (a checkout, an offer, an invoice: an unpaid
group's places too), or free. The console's first page says these, and with the free places
they add up to the capacity (hostile12a NEW-9: a group's places were counted in neither).

They are counted from the applications as stored, as the course's seat counter counts them: a
hold whose time has run out (an offer past its deadline, though every view reads the offer
lapsed at once, or a checkout past its hold) is still held until the sweep, or Stripe's
event, releases it. Until then nobody can take that seat (the counter refuses a newcomer, a
move and an offer alike), so it is never said free before it is (hostile22 H5: read as no
hold, it was in no column: "Held 0 | Free 2 of 3")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from booking.domain.application import Application, ApplicationStatus
from booking.domain.groups import GroupBooking, GroupStatus, fills_a_group_place


@dataclass(frozen=True)
class SeatCounts:
    """A course's seats, each counted once: booked or held."""

    booked: int
    held: int  # for someone who has not paid yet


def seat_counts(applications: Iterable[Application], groups: Iterable[GroupBooking]) -> SeatCounts:
    """The seats ``applications`` (as stored, never as read) and ``groups`` take. A
    colleague's booking on a group place takes the group's seat, so it is counted once, as the
    group's."""
    booked = held = 0
    for application in applications:
        if not application.seat_held or fills_a_group_place(application):
            continue
        if application.status is ApplicationStatus.CONFIRMED:
            booked += 1
        else:
            held += 1
    for group in groups:
        if group.status is GroupStatus.PAID:
            booked += group.seats_held
        else:
            held += group.seats_held
    return SeatCounts(booked=booked, held=held)
