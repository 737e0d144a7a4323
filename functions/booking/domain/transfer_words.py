"""How a booking's transfer choices say each cohort, in the console and the CLI alike."""

from __future__ import annotations

from booking.domain.seat_counts import SeatCounts, places_said
from booking.domain.wording import course_state_said


def transfer_choice_said(
    status: str,
    *,
    waiting: int,
    not_taken: int,
    seats: SeatCounts,
    capacity: int,
    too_late_to_offer: bool,
) -> str:
    """A cohort as a booking's transfer choice says it: its state (``course_state_said``, as
    on its other pages), then its places booked, held and free as its course page says them
    (``places_said``): "open: 12 of 20 booked, 1 held for someone who has not paid yet, 7
    free"."""
    state = course_state_said(
        status,
        ended=False,
        waiting=waiting,
        free=not_taken,
        too_late_to_offer=too_late_to_offer,
    )
    return f"{state.lower()}: {places_said(seats, capacity, not_taken)}"
