"""When a scheduled run may act: as of its event's time, which may be late, never early.

The schedule (reminders, lapsed holds, group places released and refunded at their apply-by
date) decides everything as of its event's ``time`` (DESIGN: *time is explicit*). EventBridge
Scheduler sends the time a tick was due, so a real event is never ahead of the clock of the
function it invokes: it is on time, or late (a retry, a delayed delivery, a person re-running a
missed tick). One ahead of that clock would release, refund and lapse things before their day,
so it is refused and nothing is done. Moving time forward is the local stack's convenience
(``POST /_local/scheduler/tick``): there the stack's own clock, the one the functions read, is
what moves (``infra/local/clock.py``), never this rule. Pure: the caller gives both times.
"""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.errors import BookingError


class RunAheadOfClock(BookingError):
    """A scheduled run asked to act as of a time its function's clock has not reached."""

    code = "run_ahead_of_clock"


def _said(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def refuse_if_ahead(scheduled: datetime, clock_now: datetime) -> None:
    """Raise :class:`RunAheadOfClock` when ``scheduled`` is later than ``clock_now``, the
    clock of the function about to act; a time at or before it runs."""
    if scheduled > clock_now:
        raise RunAheadOfClock(
            f"refused: the scheduled time {_said(scheduled)} is ahead of this function's "
            f"clock ({_said(clock_now)}); the schedule acts as of a time that has come, never "
            "ahead of it, so nothing was done. To run it as of a later time, tick the local "
            "stack (make run), whose clock moves."
        )
