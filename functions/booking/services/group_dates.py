"""A course's group bookings follow its dates: when the organisers move its first session (or
change ``group_apply_by_days``), each group's apply-by date is set again by the rule it was
booked by (``domain.groups.redated``), so the colleagues' links, the emails and pages sent
from then on, and the sweep that gives unfilled places up all keep one time that holds."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.course import Course
from booking.domain.group_dates import redated
from booking.domain.group_notices import apply_by_move_told
from booking.domain.groups import GroupBooking, GroupStatus
from booking.services.concurrency import retried
from booking.services.groups import group_reader
from booking.services.ports import Ports

logger = Logger(child=True)


def dates_moved(previous: Course, course: Course) -> bool:
    """Whether a save changed what a group's apply-by date is reckoned from."""
    return (
        previous.first_start() != course.first_start()
        or previous.definition.group_apply_by_days != course.definition.group_apply_by_days
    )


def redate_groups(ports: Ports, course: Course) -> int:
    """Each of ``course``'s groups still to be applied for, its apply-by date set again from
    the course as saved, the manager told of it (``domain.group_notices.apply_by_move_told``).
    How many changed."""
    now = ports.clock()
    changed = 0
    for group in ports.groups.groups_of_course(course.course_id):
        if redate_group(ports, course, group, now) is not None:
            changed += 1
    if changed:
        logger.info(
            "groups' apply-by dates follow the course", extra={"course_id": course.course_id}
        )
    return changed


def redate_group(
    ports: Ports, course: Course, group: GroupBooking, now: datetime
) -> GroupBooking | None:
    """``group`` (as read) with its apply-by date set again from ``course`` as it stands, the
    manager told of the move (and colleagues not applied yet of one brought earlier), saved:
    the group as saved; None when the date holds."""
    first_start = course.first_start()
    days_before = course.definition.group_apply_by_days
    applied = _places_applied_for(ports, group)

    def save(current: GroupBooking) -> GroupBooking | None:
        moved = redated(current, first_start, days_before, now)
        if moved is None:
            return None
        told = apply_by_move_told(_told_if_earlier(moved, current, applied), current)
        return ports.groups.save_group(told, current)

    return retried(save, group_reader(ports, group.group_id), first=group)


def _places_applied_for(ports: Ports, group: GroupBooking) -> frozenset[int]:
    """The numbers of ``group``'s places a colleague's application holds now."""
    if group.status is not GroupStatus.PAID:
        return frozenset()  # no link sent: nobody to tell
    return frozenset(
        place.number
        for place in group.places
        if ports.groups.place_holder(group.group_id, place.number) is not None
    )


def _told_if_earlier(
    moved: GroupBooking, before: GroupBooking, applied: frozenset[int]
) -> GroupBooking:
    """``moved``, with each colleague sent their link who has not applied emailed it again
    when the date came earlier: the one their first email said no longer holds (a later one
    does: they are not written to for it, the page and every email from now on say it)."""
    if moved.status is not GroupStatus.PAID or moved.apply_by >= before.apply_by:
        return moved
    for place in moved.places:
        if not (place.released or place.erased or place.number in applied):
            moved = moved.told_colleague_apply_by(place)
    return moved
