"""Applications closing, on the fakes: an application still in review is told
once that its review ended; a later-dated save tells it once that it awaits review again, and
the new closing tells it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.application import Application
from booking.domain.course import CHECKOUT_HOLD, Course, CourseDefinition
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.offer_ends import REVIEW_ENDED, closing_news_stale
from booking.services import applications, courses
from booking.services.application_view import ApplicationView
from booking.services.ports import Ports
from booking.services.sweep import sweep
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.use_case_steps import answers, course_definition

FIRST_START = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)  # 15:00 BST


def _moved(definition: CourseDefinition, days: int) -> CourseDefinition:
    sessions = [
        s.model_copy(update={"date": s.date + timedelta(days=days)}) for s in definition.sessions
    ]
    return definition.model_copy(update={"sessions": sessions})


def _told(ports: Ports, kind: EmailKind) -> list[str]:
    return [job.job_id for job in repo(ports).written_emails if job.kind is kind]


def _in_review(clock: Clock, definition: CourseDefinition) -> tuple[Ports, ApplicationView]:
    """Fakes on ``clock`` holding course ``cx`` as ``definition`` (approval required), and an
    application awaiting review on it."""
    ports = fake_ports(clock)
    courses.put_course(ports, "cx", definition)
    return ports, applications.submit_application(ports, "cx", answers())


def test_review_ended_told_once_reopened_once_and_told_again_at_the_new_closing() -> None:
    clock = Clock()
    definition = course_definition(approval=True)
    ports, pending = _in_review(clock, definition)
    closes = FIRST_START - CHECKOUT_HOLD

    for moment in (closes, closes, closes + timedelta(minutes=15)):
        clock.now = moment
        sweep(ports, moment)
    assert len(_told(ports, EmailKind.REVIEW_ENDED)) == 1
    stored = ports.repository.get_application(pending.application_id)
    assert stored is not None
    assert stored.status_reason == REVIEW_ENDED

    clock.now = closes + timedelta(minutes=20)
    # Moved a week later: open again, told once (a second save tells nobody).
    week_later = _moved(definition, 7)
    courses.put_course(ports, "cx", week_later)
    courses.put_course(ports, "cx", week_later)
    assert len(_told(ports, EmailKind.WAIT_REOPENED)) == 1
    new_closing = closes + timedelta(days=7)
    clock.now = new_closing
    sweep(ports, new_closing)
    assert len(_told(ports, EmailKind.REVIEW_ENDED)) == 2


def test_news_of_a_closing_goes_only_while_it_holds() -> None:
    """The pure rule (``offer_ends.closing_news_stale``): a "closed" while marked
    told of it and not straight after another; a reopen while the course waits to its closing
    and after a "closed" went; neither once a later save undid what it says."""
    clock = Clock()
    definition = course_definition(approval=True)
    ports, pending = _in_review(clock, definition)
    closes = FIRST_START - CHECKOUT_HOLD
    clock.now = closes
    sweep(ports, closes)

    def now_read() -> tuple[Application, Course]:
        application = ports.repository.get_application(pending.application_id)
        course = ports.repository.get_course("cx")
        assert application is not None
        assert course is not None
        return application, course

    def job(kind: EmailKind) -> EmailJob:
        return [j for j in repo(ports).written_emails if j.kind is kind][-1]

    closed = job(EmailKind.REVIEW_ENDED)
    application, course = now_read()
    assert not closing_news_stale(closed, application, course, closes, None)
    assert closing_news_stale(closed, application, course, closes, EmailKind.REVIEW_ENDED)
    assert not closing_news_stale(closed, application, course, closes, EmailKind.WAIT_REOPENED)

    clock.now = closes + timedelta(minutes=5)
    courses.put_course(ports, "cx", _moved(definition, 7))
    reopen = job(EmailKind.WAIT_REOPENED)
    application, course = now_read()
    assert closing_news_stale(closed, application, course, clock.now, None)  # reopened since
    assert not closing_news_stale(reopen, application, course, clock.now, EmailKind.REVIEW_ENDED)
    assert closing_news_stale(reopen, application, course, clock.now, None)  # "closed" never went

    courses.put_course(ports, "cx", definition)  # back: the first closing holds, passed
    application, course = now_read()
    assert closing_news_stale(reopen, application, course, clock.now, EmailKind.REVIEW_ENDED)
    courses.put_course(ports, "cx", _moved(definition, 3))  # another closing than it names
    application, course = now_read()
    assert closing_news_stale(reopen, application, course, clock.now, EmailKind.REVIEW_ENDED)
