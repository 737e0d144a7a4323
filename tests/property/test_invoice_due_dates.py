"""Due dates people keep: over any day of the year (BST and GMT, the change days included),
any payment term and any course start, an invoice falls due at the end of a working day that
the rule allows, and it is the day a person working out the rule by hand would pick."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.billing import invoice_due

LONDON = ZoneInfo("Europe/London")
# Instants from 2026 to 2030, to the minute, dense around the clock changes.
CLOCK_CHANGES = [
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
    datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
    datetime(2028, 3, 26, 1, 0, tzinfo=UTC),
    datetime(2028, 10, 29, 1, 0, tzinfo=UTC),
]
instants = st.one_of(
    st.integers(min_value=0, max_value=60 * 24 * 365 * 5).map(
        lambda minutes: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    ),
    st.builds(
        lambda change, minutes: change + timedelta(minutes=minutes),
        st.sampled_from(CLOCK_CHANGES),
        st.integers(min_value=-60 * 24 * 40, max_value=60 * 24 * 40),
    ),
).map(lambda moment: moment.replace(second=0, microsecond=0))


def _end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=LONDON).astimezone(UTC)


def _by_hand(now: datetime, due_days: int, first_session: datetime, before: int) -> datetime | None:
    """The rule as a person applies it: walk the calendar day by day."""
    today = now.astimezone(LONDON).date()
    target = today + timedelta(days=due_days)
    allowed = [
        today + timedelta(days=n)
        for n in range(0, due_days + 3)
        if (today + timedelta(days=n)).weekday() < 5
        and today + timedelta(days=n)
        <= first_session.astimezone(LONDON).date() - timedelta(days=before)
        and _end_of(today + timedelta(days=n)) < first_session
    ]
    on_or_after = [day for day in allowed if target <= day <= target + timedelta(days=2)]
    before_it = [day for day in allowed if day <= target]
    day = on_or_after[0] if target.weekday() >= 5 and on_or_after else None
    if day is None and before_it:
        day = before_it[-1]
    if day is None:
        return None
    due = _end_of(day)
    return due if due > now + timedelta(days=1) else None


@settings(max_examples=500, deadline=None)
@given(
    now=instants,
    due_days=st.integers(min_value=1, max_value=120),
    lead=st.integers(min_value=0, max_value=60 * 24 * 200),
    before=st.integers(min_value=0, max_value=90),
)
def test_an_invoice_falls_due_at_the_end_of_a_working_day_the_rule_allows(
    now: datetime, due_days: int, lead: int, before: int
) -> None:
    first_session = now + timedelta(minutes=lead)
    due = invoice_due(now, due_days, first_session, before, "Europe/London")
    assert due == _by_hand(now, due_days, first_session, before)
    if due is None:
        return
    local = due.astimezone(LONDON)
    assert local.weekday() < 5, "never a weekend"
    assert (local.hour, local.minute) == (23, 59), "the end of that day, BST or GMT"
    assert due < first_session
    assert local.date() <= first_session.astimezone(LONDON).date() - timedelta(days=before)
    assert due > now + timedelta(days=1)
    # At most a weekend past the payment term; less only when the course start requires it.
    target = now.astimezone(LONDON).date() + timedelta(days=due_days)
    assert local.date() <= target + timedelta(days=2)
