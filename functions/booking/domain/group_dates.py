"""A group's apply-by date as its course's dates stand: set again by the rule it
was booked by when the organisers move the first session or change ``group_apply_by_days``
(``services.group_dates`` carries it out)."""

from __future__ import annotations

from datetime import datetime

from booking.domain.course import Course
from booking.domain.groups import (
    LEAST_TIME_TO_APPLY,
    GroupBooking,
    GroupPlace,
    GroupStatus,
    apply_by,
)


def redated(
    group: GroupBooking, first_start: datetime, days_before: int, now: datetime
) -> GroupBooking | None:
    """``group`` with its apply-by date following its course's dates as they stand ``now``
    (the organisers moved the first session, or changed how many days before it colleagues
    apply): :func:`apply_by` from the group's booking, never after the first session starts,
    so every email and page promises a time that holds and the sweep gives its unfilled places
    up then. Brought earlier, it leaves the colleagues at least
    ``LEAST_TIME_TO_APPLY`` from ``now`` (or what was left of their time, if less) unless the
    course begins sooner. None: nothing changes (the date holds, or the group is over: ended
    unpaid, or its unfilled places already given up)."""
    if group.status is GroupStatus.LAPSED or group.unfilled_given_up:
        return None
    floor = min(group.apply_by, now + LEAST_TIME_TO_APPLY)
    moved = min(max(apply_by(first_start, group.created_at, days_before), floor), first_start)
    if moved == group.apply_by:
        return None
    return group.model_copy(update={"apply_by": moved, "updated_at": now})


def told_recorded(group: GroupBooking, place: GroupPlace | None = None) -> datetime | None:
    """The apply-by date recorded as last told to ``place``'s colleague (None: to the manager),
    once the email giving it went; None when none is recorded (for a place, for the colleague
    it names now)."""
    if place is None:
        return group.told_manager_apply_by
    said = place.told_apply_by
    return said[1] if said is not None and said[0] == place.substitutions else None


def last_told(before: GroupBooking, place: GroupPlace | None = None) -> datetime:
    """The apply-by date last told to ``place``'s colleague (None: to the manager): the one
    their last email giving it said (:func:`told_recorded`), else ``before``'s date (an email
    not sent yet, or sent before the date was recorded). One rule for everyone a move is told
    to."""
    told = told_recorded(before, place)
    return told if told is not None else before.apply_by


def colleagues_told(
    moved: GroupBooking, before: GroupBooking, applied: frozenset[int]
) -> GroupBooking:
    """``moved`` (its apply-by date set again from ``before``'s), with each colleague sent
    their link who has not applied (``applied``: the places' numbers that hold an application)
    emailed it again when the new date is earlier than the one their last email gave
    (:func:`last_told`): never again for a date no earlier than that, however the course's
    dates go back and forth. A later date is not written about: the page and
    every email from now on say it."""
    for place in moved.places:
        moved = colleague_told_earlier(moved, before, place, place.number in applied)
    return moved


def colleague_told_earlier(
    group: GroupBooking, before: GroupBooking, place: GroupPlace, applied: bool
) -> GroupBooking:
    """``group`` with ``place``'s colleague (sent their link, not ``applied``) emailed it again
    when ``group``'s date is earlier than the one their last email gave (:func:`last_told`
    from ``before``): the one rule of :func:`colleagues_told`, and of the mailer once a record
    of what they were told moved (``services.group_dates.record_told_apply_by``)."""
    if group.status is not GroupStatus.PAID or place.released or place.erased or applied:
        return group
    if group.apply_by < last_told(before, place):
        return group.told_colleague_apply_by(place)
    return group


def with_told_apply_by(
    group: GroupBooking, number: int | None, said: datetime, substitutions: int = 0
) -> GroupBooking | None:
    """``group`` with ``said`` recorded as the apply-by date told (an email giving it just
    went: the date it gave, whatever the group holds by now) to place
    ``number``'s colleague while the place still names them (``substitutions``), or to the
    manager (``number`` None); None: nothing to record (the place is another colleague's, or
    that date is recorded already). Read back by :func:`last_told`."""
    if number is None:
        told = group.model_copy(update={"told_manager_apply_by": said})
        return None if group.told_manager_apply_by == said else told
    place = next((p for p in group.places if p.number == number), None)
    record = (substitutions, said)
    if place is None or place.substitutions != substitutions or place.told_apply_by == record:
        return None
    return group.with_place(place.model_copy(update={"told_apply_by": record}), group.updated_at)


def course_moves_apply_by(course: Course, group: GroupBooking, now: datetime) -> bool:
    """Whether ``course`` as saved sets ``group`` another apply-by date than it holds: a save
    whose groups are still being set again (``services.group_dates``)."""
    days = course.definition.group_apply_by_days
    return redated(group, course.first_start(), days, now) is not None
