"""Dates and times written the British way, in the course's own timezone.

"Monday 7 June 2027, 15:00-17:00 BST": 24-hour times, day before month, the zone's abbreviation
for that date (BST in summer, GMT in winter), so a reader never has to convert.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from booking.domain.course import ScheduledSession


def session_when(session: ScheduledSession, timezone: str) -> str:
    zone = ZoneInfo(timezone)
    start = session.start.astimezone(zone)
    end = session.end.astimezone(zone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    return f"{day}, {start:%H:%M}-{end:%H:%M} {start.tzname()}"


def moment_when(moment: datetime, timezone: str) -> str:
    """ "Monday 7 June 2027 at 15:04 BST": the British way, in the course's zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"
