"""What a booking allows once its cohort has begun, and once it has ended: one rule for the
console's page (what it offers, and why not the rest) and the use cases' refusals. A booking
moves only before its cohort begins (``domain.transfers.register_refusal``: the register is
about the cohort's own sessions); a confirmed booking of a cohort that has ended is not
cancelled: its place was delivered, and there is nobody to give it back to. Pure rules."""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import ON_THE_WAY, Application, ApplicationStatus
from booking.domain.commands import Refusal
from booking.domain.course import Course
from booking.domain.transfers import register_refusal
from booking.domain.wording import cohort_name, status_named

CANCEL_AFTER_THE_END = "course_ended"
# What an organiser's cancel may end: an application on its way, or a confirmed booking.
CANCELLABLE = ON_THE_WAY | {ApplicationStatus.CONFIRMED}


def ended_cohort(course: Course, now: datetime) -> str:
    """``course`` by name once every session of it is over by ``now``; "" before."""
    return cohort_name(course) if course.has_ended(now) else ""


def cancel_refusal(application: Application, ended: str) -> Refusal | None:
    """Why ``application`` may not be cancelled: its status (ended already, or never more than
    declined), or it is a confirmed booking of the cohort ``ended`` names (``ended_cohort``:
    "" while it has not ended). None: it may (one still on its way can be ended)."""
    if application.status not in CANCELLABLE:
        return Refusal(
            "not_cancellable",
            f"an application that is {status_named(application.status)} cannot be cancelled",
        )
    if application.status is ApplicationStatus.CONFIRMED and ended:
        return Refusal(
            CANCEL_AFTER_THE_END,
            f"{ended} has ended: this booking stays as it was delivered, with its attendance, "
            "and can no longer be cancelled; nothing was changed",
        )
    return None


def taken_away(application: Application, course: Course, now: datetime) -> dict[str, str]:
    """The acts on a confirmed booking its cohort's start or end takes away (``transfer``,
    ``cancel``), each with why, as the use case refuses it."""
    if application.status is not ApplicationStatus.CONFIRMED:
        return {}
    gone: dict[str, str] = {}
    if (moved := register_refusal(application, course, now)) is not None:
        gone["transfer"] = moved.message
    if (cancelled := cancel_refusal(application, ended_cohort(course, now))) is not None:
        gone["cancel"] = cancelled.message
    return gone
