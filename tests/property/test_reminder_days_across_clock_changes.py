"""A reminder names the day as the calendar in the course's zone has it, across the clock
changes too (a 24-hour reminder for a session at 23:15 GMT on the autumn change's
Sunday went at 00:15 BST that same Sunday saying "tomorrow"; a 48-hour one "in 2 days" for
tomorrow; the spring change the mirror). Over sessions within days of both changes, any whole-day
offset and a send on time or up to ten minutes late, what it says is what a person reading it
at that moment in London would say: today, tomorrow, or in N days on that weekday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.reminders import (
    FOLLOW_UP_INVITATION_LEAD,
    invitation_days_ahead,
    reminder_lead,
)
from booking.domain.sessions import ScheduledSession, SessionKind
from tests.support.exploration import seeded

LONDON = "Europe/London"
ZONE = ZoneInfo(LONDON)
CLOCK_CHANGES = [
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
    datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
]
# Session starts from four days before a change to four days after, to the quarter hour.
starts = st.builds(
    lambda change, quarters: change + timedelta(minutes=15 * quarters),
    st.sampled_from(CLOCK_CHANGES),
    st.integers(min_value=-4 * 24 * 4, max_value=4 * 24 * 4),
)


def _as_a_person_says_it(start: datetime, sent: datetime) -> str:
    local, local_sent = start.astimezone(ZONE), sent.astimezone(ZONE)
    at = f"{local:%H:%M} {local.tzname()}"
    days = (local.date() - local_sent.date()).days
    if days == 0:
        return f"today at {at}"
    if days == 1:
        return f"tomorrow at {at}"
    return f"in {days} days, on {local:%A} {local.day} {local:%B} at {at}"


@seeded(21)  # the same examples on every CI run; `make soak` draws a new seed
@settings(max_examples=400, deadline=None)
@given(starts, st.sampled_from([24, 48, 72, 168]), st.integers(min_value=0, max_value=10))
def test_a_whole_day_reminder_names_the_calendar_day(
    start: datetime, offset: int, late_minutes: int
) -> None:
    sent = start - timedelta(hours=offset) + timedelta(minutes=late_minutes)
    with time_machine.travel(sent, tick=False):
        assert reminder_lead(offset, start, LONDON, sent) == _as_a_person_says_it(start, sent)


def test_the_autumn_change_reported() -> None:
    """A tester's own case: Sunday 31 October 2027 23:15 GMT, reminded 24 and 48 hours ahead."""
    start = datetime(2027, 10, 31, 23, 15, tzinfo=UTC)
    assert reminder_lead(24, start, LONDON, start - timedelta(hours=24)) == "today at 23:15 GMT"
    assert reminder_lead(48, start, LONDON, start - timedelta(hours=48)) == (
        "tomorrow at 23:15 GMT"
    )


def test_the_spring_change_reported() -> None:
    """Monday 29 March 2027 00:30 BST, reminded 24 and 48 hours ahead (Saturday and Friday
    23:30 GMT)."""
    start = datetime(2027, 3, 28, 23, 30, tzinfo=UTC)
    assert reminder_lead(24, start, LONDON, start - timedelta(hours=24)) == (
        "in 2 days, on Monday 29 March at 00:30 BST"
    )
    assert reminder_lead(48, start, LONDON, start - timedelta(hours=48)) == (
        "in 3 days, on Monday 29 March at 00:30 BST"
    )


def _follow_up(start: datetime) -> ScheduledSession:
    return ScheduledSession(
        index=0,
        key="f1",
        kind=SessionKind.FOLLOW_UP,
        title="Follow-up",
        start=start,
        end=start + timedelta(minutes=30),
    )


@seeded(22)
@settings(max_examples=300, deadline=None)
@given(starts.map(lambda start: start + FOLLOW_UP_INVITATION_LEAD - timedelta(days=7)))
def test_the_follow_up_page_counts_the_invitation_lead_in_calendar_days(start: datetime) -> None:
    """The page's "Invitations go N days ahead, on <day>": N is the days between the day
    named and the event's day on the course's calendar (the lead, 336 hours, spans 13 or 15
    of them for an event near midnight across a change)."""
    goes = (start - FOLLOW_UP_INVITATION_LEAD).astimezone(ZONE).date()
    assert (
        invitation_days_ahead(_follow_up(start), LONDON)
        == (start.astimezone(ZONE).date() - goes).days
    )


def test_an_event_near_midnight_after_the_autumn_change_is_invited_13_days_ahead() -> None:
    """Sunday 7 November 2027 23:30 GMT: 336 hours before is Monday 25 October 00:30 BST."""
    assert (
        invitation_days_ahead(_follow_up(datetime(2027, 11, 7, 23, 30, tzinfo=UTC)), LONDON) == 13
    )
