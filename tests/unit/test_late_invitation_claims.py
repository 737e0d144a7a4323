"""A late invitation is the reminder due as it goes, even when a run stops between its two
claims (as the reminder's and as the invitation's): the next run sends that one email, never
the invitation and a reminder beside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import ApplicationStatus
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailKind
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import ReminderMarker
from booking.services.reminders import dispatch_reminders
from tests.fakes import Clock, FakeEmailQueue, FakeEmailSender, FakeRepository, fake_ports
from tests.support.applications import an_application, answers_of

COURSE = "late-graduates"
# The follow-up, at 10:00 GMT the day after the cohort's one session (08:00 to 09:00).
FOLLOW_UP = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)


class StopsAtTheSecondClaim(FakeRepository):
    """A ledger whose first run stops (the function timed out) as it makes its second claim,
    one person's invitation and reminder being its two."""

    claims = 0

    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        self.claims += 1
        if self.claims == 2:
            raise TimeoutError("the run stopped between its claims")
        return super().claim_reminder(marker, now)


def _definition() -> CourseDefinition:
    return CourseDefinition.model_validate(
        {
            "programme": "late-graduates",
            "title": "Compassionate Leadership Training",
            "price": {"amount": 20000},
            "capacity": 10,
            "enquiries_email": "late@example.org",
            "joining_url": "https://example.org/join/late",
            "reminder_offsets_hours": [24, 1],
            "sessions": [
                {"date": "2027-01-11", "start_time": "08:00", "end_time": "09:00"},
                {
                    "date": "2027-01-12",
                    "start_time": "10:00",
                    "end_time": "11:00",
                    "kind": "follow_up",
                },
            ],
        }
    )


def test_a_run_stopped_between_the_claims_leaves_one_email_for_the_next() -> None:
    clock = Clock(FOLLOW_UP - timedelta(hours=23))
    repository = StopsAtTheSecondClaim()
    ports = fake_ports(clock, repository)
    repository.put_course(COURSE, _definition())
    booked = datetime(2026, 12, 1, tzinfo=UTC)
    repository.save(
        an_application(
            ApplicationStatus.CONFIRMED,
            at=booked,
            course_id=COURSE,
            answers=answers_of("ada@example.org"),
            amount_paid=20000,
        ),
        None,
    )
    sender, queue = ports.sender, ports.email_queue
    assert isinstance(sender, FakeEmailSender)
    assert isinstance(queue, FakeEmailQueue)

    def run(moment: datetime) -> list[tuple[EmailKind, int | None]]:
        clock.now = moment
        dispatch_reminders(ports, moment)
        jobs, queue.jobs[:] = list(queue.jobs), []
        return [
            (j.kind, j.offset_hours) for j in jobs if send_email_job(ports, j) is SendOutcome.SENT
        ]

    with pytest.raises(TimeoutError):
        run(FOLLOW_UP - timedelta(hours=23))
    # The next run: the invitation, as the 24-hour reminder, and nothing beside it.
    assert run(FOLLOW_UP - timedelta(hours=22, minutes=45)) == [
        (EmailKind.FOLLOW_UP_INVITATION, 24)
    ]
    assert "also your reminder" in sender.sent[-1].text
    assert run(FOLLOW_UP - timedelta(hours=2)) == []
    assert run(FOLLOW_UP - timedelta(minutes=55)) == [(EmailKind.SESSION_REMINDER, 1)]
