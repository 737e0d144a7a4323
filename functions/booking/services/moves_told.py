"""A move's messages as they go: told from the cohort their reader was last told of to the one
the booking holds now. Moved away and back before the mailer ran (A to B, then
B to A), the person holds A as before: nothing about the moves is news to them, nor to either
cohort's facilitators (``domain.facilitators_told.copy_tells``)."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.emails_as_queued import MOVE_COPIES
from booking.domain.facilitators_told import copy_tells
from booking.domain.transfer_record import TransferRecord
from booking.services.calendars import last_invited
from booking.services.emails_gone import went_for
from booking.services.ports import Ports


def move_told(ports: Ports, job: EmailJob, application: Application) -> bool:
    """Whether a move's message (the person's, or a facilitators' copy) still tells its reader
    anything; True for any other message."""
    if job.kind is EmailKind.BOOKING_TRANSFERRED:
        return _person_told(ports, job, application)
    if job.kind is EmailKind.FACILITATOR_COPY and job.reason in MOVE_COPIES:
        return copy_tells(job, application, went_for(ports, application)[0])
    return True


def _person_told(ports: Ports, job: EmailJob, application: Application) -> bool:
    """The person's email of a move: nothing when the cohort whose sessions they were last
    sent is the one held now, and the moves since moved no money (a refund, a difference
    paid: said by this email, the only one that would)."""
    if job.move is None or last_invited(ports, application) != application.course_id:
        return True
    return any(move.refund_due or move.difference_charged for move in _untold(ports, application))


def as_told(ports: Ports, job: EmailJob, application: Application) -> EmailJob:
    """A person's move email as it goes (decided before its claim, so it is not counted as
    gone): back on the cohort whose sessions they were last sent (moved away and back before
    it went; it goes only when money moved, ``move_told``), it is said from that cohort to
    itself: their place there stands, and what the moves did to the money, naming no cohort
    they were never told of and taking nothing out of their calendar (a booking moved A to B and
    back to A)."""
    if (
        job.kind is not EmailKind.BOOKING_TRANSFERRED
        or job.move is None
        or job.from_course_id == application.course_id
        or last_invited(ports, application) != application.course_id
    ):
        return job
    return job.model_copy(update={"from_course_id": application.course_id})


def untold_money(ports: Ports, job: EmailJob, application: Application) -> tuple[int, int]:
    """(refunded, charged): the money the moves moved since the last move the person was
    told of, ``job``'s own move not counted as told (its claim is taken while it is composed)."""
    since = _untold(ports, application, but=job.move)
    return sum(m.refund_due for m in since), sum(m.difference_charged for m in since)


def _untold(
    ports: Ports, application: Application, but: int | None = None
) -> tuple[TransferRecord, ...]:
    went, _ = went_for(ports, application)
    told = [
        m
        for m in range(1, len(application.transfers) + 1)
        if m != but and went(EmailJob.transferred(application.application_id, "", "", m, 0).job_id)
    ]
    return application.transfers[max(told, default=0) :]
