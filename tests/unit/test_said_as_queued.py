"""Which messages record their application's status when queued, and when it is recorded:
one rule (``EmailJob.as_of``), used when a job is queued and when a new application is saved."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import ApplicationStatus as S
from booking.domain.emails import SAID_AS_QUEUED, EmailJob, EmailKind
from booking.domain.emails_as_queued import queued_as_saved
from tests.support.applications import an_application

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _job(kind: EmailKind) -> EmailJob:
    return EmailJob.about(kind, "app-1", "course-1")


def test_only_the_messages_said_as_queued_record_a_status() -> None:
    for kind in EmailKind:
        stamped = _job(kind).as_of(S.WAITLISTED.value).status_then
        assert stamped == (S.WAITLISTED.value if kind in SAID_AS_QUEUED else None), kind


def test_a_recorded_status_changes_only_when_asked_again() -> None:
    queued = _job(EmailKind.APPLICATION_RECEIVED).as_of(S.AWAITING_PAYMENT.value)
    assert queued.as_of(S.WAITLISTED.value).status_then == S.AWAITING_PAYMENT.value
    assert queued.as_of(S.WAITLISTED.value, again=True).status_then == S.WAITLISTED.value


def test_queueing_records_the_status_and_a_new_application_is_saved_as_placed() -> None:
    # Queued while it would have paid; placed on the waiting list before it was saved.
    paying = an_application(
        S.AWAITING_PAYMENT, at=NOW, app_id="app-1", course_id="course-1"
    ).with_emails(_job(EmailKind.APPLICATION_RECEIVED), _job(EmailKind.FACILITATOR_COPY))
    assert [j.status_then for j in paying.outbox] == [S.AWAITING_PAYMENT.value] * 2
    placed = paying.model_copy(update={"status": S.WAITLISTED}).with_emails(
        _job(EmailKind.WAITLISTED), _job(EmailKind.BOOKING_CONFIRMED)
    )
    saved = queued_as_saved(placed)
    assert [(j.kind, j.status_then) for j in saved.outbox] == [
        (EmailKind.APPLICATION_RECEIVED, S.WAITLISTED.value),
        (EmailKind.FACILITATOR_COPY, S.WAITLISTED.value),
        (EmailKind.WAITLISTED, S.WAITLISTED.value),
        (EmailKind.BOOKING_CONFIRMED, None),
    ]
