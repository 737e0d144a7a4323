"""A cohort's "Changed dates" through the admin API and the mailer (moto's SES): counted from the
sessions each attendee's calendar was last sent, not from the file saved before, and a core
session still to come refused a move into the past (coretold)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from booking.domain.course import CourseDefinition
from booking.domain.emails import OutgoingEmail
from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System

LONDON = ZoneInfo("Europe/London")
SPRING = "move-spring"


def _starts(message: OutgoingEmail) -> list[datetime]:
    [ics] = [a for a in message.attachments if a.filename == "invite.ics"]
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    return sorted(e.decoded("DTSTART") for e in events)


def _at_three(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), LONDON).astimezone(UTC)


def _with(file: dict[str, Any], *days: date) -> dict[str, Any]:
    """``file`` with its sessions on ``days``, in order."""
    sessions = [
        {**s, "date": day.isoformat()} for s, day in zip(file["sessions"], days, strict=True)
    ]
    return {**file, "sessions": sessions}


def test_sessions_put_back_where_the_calendar_holds_them_tell_nobody(system: System) -> None:
    """A slip (session 1 a year early: nobody told, a past time being no news): putting it
    back is news to nobody; with session 2 moved, only session 2 is "Changed dates"."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    first, second = cohorts.spring_start, cohorts.spring_start + timedelta(weeks=1)
    slip = CourseDefinition.model_validate(_with(spring, first - timedelta(days=364), second))
    system.ports.repository.put_course(SPRING, slip)

    back = system.admin("PUT", f"/courses/{SPRING}", json_body=spring)
    assert back.status == 200, back.body
    assert cohorts.emails_to(ADA) == []

    system.ports.repository.put_course(SPRING, slip)
    later = second + timedelta(days=1)
    moved = system.admin("PUT", f"/courses/{SPRING}", json_body=_with(spring, first, later))
    assert moved.status == 200, moved.body
    [told] = cohorts.emails_to(ADA)
    assert told.subject.startswith("Changed dates: "), told.subject
    assert told.text.count("(CHANGED)") == 1
    [marked] = [line for line in told.text.splitlines() if "(CHANGED)" in line]
    assert f"{later.day} {later:%B %Y}" in marked
    assert _starts(told) == [_at_three(first), _at_three(later)]


def _saved_twice_then_sent(cohorts: Cohorts, first: dict[str, Any], then: dict[str, Any]) -> None:
    """Two saves of spring's file before the mailer runs."""
    for file in (first, then):
        saved = cohorts.system.admin("PUT", f"/courses/{SPRING}", json_body=file)
        assert saved.status == 200, saved.body


def test_a_date_moved_and_moved_back_before_the_mailer_tells_nobody(system: System) -> None:
    """The first save's "Changed dates", sent after the second put the session
    back, is worded against the calendar as held (the told record): nothing differs, so
    nothing is sent, and the job is done, not retried."""
    cohorts = Cohorts(system)
    booked = cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    first, second = cohorts.spring_start, cohorts.spring_start + timedelta(weeks=1)
    _saved_twice_then_sent(cohorts, _with(spring, first + timedelta(days=1), second), spring)
    assert cohorts.emails_to(ADA) == []
    course = system.stored_course(SPRING)
    first_save = f"sessions_changed:{booked['application_id']}:{SPRING}:v{course.version - 1}"
    assert system.ports.repository.email_state(first_save) == "skipped_told"


def test_a_time_changed_and_changed_back_before_the_mailer_tells_nobody(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    later = [{**s, "start_time": "16:00", "end_time": "18:00"} for s in spring["sessions"]]
    _saved_twice_then_sent(cohorts, {**spring, "sessions": later}, spring)
    assert cohorts.emails_to(ADA) == []


def test_a_session_added_and_removed_before_the_mailer_tells_nobody(system: System) -> None:
    """Nothing marked CHANGED, and no CANCEL of a session never sent."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    week_three = (cohorts.spring_start + timedelta(weeks=2)).isoformat()
    third = {**spring["sessions"][1], "date": week_three}
    _saved_twice_then_sent(cohorts, {**spring, "sessions": [*spring["sessions"], third]}, spring)
    assert cohorts.emails_to(ADA) == []


def test_moved_twice_before_the_mailer_marks_only_what_differs_from_the_calendar(
    system: System,
) -> None:
    """Session 1 moved and back, session 2 moved: one message (the second save's), session 2
    alone CHANGED; the first save's finds nothing to tell."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    spring = cohorts.files[SPRING]
    first, second = cohorts.spring_start, cohorts.spring_start + timedelta(weeks=1)
    later = second + timedelta(days=1)
    _saved_twice_then_sent(
        cohorts, _with(spring, first + timedelta(days=1), second), _with(spring, first, later)
    )
    [told] = cohorts.emails_to(ADA)
    assert told.text.count("(CHANGED)") == 1
    [marked] = [line for line in told.text.splitlines() if "(CHANGED)" in line]
    assert f"{later.day} {later:%B %Y}" in marked
    assert _starts(told) == [_at_three(first), _at_three(later)]


def test_a_changed_dates_reads_each_session_the_person_holds_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worded as held, a "Changed dates" reads the person's own record of each session, once
    (``told_to``: whether they hold it and when, one item), never every record of the session
    twice (``told_of`` then ``told_when``, each a Query of everyone told of it)."""
    cohorts = Cohorts(system)
    cohorts.book(SPRING, ADA)
    cohorts.emails()
    spring = cohorts.files[SPRING]
    first, second = cohorts.spring_start, cohorts.spring_start + timedelta(weeks=1)
    moved = system.admin(
        "PUT", f"/courses/{SPRING}", json_body=_with(spring, first, second + timedelta(days=1))
    )
    assert moved.status == 200, moved.body
    repository = system.ports.repository
    reads: list[tuple[str, str]] = []
    for name in ("told_of", "told_when", "told_to"):
        real = getattr(repository, name)

        def counted(about: str, *args: Any, _real: Any = real, _name: str = name) -> Any:
            if about.startswith(f"SESSION#{SPRING}#"):
                reads.append((_name, about))
            return _real(about, *args)

        monkeypatch.setattr(repository, name, counted)

    [told] = cohorts.emails_to(ADA)

    assert told.subject.startswith("Changed dates: "), told.subject
    assert [name for name, _ in reads] == ["told_to", "told_to"], reads
    assert len({about for _, about in reads}) == 2
