"""What a colleague is told when the group place booked for them ends before they applied for
it: one table, by cause, so each cause has words true to it (a place released
because the booking's payment was refunded at Stripe is never said to be one the manager gave
up). A colleague who had applied hears instead of their booking's end, in its cancellation
email (``services.email_context.REASON_WORDS``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlaceEnd(StrEnum):
    """Why a colleague's place ended before they applied for it."""

    MANAGER_GAVE_UP = "manager_gave_up"  # the manager gave it up on their page
    # The manager erased: only the organisers can give a place up.
    ORGANISERS_GAVE_UP = "organisers_gave_up"
    # The booking's payment refunded in full at Stripe: its places nobody held released.
    REFUNDED_AT_STRIPE = "refunded_at_stripe"
    UNFILLED_AT_DEADLINE = "unfilled_at_deadline"  # nobody applied by the apply-by date
    # Its invoice voided or written off, its checkout expired, or its manager or billing
    # contact erased, before it was paid.
    ENDED_UNPAID = "ended_unpaid"
    COLLEAGUE_ERASED = "colleague_erased"  # the colleague themselves erased


@dataclass(frozen=True)
class Told:
    """The words of one cause: the subject, what happened (``{manager}``, ``{organisation}``,
    ``{course}``), and what to do to come all the same."""

    subject: str
    what: str
    still_want: str


COLLEAGUE_TOLD: dict[PlaceEnd, Told | None] = {
    PlaceEnd.MANAGER_GAVE_UP: Told(
        "Your place has been given up",
        "{manager} of {organisation} had booked a place for you on {course} and has now given "
        "it up",
        "please ask {manager}, or apply yourself on the course's page if places are left",
    ),
    PlaceEnd.ORGANISERS_GAVE_UP: Told(
        "The place booked for you has been cancelled",
        "The course's organisers have cancelled the place {organisation} had booked for you on "
        "{course}",
        "please apply yourself on the course's page if places are left",
    ),
    PlaceEnd.REFUNDED_AT_STRIPE: Told(
        "The place booked for you was released",
        "{organisation} had booked a place for you on {course}, and the payment for that "
        "booking has been refunded, so the place, which you had not yet applied for, has been "
        "released",
        "please ask {manager}, or apply yourself on the course's page if places are left",
    ),
    # Not told: the email with their link said the date to apply by.
    PlaceEnd.UNFILLED_AT_DEADLINE: None,
    # Not told: a link is sent once the booking is paid, so none was sent.
    PlaceEnd.ENDED_UNPAID: None,
    # Not told: nothing is sent to an erased person.
    PlaceEnd.COLLEAGUE_ERASED: None,
}


def colleague_told(
    end: PlaceEnd, *, manager: str, organisation: str, course: str
) -> dict[str, str]:
    """The words a colleague's email says of ``end`` (one that tells them: ``COLLEAGUE_TOLD``)."""
    told = COLLEAGUE_TOLD[end]
    if told is None:
        raise ValueError(f"a colleague is not told of {end}")
    names = {"manager": manager, "organisation": organisation, "course": course}
    return {
        "subject": told.subject,
        "what": told.what.format(**names),
        "still_want": told.still_want.format(**names),
    }
