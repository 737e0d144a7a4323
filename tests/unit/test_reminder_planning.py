"""Reminder planning with the real 2025 cohort: 2 June 15:00 BST to 8 December 16:00 GMT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from booking.domain.course import ScheduledSession
from booking.domain.reminders import (
    FOLLOW_UP_INVITATION_LEAD,
    due_reminders,
    invitation_due,
    session_position,
)
from tests.support.cohort_2025 import cohort_2025

JUNE_START = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # 15:00 BST
SEPTEMBER_START = datetime(2025, 9, 18, 15, 0, tzinfo=UTC)  # Thursday 16:00 BST
NOVEMBER_START = datetime(2025, 11, 18, 13, 0, tzinfo=UTC)  # Tuesday 13:00 GMT
DECEMBER_START = datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # Monday 16:00 GMT


def schedule() -> list[ScheduledSession]:
    return cohort_2025().schedule()


def test_the_instants_are_right_across_the_clock_change() -> None:
    sessions = schedule()
    assert [s.start for s in sessions[:6]] == [
        JUNE_START + timedelta(weeks=week) for week in range(6)
    ]
    assert [s.start for s in sessions[6:]] == [
        SEPTEMBER_START,
        datetime(2025, 10, 15, 15, 0, tzinfo=UTC),  # Wednesday 16:00 BST
        NOVEMBER_START,
        DECEMBER_START,
    ]
    assert [s.start.astimezone(SEPTEMBER_START.tzinfo).hour for s in sessions[6:]] == [
        15,
        15,
        13,
        16,
    ]


def test_the_24_hour_reminder_is_due_at_the_utc_instant_a_day_before() -> None:
    june = schedule()[0]
    just_before = datetime(2025, 6, 1, 13, 59, 59, tzinfo=UTC)
    assert due_reminders([june], [24, 1], just_before) == []
    [due] = due_reminders([june], [24, 1], datetime(2025, 6, 1, 14, 0, tzinfo=UTC))
    assert (due.session.index, due.offset_hours, due.superseded) == (1, 24, ())


def test_december_reminders_use_gmt() -> None:
    december = schedule()[-1]
    assert due_reminders([december], [1], datetime(2025, 12, 8, 14, 59, tzinfo=UTC)) == []
    [due] = due_reminders([december], [1], datetime(2025, 12, 8, 15, 0, tzinfo=UTC))
    assert due.offset_hours == 1


def test_only_the_nearest_of_several_due_offsets_goes_out() -> None:
    june = schedule()[0]
    [due] = due_reminders([june], [24, 1, 48], JUNE_START - timedelta(minutes=30))
    assert due.offset_hours == 1
    assert due.superseded == (24, 48)


def test_nothing_once_the_session_has_started() -> None:
    june = schedule()[0]
    assert due_reminders([june], [24, 1], JUNE_START) == []
    assert due_reminders([june], [24, 1], JUNE_START + timedelta(minutes=5)) == []


def test_follow_up_invitation_window() -> None:
    december = schedule()[-1]
    opens = DECEMBER_START - FOLLOW_UP_INVITATION_LEAD
    assert not invitation_due(december, opens - timedelta(seconds=1))
    assert invitation_due(december, opens)
    assert invitation_due(december, DECEMBER_START - timedelta(seconds=1))
    assert not invitation_due(december, DECEMBER_START)


def test_positions_count_within_kind() -> None:
    sessions = schedule()
    assert session_position(sessions, sessions[1]) == (2, 6)
    assert session_position(sessions, sessions[8]) == (3, 4)


@given(
    minutes_before=st.integers(min_value=-120, max_value=60 * 60),
    offsets=st.sets(st.sampled_from([1, 2, 3, 24, 48]), min_size=1),
)
def test_plan_is_the_nearest_due_offset_or_nothing(minutes_before: int, offsets: set[int]) -> None:
    june = schedule()[0]
    now = JUNE_START - timedelta(minutes=minutes_before)
    plan = due_reminders([june], offsets, now)
    due = sorted(o for o in offsets if now >= JUNE_START - timedelta(hours=o))
    if now >= JUNE_START or not due:
        assert plan == []
    else:
        [item] = plan
        assert item.offset_hours == due[0]
        assert item.superseded == tuple(due[1:])
