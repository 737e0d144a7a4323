"""A cohort's "Changed dates" counted from what each attendee's calendar was last sent, not from
the file saved before (coretold), and the one move of a core session nobody could follow: one
still to come moved to a time already past."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args, get_origin

from booking.domain.application import ApplicationStatus
from booking.domain.course import Course, CourseDefinition
from booking.domain.dates_changed import changed_dates
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.held_sessions import dates_as_held, moved_on, update_as_held
from booking.domain.invitations import Told
from booking.domain.schedule_changes import ScheduleChanges, schedule_changes
from booking.services.courses import put_course
from booking.services.mailer import SendOutcome, send_email_job
from tests.fakes import Clock, FakeRepository, fake_ports
from tests.support.applications import an_application
from tests.support.courses import programme_course

NOW = datetime(2027, 1, 5, tzinfo=UTC)


def cohort(*days: str, **titles: str) -> CourseDefinition:
    """Core sessions ``s1``, ``s2``, ... on ``days`` at 15:00-17:00 UK time; ``titles`` by key."""
    sessions: list[dict[str, Any]] = [
        {"date": day, "start_time": "15:00", "end_time": "17:00"} for day in days
    ]
    for key, title in titles.items():
        sessions[int(key[1:]) - 1]["title"] = title
    return programme_course(sessions)


def spans(file: CourseDefinition) -> dict[str, Told]:
    """What a calendar sent ``file``'s sessions holds: key -> (start, end)."""
    # As the mailer records them: with the calendar entry's title, which is not compared.
    return {s.key: Told(s.start, s.end, f"calendar: {s.title}") for s in file.schedule()}


def told(before: CourseDefinition, after: CourseDefinition, held: dict[str, Told]) -> Any:
    own = schedule_changes(before, after, NOW)
    dates = changed_dates(Course(course_id="spring", definition=after), own, [])
    assert dates is not None
    return dates_as_held(dates, before.schedule(), after.schedule(), held, NOW)


ORIGINAL = cohort("2027-03-01", "2027-03-08")
SLIP = cohort("2026-03-01", "2027-03-08")  # session 1 typed a year early: nobody was told


def test_sessions_moved_back_to_where_the_calendar_holds_them_are_no_news() -> None:
    assert told(SLIP, ORIGINAL, spans(ORIGINAL)) is None


def test_a_slip_that_renumbered_a_session_to_come_put_back_is_no_news() -> None:
    # Session 2 typed a year early comes first, so session 1 was numbered "Session 2 of 2";
    # put back, it is "Session 1 of 2" again. A title nobody wrote, renumbered, is no renaming,
    # and session 2's slip was never sent (its time disagrees with the
    # calendar): nothing to tell.
    slip = cohort("2027-03-01", "2026-03-08")
    assert [(s.key, s.title) for s in slip.schedule()][1] == ("s1", "Session 2 of 2")
    assert told(slip, ORIGINAL, spans(ORIGINAL)) is None


def test_a_written_title_over_a_numbered_one_is_a_renaming() -> None:
    slip = cohort("2027-03-01", "2026-03-08")
    titled = cohort("2027-03-01", "2027-03-08", s1="Opening")
    assert told(slip, titled, spans(ORIGINAL)) == ScheduleChanges(
        changed=("s1",), renamed_only=True
    )


def test_a_second_move_is_counted_from_the_calendar_not_from_the_slip() -> None:
    later = cohort("2027-03-02", "2027-03-15")
    seen = told(SLIP, later, spans(ORIGINAL))
    assert seen == ScheduleChanges(changed=("s1", "s2"))
    # Back where it was held, session 1 is no change; session 2 moved from what they hold.
    seen = told(SLIP, cohort("2027-03-01", "2027-03-15"), spans(ORIGINAL))
    assert seen == ScheduleChanges(changed=("s2",))


def test_a_session_the_save_left_alone_but_held_at_another_time_is_a_change() -> None:
    # The slip moved session 1 (nobody told); this save moves session 2 and keeps session 1
    # where it was typed: their calendar holds session 1 on 1 March, so it is changed too.
    held = {**spans(ORIGINAL), "s1": spans(cohort("2027-02-22", "2027-03-08"))["s1"]}
    seen = told(ORIGINAL, cohort("2027-03-01", "2027-03-15"), held)
    assert seen == ScheduleChanges(changed=("s1", "s2"))


def test_without_a_record_the_files_change_stands() -> None:
    later = cohort("2027-03-01", "2027-03-15")
    assert told(ORIGINAL, later, {}) == ScheduleChanges(changed=("s2",))


def test_a_new_name_on_a_session_held_at_its_time_is_a_renaming() -> None:
    renamed = cohort("2027-03-01", "2027-03-08", s2="Practice")
    slipped_renamed = cohort("2026-03-01", "2027-03-08")
    seen = told(slipped_renamed, renamed, spans(ORIGINAL))
    assert seen == ScheduleChanges(changed=("s2",), renamed_only=True)


class Spring:
    """Ada booked spring (two sessions in March 2027) and was sent her confirmation."""

    def __init__(self) -> None:
        self.repository = FakeRepository()
        self.ports = fake_ports(Clock(NOW), self.repository)
        put_course(self.ports, "spring", ORIGINAL)
        self.repository.save(
            an_application(
                ApplicationStatus.CONFIRMED, at=NOW, course_id="spring", amount_paid=100
            ),
            None,
        )
        confirmation = EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", "spring")
        assert send_email_job(self.ports, confirmation) is SendOutcome.SENT

    def changed_dates(self) -> list[Any]:
        return [
            job for job in self.repository.written_emails if job.kind is EmailKind.SESSIONS_CHANGED
        ]


def test_a_slip_put_back_tells_nobody() -> None:
    spring = Spring()
    spring.repository.put_course("spring", SLIP)  # a slip nobody was told of
    put_course(spring.ports, "spring", ORIGINAL)
    # Queued (the file changed what she may hold), and worded against her
    # calendar as it goes: nothing to tell.
    [put_back] = spring.changed_dates()
    assert send_email_job(spring.ports, put_back) is SendOutcome.SKIPPED_TOLD
    put_course(spring.ports, "spring", cohort("2027-03-01", "2027-03-15"))
    [notice] = spring.changed_dates()[1:]
    assert notice.changed_sessions == ("s2",)


def _as_sent(queued: ScheduleChanges, file: CourseDefinition, held: dict[str, Told]) -> Any:
    holds = dict.fromkeys(held, True)
    return update_as_held(queued, file.schedule(), held, holds, NOW)


def _sent(file: CourseDefinition) -> dict[str, Told]:
    return {s.key: Told(s.start, s.end, s.title) for s in file.schedule()}


def test_a_queued_update_whose_change_was_put_back_tells_nothing_as_it_goes() -> None:
    """Worded at send time against the calendar as held."""
    queued = ScheduleChanges(changed=("s1",))
    assert _as_sent(queued, ORIGINAL, _sent(ORIGINAL)) is None
    moved = cohort("2027-03-02", "2027-03-08")
    assert _as_sent(queued, moved, _sent(ORIGINAL)) == ScheduleChanges(changed=("s1",))


def test_a_queued_update_marks_what_differs_from_the_calendar_not_what_the_save_did() -> None:
    now = cohort("2027-03-01", "2027-03-09")  # the save moved s1; a later one put it back, moved s2
    assert _as_sent(ScheduleChanges(changed=("s1",)), now, _sent(ORIGINAL)) == ScheduleChanges(
        changed=("s2",)
    )


def test_a_queued_removal_takes_out_only_what_the_calendar_holds() -> None:
    three = cohort("2027-03-01", "2027-03-08", "2027-03-15")
    queued = ScheduleChanges(removed=("s3",))
    assert _as_sent(queued, ORIGINAL, _sent(ORIGINAL)) is None  # s3 never sent
    told = _as_sent(queued, ORIGINAL, _sent(three))
    # Held as "Session 1 of 3" and "2 of 3", now "of 2": a numbering nobody wrote is no news;
    # only the removal is.
    assert told == ScheduleChanges(removed=("s3",))
    assert _as_sent(queued, three, _sent(three)) is None  # listed again since


def test_a_queued_rename_put_back_is_no_news_and_one_kept_is_said_as_a_renaming() -> None:
    queued = ScheduleChanges(changed=("s1",), renamed_only=True)
    assert _as_sent(queued, ORIGINAL, _sent(ORIGINAL)) is None
    renamed = cohort("2027-03-01", "2027-03-08", s1="Opening")
    assert _as_sent(queued, renamed, _sent(ORIGINAL)) == ScheduleChanges(
        changed=("s1",), renamed_only=True
    )


def test_a_session_taken_out_of_the_calendar_and_listed_again_is_news() -> None:
    holds = {"s1": True, "s2": False}
    held = {"s1": _sent(ORIGINAL)["s1"]}
    told = update_as_held(ScheduleChanges(), ORIGINAL.schedule(), held, holds, NOW)
    assert told == ScheduleChanges(changed=("s2",))


def test_a_queued_update_to_someone_with_nothing_recorded_stands_as_queued() -> None:
    queued = ScheduleChanges(changed=("s1",))
    assert update_as_held(queued, ORIGINAL.schedule(), {}, {}, NOW) is queued


def test_one_name_means_one_thing() -> None:
    """A session as a calendar holds it is ``Told`` (start, end, title and the joining link
    it carried), its times alone ``StartEnd``: no ``Span`` that is one in
    ``domain.programme`` and the other here."""
    from booking.adapters.dynamodb import ledgers
    from booking.domain import held_sessions, programme

    for module in (programme, held_sessions, ledgers):
        assert not hasattr(module, "Span"), module.__name__
    assert get_origin(held_sessions.StartEnd) is tuple
    assert get_args(held_sessions.StartEnd) == (datetime, datetime)
    assert Told._fields == ("start", "end", "title", "link")


def test_a_send_that_put_in_the_file_as_it_is_needs_no_check() -> None:
    assert moved_on(_sent(ORIGINAL), ORIGINAL.schedule(), NOW) is None
    # A numbering nobody wrote, changed since, is no news either.
    three = cohort("2027-03-01", "2027-03-08", "2027-03-15")
    assert moved_on(_sent(three), three.schedule(), NOW) is None


def test_a_send_overtaken_by_a_save_is_checked_for_what_the_file_says_now() -> None:
    """The message put s1 in on 2 March; the file now says 1 March, and lists
    no s3 (which it put in)."""
    sent = _sent(cohort("2027-03-02", "2027-03-08", "2027-03-15"))
    assert moved_on(sent, ORIGINAL.schedule(), NOW) == ScheduleChanges(
        changed=("s1",), removed=("s3",)
    )
    renamed = cohort("2027-03-01", "2027-03-08", s2="Practice")
    assert moved_on(_sent(ORIGINAL), renamed.schedule(), NOW) == ScheduleChanges(
        changed=("s2",), renamed_only=True
    )
