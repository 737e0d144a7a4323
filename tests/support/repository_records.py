"""The course, applications and email jobs the repository contract tests save: one course ``c1``
of two weekly sessions, people applying to it, all as of one fixed moment (``NOW``)."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailJob, EmailKind
from tests.support.applications import an_application, answers_of

NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
FIRST_DAY = "2027-06-07"


def definition(capacity: int = 2, **overrides: object) -> CourseDefinition:
    data: dict[str, object] = {
        "title": "Course",
        "price": {"amount": 20000},
        "capacity": capacity,
        "sessions": [
            {"date": FIRST_DAY, "start_time": "15:00", "end_time": "17:00"},
            {"date": "2027-06-14", "start_time": "15:00", "end_time": "17:00"},
        ],
        **overrides,
    }
    return CourseDefinition.model_validate(data)


def application(
    app_id: str, email: str = "ada@example.org", course_id: str = "c1", **changes: object
) -> Application:
    return an_application(
        S.AWAITING_PAYMENT, at=NOW, app_id=app_id, course_id=course_id, answers=answers_of(email)
    ).model_copy(update=changes)


def job(app_id: str, kind: EmailKind = EmailKind.APPLICATION_RECEIVED) -> EmailJob:
    return EmailJob.about(kind, app_id, "c1")
