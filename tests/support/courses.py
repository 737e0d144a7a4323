"""Course definitions' parts that many tests write the same way."""

from __future__ import annotations

from datetime import date, timedelta


def weekly_sessions(
    first: date, weeks: int, start: str = "15:00", end: str = "17:00"
) -> list[dict[str, str]]:
    """``weeks`` core sessions, one a week from ``first``, at the same wall-clock times."""
    return [
        {
            "date": (first + timedelta(weeks=week)).isoformat(),
            "start_time": start,
            "end_time": end,
        }
        for week in range(weeks)
    ]


def monday_after(day: date) -> date:
    """The first Monday after ``day`` (a week on when ``day`` is a Monday)."""
    return day + timedelta(days=7 - day.weekday())
