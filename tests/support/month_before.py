"""The clock frozen a month before a course's first session: where the tests of the dates that
follow a course (a group's apply-by day, dates moved by a save) begin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import time_machine

from tests.support.system import COURSE_ID, System


@contextmanager
def a_month_before(
    system: System, course_id: str = COURSE_ID
) -> Iterator[tuple[datetime, datetime]]:
    """Inside, the clock frozen (time-machine) 30 days before ``course_id``'s first session:
    when that session starts, and the frozen now."""
    start = system.first_start(course_id)
    now = start - timedelta(days=30)
    with time_machine.travel(now, tick=False):
        yield start, now
