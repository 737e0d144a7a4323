"""The next cohort carries the follow-ups of the one it follows, each moved by the gap between
the two cohorts' first core sessions (``domain.next_cohort``)."""

from __future__ import annotations

from datetime import date, time, timedelta

from booking.domain.course import SessionKind
from booking.domain.next_cohort import follow_ups_carried
from tests.unit.test_course import definition

FOLLOW_UP = {
    "id": "reflect-dec",
    "date": "2025-12-08",
    "start_time": "16:00",
    "end_time": "17:00",
    "kind": "follow_up",
    "title": "Reflecting together",
}
CORES = [
    {"date": "2025-06-09", "start_time": "15:00", "end_time": "17:00"},
    {"date": "2025-06-02", "start_time": "15:00", "end_time": "17:00"},  # the first, listed 2nd
]


def test_each_follow_up_moves_by_the_gap_between_the_first_core_sessions() -> None:
    source = definition(sessions=[*CORES, FOLLOW_UP])

    carried = follow_ups_carried(source, date(2026, 6, 1))

    assert carried is not None
    assert carried.gap == timedelta(days=364)
    (moved,) = carried.sessions
    assert moved.date == date(2026, 12, 7)
    assert (moved.start_time, moved.end_time) == (time(16, 0), time(17, 0))
    assert (moved.kind, moved.title) == (SessionKind.FOLLOW_UP, "Reflecting together")
    assert moved.id is None  # on saving: the programme's follow-up at that time, or a new one


def test_a_cohort_without_follow_ups_carries_none() -> None:
    assert follow_ups_carried(definition(sessions=CORES), date(2026, 6, 1)) is None
