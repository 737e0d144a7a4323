"""Reminder planning with the real 2025 dates: 2 June 15:00 BST and 8 December 16:00 GMT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from booking.domain.course import CourseDefinition, ScheduledSession
from booking.domain.reminders import (
    FOLLOW_UP_INVITATION_LEAD,
    due_reminders,
    invitation_session,
    session_position,
)

JUNE_START = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # 15:00 BST
DECEMBER_START = datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # 16:00 GMT


def schedule() -> list[ScheduledSession]:
    return CourseDefinition.model_validate(
        {
            "title": "Compassionate Leadership",
            "price": {"amount": 20000},
            "capacity": 20,
            "sessions": [
                {"date": "2025-06-02", "start_time": "15:00", "end_time": "17:00"},
                {"date": "2025-06-09", "start_time": "15:00", "end_time": "17:00"},
                {
                    "date": "2025-12-08",
                    "start_time": "16:00",
                    "end_time": "17:00",
                    "kind": "follow_up",
                },
            ],
        }
    ).schedule()


def test_the_instants_are_right_across_the_clock_change() -> None:
    june, _, december = schedule()
    assert june.start == JUNE_START
    assert december.start == DECEMBER_START


def test_the_24_hour_reminder_is_due_at_the_utc_instant_a_day_before() -> None:
    june = schedule()[0]
    just_before = datetime(2025, 6, 1, 13, 59, 59, tzinfo=UTC)
    assert due_reminders([june], [24, 1], just_before) == []
    [due] = due_reminders([june], [24, 1], datetime(2025, 6, 1, 14, 0, tzinfo=UTC))
    assert (due.session.index, due.offset_hours, due.superseded) == (1, 24, ())


def test_december_reminders_use_gmt() -> None:
    december = schedule()[2]
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
    sessions = schedule()
    opens = DECEMBER_START - FOLLOW_UP_INVITATION_LEAD
    assert invitation_session(sessions, opens - timedelta(seconds=1)) is None
    invited = invitation_session(sessions, opens)
    assert invited is not None
    assert invited.index == 3
    assert invitation_session(sessions, DECEMBER_START) is None


def test_positions_count_within_kind() -> None:
    sessions = schedule()
    assert session_position(sessions, sessions[1]) == (2, 2)
    assert session_position(sessions, sessions[2]) == (1, 1)


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
