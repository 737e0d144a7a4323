"""A booking whose register closed without it completing: not a graduate, so the follow-ups its
confirmation put in the person's calendar are taken out, in one message sent as the register
closes; a completer's, and a calendar holding none, are left as they are.
Use cases on the in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.attendance import Mark
from booking.domain.course import CourseDefinition, SessionKind
from booking.domain.emails import EmailJob, EmailKind
from booking.services.courses import put_course
from booking.services.mailer import SendOutcome
from booking.services.register import ClosedRegister, close, mark
from tests.unit.test_follow_up_changes import AUTUMN, Season, cohort

CLOSING = datetime(2027, 3, 2, tzinfo=UTC)


def _kept_register(season: Season, first_day: str = "2027-03-01") -> None:
    """Spring keeps a register (one session to complete); Bea booked it beside Ada."""
    file = cohort(first_day, ("2027-09-23", "Reunion"))
    file.completion_min_sessions = 1
    put_course(season.ports, "spring", file)
    season.bea_beside_ada()
    season.decided()


def _confirmed(season: Season) -> None:
    """Both confirmations sent: the Reunion in Ada's and Bea's calendars."""
    for app_id in ("app1", "app2"):
        application = season.repository.get_application(app_id)
        assert application is not None
        season.repository.save(
            application.with_emails(EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, "spring")),
            application,
        )
    assert season.send(season.decided()) == [SendOutcome.SENT, SendOutcome.SENT]


def _closed(season: Season) -> ClosedRegister:
    """Spring's register closed the next day: Bea attended, Ada did not."""
    season.at(CLOSING)
    spring = season.repository.get_course("spring")
    assert spring is not None
    [first] = [s for s in spring.schedule if s.kind is SessionKind.CORE]
    mark(season.ports, "spring", "app2", first.key, Mark.ATTENDED)
    return close(season.ports, "spring")


def test_closing_the_register_takes_the_follow_ups_out_of_a_non_completers_calendar() -> None:
    season = Season()
    _kept_register(season)
    _confirmed(season)
    closed = _closed(season)
    assert (closed.not_completed, closed.completed) == (["app1"], ["app2"])
    jobs = season.decided()
    kinds = {job.application_id: job.kind for job in jobs}
    assert kinds == {"app1": EmailKind.FOLLOW_UPS_WITHDRAWN, "app2": EmailKind.CERTIFICATE}
    withdrawn = [job for job in jobs if job.application_id == "app1"]
    assert season.send(withdrawn) == [SendOutcome.SENT]
    message = season.last_sent()
    assert message.to == ["ada@example.org"]
    assert "not one of its graduates" in message.text
    [ics] = message.attachments
    assert ics.filename == "cancel.ics"
    assert b"METHOD:CANCEL" in ics.content
    assert b"Reunion" in ics.content
    # Taken out, she holds it no more: a later move of the Reunion tells Bea alone.
    season.at(AUTUMN - timedelta(days=30))
    put_course(season.ports, "summer", cohort("2027-06-07", ("2027-09-30", "Reunion")))
    assert {job.application_id for job in season.decided()} == {"app2"}


def test_a_non_completer_whose_calendar_holds_no_follow_up_is_sent_nothing() -> None:
    """Ada's confirmation never went (nothing in her calendar): closing sends her nothing."""
    season = Season()
    _kept_register(season)
    season.at(CLOSING)
    close(season.ports, "spring")
    jobs = [job for job in season.decided() if job.application_id == "app1"]
    assert [job.kind for job in jobs] == [EmailKind.FOLLOW_UPS_WITHDRAWN]
    assert season.send(jobs) == [SendOutcome.SKIPPED_NOT_HELD]


def test_a_follow_up_cancelled_before_the_withdrawal_went_is_cancelled_for_the_non_completer() -> (
    None
):
    """The Reunion taken out of every file after the register closed, before Ada's message
    went: whoever holds it hears it is cancelled, Ada too; her withdrawal then has nothing
    left to take out."""
    season = Season()
    _kept_register(season)
    _confirmed(season)
    _closed(season)
    [withdrawn] = [j for j in season.decided() if j.kind is EmailKind.FOLLOW_UPS_WITHDRAWN]
    put_course(season.ports, "spring", _without_reunion())
    put_course(season.ports, "summer", cohort("2027-06-07"))
    cancelled = season.decided()
    assert [(j.application_id, j.removed_follow_ups) for j in cancelled] == [
        ("app1", ("autumn",)),
        ("app2", ("autumn",)),
    ]
    assert season.send(cancelled) == [SendOutcome.SENT, SendOutcome.SENT]
    assert season.send([withdrawn]) == [SendOutcome.SKIPPED_NOT_HELD]


def _without_reunion() -> CourseDefinition:
    file = cohort("2027-03-01")
    file.completion_min_sessions = 1
    return file
