"""Applications closing, on the fakes (hostile20 F4, F7): an application still in review is told
once that its review ended; a later-dated save tells it once that it awaits review again, and
the new closing tells it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.course import CHECKOUT_HOLD, CourseDefinition
from booking.domain.emails import EmailKind
from booking.domain.offer_ends import REVIEW_ENDED
from booking.services import applications, courses
from booking.services.ports import Ports
from booking.services.sweep import sweep
from tests.fakes import Clock, fake_ports
from tests.unit.test_use_cases import answers, course_definition, repo

FIRST_START = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)  # 15:00 BST


def _moved(definition: CourseDefinition, days: int) -> CourseDefinition:
    sessions = [
        s.model_copy(update={"date": s.date + timedelta(days=days)}) for s in definition.sessions
    ]
    return definition.model_copy(update={"sessions": sessions})


def _told(ports: Ports, kind: EmailKind) -> list[str]:
    return [job.job_id for job in repo(ports).written_emails if job.kind is kind]


def test_review_ended_told_once_reopened_once_and_told_again_at_the_new_closing() -> None:
    clock = Clock()
    ports = fake_ports(clock)
    definition = course_definition(approval=True)
    courses.put_course(ports, "cx", definition)
    pending = applications.submit_application(ports, "cx", answers())
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
