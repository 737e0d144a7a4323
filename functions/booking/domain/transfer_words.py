"""How a booking's transfer choices say each cohort, in the console and the CLI alike."""

from __future__ import annotations

from booking.domain.wording import course_state_said, places_words


def transfer_choice_said(
    status: str, *, waiting: int, not_taken: int, for_this_booking: int, too_late_to_offer: bool
) -> str:
    """A cohort as a booking's transfer choice says it: its state (``course_state_said``, as
    on its other pages), then the places this booking could take there (a newcomer's count,
    ``Course.places_for_newcomer``: none while it is full), never the places no seat holds
    beside "nobody new can take it"."""
    state = course_state_said(
        status,
        ended=False,
        waiting=waiting,
        free=not_taken,
        too_late_to_offer=too_late_to_offer,
    )
    return f"{state.lower()}, {places_words(for_this_booking)} left"
