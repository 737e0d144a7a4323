"""A group's apply-by date as its course's dates stand (hostile19 F5): set again by the rule it
was booked by when the organisers move the first session or change ``group_apply_by_days``
(``services.group_dates`` carries it out)."""

from __future__ import annotations

from datetime import datetime

from booking.domain.groups import LEAST_TIME_TO_APPLY, GroupBooking, GroupStatus, apply_by


def redated(
    group: GroupBooking, first_start: datetime, days_before: int, now: datetime
) -> GroupBooking | None:
    """``group`` with its apply-by date following its course's dates as they stand ``now``
    (the organisers moved the first session, or changed how many days before it colleagues
    apply): :func:`apply_by` from the group's booking, never after the first session starts,
    so every email and page promises a time that holds and the sweep gives its unfilled places
    up then (hostile19 F5). Brought earlier, it leaves the colleagues at least
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
