"""Bookings moved between cohorts, as the unit tests of what a move tells (its email, the
facilitators' copies, an erasure's requests to delete them) set them up: each move at the same
price, nothing given back or charged, all without I/O."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.money import Money
from booking.domain.transfer_record import TransferRecord
from tests.support.applications import an_application

# Every cohort's price: a move between them moves no money.
PRICE = Money(amount=20000)


def moved_through(*cohorts: str, at: datetime, last_undone: bool = False) -> Application:
    """A confirmed booking (``app1``) moved ``at`` through ``cohorts``, the first its own: on
    the last now; ``last_undone``: its last move undone ``at`` (a refund before it was told),
    the booking back on the cohort before."""
    moves = [
        TransferRecord(
            from_course_id=a, to_course_id=b, at=at, price_before=PRICE, price_after=PRICE
        )
        for a, b in pairwise(cohorts)
    ]
    if last_undone:
        moves[-1] = moves[-1].model_copy(update={"undone_at": at})
    on = cohorts[-2] if last_undone else cohorts[-1]
    return an_application(S.CONFIRMED, at=at, course_id=on, transfers=tuple(moves))
