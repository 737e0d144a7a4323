"""A course's moved dates followed again by the sweep.

A save that moves a course's first start (or ``group_apply_by_days``) sets each of its groups'
apply-by dates again (``services.group_dates.redate_groups``) and, moved later, reopens its
waiting list (``services.wait_closed.reopen_waiting_list``). Both find what to change through
by-course queries, on a DynamoDB index that is only eventually consistent: a group booked, or a
told mark written, a moment before the save can be missing from them, and keep the old dates
(a group its old apply-by; a person told "closed" while applications are open again, and never
told at the new closing).

So for :data:`FOLLOW_WINDOW` after such a save (``Course.dates_moved_at``), each run of the
sweep does both again from the course as it is now (a consistent read), once the index has
caught up: each step decides from the item as read and changes nothing already right (a group
dated by the course, a mark of no closing), so what the save's queries found is not told twice,
and what they missed is set and told then. Until that run (15 minutes at most in AWS), a group
the save missed keeps its old date, except that the sweep never gives its places up by it
(``services.group_sweep``: re-dated first)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.course import Course
from booking.domain.errors import BookingError, StaleWrite
from booking.services.ports import Ports

logger = Logger(child=True)

# How long after a save moved a course's dates the sweep follows them again: several runs of
# its schedule (every 15 minutes in AWS), long past any lag of the by-course index (DynamoDB
# propagates to a global secondary index within a second, as a rule).
FOLLOW_WINDOW = timedelta(hours=1)


def dates_to_follow(course: Course, now: datetime) -> bool:
    """Whether a save moved ``course``'s dates within :data:`FOLLOW_WINDOW` before ``now``."""
    moved = course.dates_moved_at
    return moved is not None and moved >= now - FOLLOW_WINDOW


def follow_moved_dates(
    ports: Ports, courses: Iterable[Course], now: datetime, skipped: list[str]
) -> int:
    """For each of ``courses`` whose dates a save moved lately, its groups dated and its
    waiting list reopened again by the course as it is now; how many groups and people this
    changed (those the save's own pass missed). A course that fails (a read throttled, a
    conflict retried out) is logged at ERROR and added to ``skipped``; the others go on, as do
    the sweep's later steps for every course, and the next run tries it again."""
    # Loaded by a run with such a course alone: the groups' models and the reopen's rules.
    from booking.services.group_dates import redate_groups
    from booking.services.wait_closed import reopen_told

    changed = 0
    for listed in courses:
        if not dates_to_follow(listed, now):
            continue  # as listed: one listed behind a save is followed by the next run
        try:
            course = ports.repository.get_course(listed.course_id)  # as it is now
            if course is None:
                continue
            here = redate_groups(ports, course).changed + reopen_told(ports, course, now)
        except (BookingError, StaleWrite) as exc:
            code = exc.code if isinstance(exc, BookingError) else "stale_write"
            logger.error(
                "moved dates not followed",
                extra={"course_id": listed.course_id, "code": code},
            )
            skipped.append(f"{listed.course_id}: {code}")
            continue
        if here:
            logger.info(
                "moved dates followed where the save missed",
                extra={"course_id": course.course_id, "changed": here},
            )
        changed += here
    return changed
