"""What a repository stores when it saves an application, a group booking or a course: the one
rule the DynamoDB adapters and the tests' fakes both keep (``repository_port``: "returns what
was stored"), so that a fake cannot drift from what the table holds.

A save stores the next version (each write expects the version it read: ``previous``, None when
nothing is stored yet) and an empty outbox (its emails are written beside it, on their way); a
group's save claims its colleagues' enrolments too (``domain.enrolments``). A course's save
records when its dates last moved from the version it wrote over (``dates_moved_at``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.course import Course, CourseDefinition

if TYPE_CHECKING:  # the mailer's cold start saves applications and never reads a group
    from booking.domain.groups import GroupBooking


def next_version(previous: Application | GroupBooking | None) -> int:
    """The version a save writes over ``previous`` (1 for the first)."""
    return previous.version + 1 if previous else 1


def stored_application(new: Application, previous: Application | None) -> Application:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied."""
    return new.model_copy(update={"version": next_version(previous), "outbox": ()})


def stored_group(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied, its
    enrolments claimed."""
    return new.model_copy(
        update={"version": next_version(previous), "outbox": (), "enrolments_claimed": True}
    )


def dates_moved(previous: Course, course: Course) -> bool:
    """Whether a save changed what a group's apply-by date is reckoned from, or when
    applications close (both follow the first session)."""
    return (
        previous.first_start() != course.first_start()
        or previous.definition.group_apply_by_days != course.definition.group_apply_by_days
    )


def dates_moved_at(
    previous: Course | None, definition: CourseDefinition, now: datetime | None
) -> datetime | None:
    """When the dates of a course saved as ``definition`` over ``previous`` (the version the
    write replaces, whatever the save read before it: review20 L5) last moved, as the save
    stores it: ``now``, the save's moment, when they moved from ``previous``'s (None: not
    asked to record a move); else what ``previous`` recorded."""
    kept = previous.dates_moved_at if previous is not None else None
    if previous is None or now is None:
        return kept
    moved = dates_moved(previous, previous.model_copy(update={"definition": definition}))
    return now if moved else kept
