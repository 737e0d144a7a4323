"""Who recorded a payment (a payment intent): the one read the webhook makes before it believes
a payment an event carries for a booking (``booking.services.believed``). Part of the
``Repository`` port; ``booking.services.ports`` re-exports every name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from booking.domain.course import Course


@dataclass(frozen=True)
class PaymentRecorders:
    """Every record of one payment intent: the application that recorded it, the group that
    recorded it (each None when none did), and whether this system gave it back whole as
    money of no booking."""

    application_id: str | None = None
    group_id: str | None = None
    given_back_for_nobody: bool = False
    # The course asked for with them (``course_id``), as it stands: None when not asked or
    # gone. Whether a payment came after that course began (``domain.paying.completed_late``)
    # is judged by it, its start possibly brought forward since the checkout opened.
    course: Course | None = None


class PaymentRecorderIndex(Protocol):
    def recorders_of_payment(
        self, payment_intent: str, course_id: str | None = None
    ) -> PaymentRecorders:
        """Who recorded ``payment_intent`` (an application, a group, given back as nobody's),
        in one consistent read: what ``application_for_payment`` (its id),
        ``GroupStore.group_of_object`` and ``given_back_for_nobody`` each answer of it; and,
        given ``course_id``, that course in the same read (what ``get_course`` answers)."""
        ...
