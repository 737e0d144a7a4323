"""How soon a reminder says its session is (``domain.reminders.reminder_lead``): true to its
offset when it goes on time, true to the time left when it goes late (a tick at
01:00 on the session's own day said "tomorrow", one ten minutes before said "in an hour")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.reminders import reminder_lead

# Monday 9 June 2025, 15:00 BST; and Monday 8 December 2025, 09:00 GMT.
SUMMER = datetime(2025, 6, 9, 14, 0, tzinfo=UTC)
WINTER = datetime(2025, 12, 8, 9, 0, tzinfo=UTC)
LONDON = "Europe/London"


@pytest.mark.parametrize(
    ("offset", "soon"),
    [
        (1, "in an hour, at 15:00 BST"),
        (24, "tomorrow at 15:00 BST"),
        (48, "in 2 days, on Monday 9 June at 15:00 BST"),
    ],
)
def test_a_reminder_sent_on_time_says_its_offset(offset: int, soon: str) -> None:
    sent = SUMMER - timedelta(hours=offset) + timedelta(minutes=5)  # a tick a little late
    assert reminder_lead(offset, SUMMER, LONDON, sent) == soon


@pytest.mark.parametrize(
    ("offset", "sent", "soon"),
    [
        (24, datetime(2025, 12, 8, 1, 0, tzinfo=UTC), "today at 09:00 GMT"),
        (1, datetime(2025, 12, 8, 8, 50, tzinfo=UTC), "in 10 minutes, at 09:00 GMT"),
        (1, datetime(2025, 12, 8, 8, 59, tzinfo=UTC), "in 1 minute, at 09:00 GMT"),  # singular
        (48, datetime(2025, 12, 7, 8, 0, tzinfo=UTC), "tomorrow at 09:00 GMT"),
        (24, datetime(2025, 12, 8, 7, 0, tzinfo=UTC), "today at 09:00 GMT"),
        (24, datetime(2025, 12, 8, 8, 0, tzinfo=UTC), "in an hour, at 09:00 GMT"),
    ],
)
def test_a_reminder_sent_late_says_the_time_left(offset: int, sent: datetime, soon: str) -> None:
    assert reminder_lead(offset, WINTER, LONDON, sent) == soon


def test_the_day_is_the_course_timezones_not_utcs() -> None:
    """23:30 UTC on Sunday 8 June is 00:30 BST on Monday: the session that afternoon is today."""
    sent = datetime(2025, 6, 8, 23, 30, tzinfo=UTC)
    assert reminder_lead(24, SUMMER, LONDON, sent) == "today at 15:00 BST"
