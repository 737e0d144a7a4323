"""The cohorts and the booking the unit tests of moves share (``domain.transfers``, waiting
moves, dearer moves, refunds of a move): SPRING, where Ada's place is booked and paid a month
before ``NOW``, a cheaper and a dearer cohort of the same programme, all without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from booking.domain.application import Application, GroupPlaceRef
from booking.domain.application import ApplicationStatus as S
from booking.domain.course import Course, CourseDefinition
from booking.domain.money import Money
from tests.support.applications import an_application

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def course(course_id: str, price: int, weeks: int, **extra: Any) -> Course:
    first = date(2027, 3, 1) + timedelta(weeks=weeks)
    definition = CourseDefinition.model_validate(
        {
            "programme": extra.pop("programme", "moving"),
            "title": "Moving Leadership",
            "price": {"amount": price},
            "capacity": extra.pop("capacity", 4),
            "sessions": [{"date": first.isoformat(), "start_time": "15:00", "end_time": "17:00"}],
            **extra,
        }
    )
    return Course(course_id=course_id, definition=definition, seats_taken=extra.get("taken", 0))


SPRING = course("spring", 20000, 0)
GROUP_PLACE = GroupPlaceRef(group_id="g1", place=1, group_version=1)
CHEAPER = course("cheaper", 15000, 4)
DEARER = course("dearer", 25000, 8)


def booking(paid: int = 20000, **changes_: Any) -> Application:
    """A place on SPRING booked a month ago, ``paid`` by card; ``changes_``: any other field."""
    booked = NOW - timedelta(days=30)
    return an_application(
        changes_.pop("status", S.CONFIRMED),
        at=booked,
        course_id="spring",
        seat_held=True,
        price=Money(amount=20000),
        payment_intent="pi_1" if paid else None,
        amount_paid=paid,
        booked_at=booked,
        **changes_,
    )
