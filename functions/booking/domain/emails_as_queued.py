"""Emails that describe the moment they were queued (hostile-wm F2).

An email is composed when the mailer runs, from the application as it stands then; a quick
change between the event and the send (a seat freed a second after someone joined the waiting
list) must not change what the acknowledgement or the waiting-list notice says about that
moment. As the facilitators' copy already does, the job records the application's status
when it was queued (``EmailJob.status_then``), and the message is composed as of that status.
Pure rules, no I/O.
"""

from __future__ import annotations

from booking.domain.application import Application, ApplicationStatus
from booking.domain.emails import SAID_AS_QUEUED, EmailJob, EmailKind

# The messages about where a new application stood when it was made or joined the list,
# composed from the application as it stood then (the facilitators' copy reads its
# ``status_then`` itself: services.email_context).
COMPOSED_AS_QUEUED = SAID_AS_QUEUED - {EmailKind.FACILITATOR_COPY}
# Statuses a message can be composed as after the application moved on: a place in line says
# nothing about money, so nothing later (a seat held, a payment) contradicts it. An
# acknowledgement queued while paying and composed after the payment says it is paid: that is
# true, and composing it as unpaid would ask for money already taken.
COMPOSED_AS_THEN = frozenset({ApplicationStatus.WAITLISTED, ApplicationStatus.PENDING_REVIEW})


def queued_as_saved(application: Application) -> Application:
    """A new ``application`` with its queued messages recording the status it is saved in:
    they were queued before its place was decided."""
    status = application.status.value
    outbox = tuple(job.as_of(status, again=True) for job in application.outbox)
    return application.model_copy(update={"outbox": outbox})


def as_queued(job: EmailJob, application: Application) -> Application:
    """The application a message is composed from: as it stood when ``job`` was queued, for
    the messages said as queued whose status then still describes that moment; else as it is."""
    if job.kind not in COMPOSED_AS_QUEUED or job.status_then is None:
        return application
    then = ApplicationStatus(job.status_then)
    if then is application.status or then not in COMPOSED_AS_THEN:
        return application
    return application.model_copy(update={"status": then})


def still_asks(application: Application, job: EmailJob) -> bool:
    """Whether the dearer move ``job`` (its link to pay the difference) is about still waits:
    the booking's pending move is the one the job was queued for (``domain.dearer_moves``).
    Here, beside the other rules of what a queued message still says, rather than with the
    moves' rules: the mailer asks it of every message, and the moves' module loads the money
    commands and the transfers' rules, which a mailer's cold start need not wait for."""
    pending = application.pending_move
    return (
        job.kind is EmailKind.MOVE_PAYMENT_DUE
        and pending is not None
        and job.job_id.endswith(f":move-{pending.attempt}")
    )


def superseded(application: Application, job: EmailJob) -> bool:
    """Whether a message about a bursary, or the invoice it brought, was overtaken before it
    went (two bursaries in a row): an invoice replaced since is not named as the one to pay,
    nor a bursary changed since as granted; the newer one's own messages say them."""
    if job.kind is EmailKind.INVOICE_SENT:
        invoice = application.invoice
        return invoice is None or not job.job_id.endswith(f":{invoice.invoice_id}")
    if job.kind is EmailKind.BURSARY_GRANTED and job.amount is not None:
        return job.amount != application.bursary
    return False


__all__ = [
    "COMPOSED_AS_QUEUED",
    "COMPOSED_AS_THEN",
    "as_queued",
    "queued_as_saved",
    "still_asks",
    "superseded",
]
