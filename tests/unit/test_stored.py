"""What a save stores (``services.stored``), one rule for the DynamoDB adapters and the fakes:
the next version over the one read, the outbox emptied (its emails are on their way), and a
group's colleagues' enrolments claimed."""

from __future__ import annotations

from booking.domain.application import ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind
from booking.services.stored import stored_application, stored_group
from tests.support.applications import an_application
from tests.support.group_bookings import NOW, group

JOB = EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", "course")


def test_an_application_is_stored_at_its_next_version_with_its_outbox_emptied() -> None:
    new = an_application(ApplicationStatus.CONFIRMED, at=NOW, outbox=(JOB,), version=0)
    first = stored_application(new, None)
    assert (first.version, first.outbox) == (1, ())
    again = stored_application(first.model_copy(update={"outbox": (JOB,)}), first)
    assert (again.version, again.outbox) == (2, ())
    assert new.outbox == (JOB,)  # what was given is left as it was


def test_a_group_is_stored_at_its_next_version_with_its_enrolments_claimed() -> None:
    new = group(outbox=(JOB,))
    assert not new.enrolments_claimed
    first = stored_group(new, None)
    assert (first.version, first.outbox, first.enrolments_claimed) == (1, (), True)
    assert stored_group(first, first.model_copy(update={"version": 6})).version == 7
