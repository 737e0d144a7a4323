"""Courses: local wall-clock sessions become the right UTC instants across the clock change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from booking.domain.addresses import STORED
from booking.domain.course import Course, CourseDefinition, CourseStatus, Money
from booking.domain.errors import InvalidInput
from booking.domain.validation import parse, parse_json_strictly
from booking.domain.wording import session_when


def definition(**overrides: object) -> CourseDefinition:
    data: dict[str, object] = {
        "title": "Compassionate Leadership",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 20,
        "sessions": [
            {"date": "2025-06-02", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2025-12-08", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"},
        ],
    }
    data.update(overrides)
    return CourseDefinition.model_validate(data)


def test_bst_and_gmt_sessions_in_one_course() -> None:
    summer, winter = definition().schedule()
    assert summer.start == datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # 15:00 BST
    assert summer.end == datetime(2025, 6, 2, 16, 0, tzinfo=UTC)
    assert winter.start == datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # 16:00 GMT
    assert summer.local_start("Europe/London").isoformat() == "2025-06-02T15:00:00+01:00"
    assert winter.local_start("Europe/London").isoformat() == "2025-12-08T16:00:00+00:00"


def test_sessions_are_written_the_british_way() -> None:
    summer, winter = definition().schedule()
    assert session_when(summer, "Europe/London") == "Monday 2 June 2025, 15:00-17:00 BST"
    assert session_when(winter, "Europe/London") == "Monday 8 December 2025, 16:00-17:00 GMT"


def test_a_session_the_clocks_change_during_names_each_ends_zone() -> None:
    spring, autumn = definition(
        sessions=[
            {"date": "2027-03-28", "start_time": "00:30", "end_time": "03:30"},
            {"date": "2027-10-31", "start_time": "00:30", "end_time": "03:00"},
        ]
    ).schedule()
    # Two hours in spring (the clocks go forward at 01:00 GMT), three and a half in autumn.
    assert spring.end - spring.start == timedelta(hours=2)
    assert session_when(spring, "Europe/London") == "Sunday 28 March 2027, 00:30 GMT to 03:30 BST"
    assert session_when(autumn, "Europe/London") == "Sunday 31 October 2027, 00:30 BST to 03:00 GMT"


def test_sessions_are_numbered_in_time_order_with_default_titles() -> None:
    course = definition(
        sessions=[
            {"date": "2025-06-09", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2025-06-02", "start_time": "15:00", "end_time": "17:00"},
        ]
    )
    first, second = course.schedule()
    assert (first.index, first.title) == (1, "Session 1 of 2")
    assert first.start.date() == date(2025, 6, 2)
    assert second.title == "Session 2 of 2"


@pytest.mark.parametrize(
    ("day", "moment", "why"),
    [
        ("2025-03-30", "01:30", "Sunday 30 March 2025, 01:30 does not exist"),
        ("2025-10-26", "01:30", "Sunday 26 October 2025, 01:30 happens twice"),
    ],
)
def test_times_the_clock_change_makes_impossible_are_refused(
    day: str, moment: str, why: str
) -> None:
    with pytest.raises(ValidationError, match=why):
        definition(sessions=[{"date": day, "start_time": moment, "end_time": "03:00"}])


@pytest.mark.parametrize(
    "bad",
    [
        {"timezone": "Mars/Olympus"},
        {"capacity": 0},
        {"price": {"amount": 0, "currency": "gbp"}},
        {"price": {"amount": 100, "currency": "pounds"}},
        {"sessions": []},
        {"sessions": [{"date": "2025-06-02", "start_time": "17:00", "end_time": "15:00"}]},
        {"reminder_offsets_hours": [0]},
        {"unexpected": 1},
    ],
)
def test_bad_definitions_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        definition(**bad)


def test_defaults_are_sensible() -> None:
    course = definition()
    assert course.timezone == "Europe/London"
    assert course.reminder_offsets_hours == [24, 1]
    assert course.approval_required is False


def test_money_display_and_currency_case() -> None:
    assert Money(amount=20000, currency="GBP").display() == "£200.00"
    assert Money(amount=123456, currency="Eur").display() == "€1,234.56"
    assert Money(amount=5, currency="usd").display() == "$0.05"


@pytest.mark.parametrize("currency", ["jpy", "JPY", "krw", "kwd", "xxx", "chf", "gb", "£"])
def test_a_price_is_taken_only_in_a_currency_counted_in_hundredths(currency: str) -> None:
    """¥20,000 is 20000 in Stripe's minor units of yen, not 200.00: a currency of another
    exponent (or none at all) would be said and charged wrongly, so it is refused in words."""
    with pytest.raises(ValidationError) as refused:
        Money(amount=20000, currency=currency)
    assert "Enter gbp, eur or usd" in str(refused.value)


def test_a_price_stored_in_another_currency_is_read_back_as_it_was() -> None:
    stored = Money.model_validate({"amount": 123456, "currency": "chf"}, context={"stored": True})
    assert stored.display() == "1,234.56 CHF"


def test_status_open_full_closed() -> None:
    d = definition(capacity=2)
    before = datetime(2025, 5, 1, tzinfo=UTC)
    assert Course(course_id="c", definition=d).status(before) is CourseStatus.OPEN
    assert Course(course_id="c", definition=d, seats_taken=2).status(before) is CourseStatus.FULL
    started = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    assert Course(course_id="c", definition=d).status(started) is CourseStatus.CLOSED
    closed = definition(closed=True)
    assert Course(course_id="c", definition=closed).status(before) is CourseStatus.CLOSED


def test_a_newcomer_may_book_the_places_not_taken_only_when_nobody_waits() -> None:
    """The newcomer's count (the public ``places_left``) is the places not taken, except none
    while the course is full: no seat free, or people waiting for the free one (the rule lived in a
    handler)."""
    d = definition(capacity=3)
    before = datetime(2025, 5, 1, tzinfo=UTC)
    open_ = Course(course_id="c", definition=d, seats_taken=1)
    assert (open_.places_left, open_.places_for_newcomer(before)) == (2, 2)
    waited_for = Course(course_id="c", definition=d, seats_taken=2, waiting=1)
    assert (waited_for.places_left, waited_for.places_for_newcomer(before)) == (1, 0)
    taken = Course(course_id="c", definition=d, seats_taken=3)
    assert (taken.places_left, taken.places_for_newcomer(before)) == (0, 0)
    # Once applications close, nobody books: the places not taken are said, as they were.
    started = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    assert waited_for.places_for_newcomer(started) == 1


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=6, max_value=22),
)
def test_every_london_afternoon_session_round_trips(day: date, hour: int) -> None:
    course = definition(
        sessions=[
            {
                "date": day.isoformat(),
                "start_time": f"{hour:02d}:00",
                "end_time": f"{hour + 1:02d}:00",
            }
        ]
    )
    [session] = course.schedule()
    local = session.local_start("Europe/London")
    assert (local.date(), local.hour, local.minute) == (day, hour, 0)
    assert session.end - session.start == timedelta(hours=1)
    assert local.utcoffset() in (timedelta(0), timedelta(hours=1))


def test_stored_addresses_are_trusted_on_reading_and_checked_on_writing() -> None:
    # What an organiser sends is checked; what the system stored was checked on the way in,
    # so reading it back neither checks again nor loads the validator (cold start).
    sent = json.dumps(
        {
            "title": "T",
            "price": {"amount": 20000},
            "capacity": 2,
            "enquiries_email": "not an address",
            "sessions": [{"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"}],
        }
    )
    with pytest.raises(ValidationError):
        CourseDefinition.model_validate_json(sent)
    stored = CourseDefinition.model_validate_json(sent, context=STORED)
    assert stored.enquiries_email == "not an address"


def test_a_reminder_offset_given_twice_is_refused_in_words() -> None:
    # Folding [24, 24] into [24] dropped the hour's reminder without a word.
    with pytest.raises(ValidationError, match="24 hours is given twice"):
        definition(reminder_offsets_hours=[24, 24])
    assert definition(reminder_offsets_hours=[1, 24]).reminder_offsets_hours == [24, 1]


CORE = {"date": "2027-10-11", "start_time": "15:00", "end_time": "17:00"}
LATER_CORE = {"date": "2027-10-18", "start_time": "15:00", "end_time": "17:00"}


def follow_up_on(day: str, start: str = "16:00") -> dict[str, str]:
    return {"date": day, "start_time": start, "end_time": "17:30", "kind": "follow_up"}


@pytest.mark.parametrize(
    ("sessions", "said"),
    [
        # Before the core sessions, among them, and starting before the last one ends.
        ([CORE, LATER_CORE, follow_up_on("2027-09-23")], "session 3: a follow-up comes after"),
        ([CORE, follow_up_on("2027-10-13"), LATER_CORE], "session 2: a follow-up comes after"),
        ([CORE, LATER_CORE, follow_up_on("2027-10-18")], "ends Monday 18 October 2027 at 17:00"),
        # Follow-ups alone: no course to graduate from.
        ([follow_up_on("2027-10-20")], "session 1: a course needs at least one core session"),
    ],
)
def test_follow_ups_come_after_the_core_sessions(sessions: list[object], said: str) -> None:
    # Such a file was accepted and named by its follow-up's date everywhere.
    with pytest.raises(ValidationError, match=said):
        definition(sessions=sessions)
    # A file stored before the rule is read back as it is.
    stored = definition().model_dump(mode="json") | {"sessions": sessions}
    assert CourseDefinition.model_validate(stored, context=STORED).sessions


@pytest.mark.parametrize(
    ("sessions", "field"),
    [
        ([CORE, follow_up_on("2027-10-13"), LATER_CORE], "sessions.1"),
        ([follow_up_on("2027-10-20")], "sessions.0"),
    ],
)
def test_a_problem_with_one_session_is_said_beside_that_session(
    sessions: list[object], field: str
) -> None:
    """ "session 2: ..." is said under ``sessions.1`` (the API's 422, the
    console form's session row), not under ``body``."""
    payload = definition().model_dump(mode="json") | {"sessions": sessions}
    with pytest.raises(InvalidInput) as raised:
        parse(CourseDefinition, payload)
    assert list(raised.value.fields) == [field]
    assert raised.value.fields[field].startswith(f"session {int(field[-1]) + 1}: ")


def test_a_follow_up_may_start_as_the_last_core_session_ends() -> None:
    sessions = [CORE, LATER_CORE, follow_up_on("2027-10-18", "17:00")]
    assert len(definition(sessions=sessions).schedule()) == 3


@pytest.mark.parametrize("blank", ["\xa0", "\u2028", "  "])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation", None),
        ("overview", None),
        ("audience", None),
        ("facilitators", "bio"),
    ],
)
def test_an_optional_text_given_with_nothing_that_shows_is_refused_by_its_name(
    blank: str, field: str, value: str | None
) -> None:
    """One rule for every optional course text: given only invisible text, it is
    refused in words naming the field (as organisation's always was), never dropped."""
    data = definition().model_dump(mode="json")
    if value is None:
        data[field] = blank
        named = field
    else:
        data[field] = [{"name": "Ruth", "email": "ruth@example.org", value: blank}]
        named = f"{field}.0.{value}"
    with pytest.raises(InvalidInput) as refused:
        parse_json_strictly(CourseDefinition, data, "the course needs attention")
    assert refused.value.fields == {named: "it cannot be empty: leave it out, or give a value"}


def test_an_optional_text_stored_empty_reads_as_none() -> None:
    assert definition(overview="", audience=None).overview is None
    facilitator = {"email": "a@example.org", "bio": ""}
    assert definition(facilitators=[facilitator]).facilitators[0].bio is None


def test_a_schedule_asked_for_again_is_not_worked_out_again_and_a_changed_one_is() -> None:
    """A definition read back, and its schedule asked for, many times a request converts its
    times from local time once; a session changed in place is a new schedule, never a stale one;
    what every caller shares cannot be changed by one of them."""
    from datetime import time

    from booking.domain import sessions

    # Times no other test's course has: its schedule is not yet worked out in this process.
    written = [
        {"date": "2025-06-02", "start_time": "09:07", "end_time": "17:00"},
        {"date": "2025-12-08", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"},
    ]
    course = definition(sessions=written)
    worked_out = sessions._schedule_of.cache_info().misses
    first = course.schedule()
    assert course.schedule() == first
    assert definition(sessions=written).schedule() == first  # the same, read back
    assert sessions._schedule_of.cache_info().misses == worked_out
    course.sessions[0].start_time = time(9, 8)
    moved = course.schedule()
    assert (first[0].start.minute, moved[0].start.minute) == (7, 8)
    with pytest.raises(ValidationError):
        first[0].title = "Changed for everyone"  # type: ignore[misc]


def test_a_time_the_clocks_change_makes_impossible_is_said_by_its_place_in_the_list() -> None:
    # Listed second, first in time: "session 2", as the organiser's form numbers its rows.
    with pytest.raises(ValidationError, match="session 2: Sunday 30 March 2025, 01:30"):
        definition(
            sessions=[
                {"date": "2025-06-02", "start_time": "15:00", "end_time": "17:00"},
                {"date": "2025-03-30", "start_time": "01:30", "end_time": "03:00"},
            ]
        )
