"""A move's messages as they go: told from the cohort their reader was last told of to the one
the booking holds now (retest13 N5). Moved away and back before the mailer ran (A to B, then
B to A), the person holds A as before: nothing about the moves is news to them, nor to either
cohort's facilitators (``domain.facilitators_told.copy_tells``)."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.emails_as_queued import MOVE_COPIES
from booking.domain.facilitators_told import copy_tells
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
    went, _ = went_for(ports, application)
    told = [
        m
        for m in range(1, len(application.transfers) + 1)
        if went(EmailJob.transferred(application.application_id, "", "", m, 0).job_id)
    ]
    since = application.transfers[max(told, default=0) :]
    return any(move.refund_due or move.difference_charged for move in since)
