"""A new joining link is one more change a save makes to what people hold:
decided with the sessions' changes, kept through the wording as each calendar holds them, and
said in the organiser's notice (``told_of``)."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.course import Course, CourseDefinition
from booking.domain.dates_changed import changed_dates, told_of
from booking.domain.held_sessions import dates_as_held, update_as_held
from booking.domain.invitations import Told
from booking.domain.schedule_changes import schedule_changes
from tests.unit.test_held_sessions import ORIGINAL, cohort, spans

NOW = datetime(2027, 1, 5, tzinfo=UTC)


def relinked(
    file: CourseDefinition, link: str = "https://example.org/join/new"
) -> CourseDefinition:
    return file.model_copy(update={"joining_url": link})


def test_a_new_link_alone_is_a_change_told_with_no_session_marked() -> None:
    own = schedule_changes(ORIGINAL, relinked(ORIGINAL), NOW)
    assert own.relinked
    assert not own.changed
    dates = changed_dates(Course(course_id="spring", definition=relinked(ORIGINAL)), own, [])
    assert dates is not None
    assert dates.relinked
    assert not dates.changed
    assert not dates.renamed_only
    held = dates_as_held(dates, ORIGINAL.schedule(), ORIGINAL.schedule(), spans(ORIGINAL), NOW)
    assert held is not None
    assert held.relinked
    # As the mailer words it against a calendar holding every session as it is: still news.
    as_sent = {s.key: Told(s.start, s.end, s.title) for s in ORIGINAL.schedule()}
    holds = dict.fromkeys(as_sent, True)
    sent = update_as_held(dates, ORIGINAL.schedule(), as_sent, holds, NOW)
    assert sent is not None
    assert sent.relinked
    assert told_of(own, []) == "link"


def test_the_same_link_or_only_past_sessions_are_no_news() -> None:
    assert not schedule_changes(ORIGINAL, ORIGINAL, NOW)
    past = cohort("2026-12-01", "2026-12-08")
    assert not schedule_changes(past, relinked(past), NOW)


def test_a_new_link_with_a_moved_session_is_said_as_both() -> None:
    moved = relinked(cohort("2027-03-01", "2027-03-09"))
    own = schedule_changes(ORIGINAL, moved, NOW)
    assert own.relinked
    assert own.changed == ("s2",)
    assert told_of(own, []) == "dates and link"
    assert told_of(schedule_changes(ORIGINAL, cohort("2027-03-01", "2027-03-09"), NOW), []) == (
        "dates"
    )
