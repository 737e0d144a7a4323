"""The one rule for paying for a place on a course (newcomer15 O15): nothing is paid once its
applications close (``Course.accepts_applications``, the public page's "Applications are
closed"). An offer, a checkout, an invoice, a group's places, a dearer move's difference: none
is opened that could not be paid before then, and an offer is held until then at the latest. A
card payment Stripe takes after it is given back (``domain.settlement.paid_late``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking.domain.course import CHECKOUT_HOLD, Course


def takes_payment(course: Course, now: datetime) -> bool:
    """Whether a payment for a place on ``course`` may be opened now: held for
    ``CHECKOUT_HOLD`` (Stripe's least), it ends before applications close."""
    return course.accepts_applications(now + CHECKOUT_HOLD)


def held_until(course: Course, now: datetime, hours: int) -> datetime:
    """A place held from ``now`` for ``hours`` (an offer): never past the first session's
    start, when applications close at the latest."""
    return min(now + timedelta(hours=hours), course.first_start())
