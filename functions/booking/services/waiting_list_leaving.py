"""Leaving the waiting list from one's own page: the application cancelled by
the organisers' one path (``services.lifecycle.cancel``, no refund: nobody in line has paid),
marked as its person's own doing, so a place an offer held goes to the next in line by the rule
every freed seat follows, an open checkout is expired, an invoice asked for the offer voided,
and the person is emailed. Who may leave is ``domain.waiting_list_leaving``'s.

Pressed twice (or replayed), the second press changes nothing and says so; refused, in words,
once the person holds a place (they write to the organisers, as before) or a payment for it is
on its way.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import Conflict
from booking.domain.waiting_list_leaving import PAID_AS_YOU_LEFT, has_left, leave_refusal
from booking.services.access import authorised, existing_course
from booking.services.lifecycle import cancel
from booking.services.ports import Ports

logger = Logger(child=True)


@dataclass(frozen=True)
class Left:
    """The application after its person left the waiting list; ``already``: by an earlier
    press."""

    application: Application
    already: bool


@dataclass(frozen=True)
class LeaveAsked:
    """What the question before leaving shows: the application, its course, and whether it
    left already (the question then says so)."""

    application: Application
    course: Course
    left: bool


def leave_asked(ports: Ports, application_id: str, token: str) -> LeaveAsked:
    """The question before leaving (nothing changes): refused, in words, for an application
    that may not leave, as the leaving itself would be."""
    application = authorised(ports, application_id, token)
    left = has_left(application)
    if not left:
        _refuse_unless_in_line(application)
    return LeaveAsked(application, existing_course(ports, application.course_id), left)


def leave_waiting_list(ports: Ports, application_id: str, token: str) -> Left:
    """Take ``application_id`` (its token ``token``) off its course's waiting list."""
    first = authorised(ports, application_id, token)
    if has_left(first):
        return Left(first, already=True)
    _refuse_unless_in_line(first)
    try:
        acted = cancel(ports, application_id, refund=False, by_applicant=True)
    except Conflict as refused:
        if refused.code not in PAID_AS_YOU_LEFT:
            raise
        raise Conflict(PAID_AS_YOU_LEFT[refused.code], code=refused.code) from None
    current = authorised(ports, application_id, token)
    if has_left(current):
        if acted.changed:
            logger.info("left the waiting list", extra={"application_id": application_id})
        return Left(current, already=not acted.changed)
    # Moved on meanwhile (paid a moment ago, cancelled by an organiser): said from what was
    # written.
    _refuse_unless_in_line(current)
    raise Conflict(  # pragma: no cover - a cancel that neither ended it nor refused
        "your application changed as you pressed: please look at your page again",
        code="not_waiting",
    )


def _refuse_unless_in_line(application: Application) -> None:
    refusal = leave_refusal(application)
    if refusal is not None:
        raise Conflict(refusal.words, code=refusal.code)
