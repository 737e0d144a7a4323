"""Emails that describe the moment they were queued.

An email is composed when the mailer runs, from the application as it stands then; a quick
change between the event and the send (a seat freed a second after someone joined the waiting
list) must not change what the acknowledgement or the waiting-list notice says about that
moment. As the facilitators' copy already does, the job records the application's status
when it was queued (``EmailJob.status_then``), and the message is composed as of that status.
The messages that say the booking's money (a confirmation, a cancellation, a refund, a move) are
composed as of the record they were saved with (``EmailJob.booking_then``, stamped by the
repository's save: ``stamped``), so a payment, a refund or a move made between the event and the
send is said by its own message, never folded into this one's. Pure rules, no I/O.
"""

from __future__ import annotations

from enum import StrEnum

from booking.domain.application import Application, ApplicationStatus, PaymentRecord
from booking.domain.email_records import BookingThen
from booking.domain.emails import (
    MOVED_IN,
    MOVED_OUT,
    SAID_AS_QUEUED,
    EmailJob,
    EmailKind,
)

# The messages about where a new application stood when it was made or joined the list,
# composed from the application as it stood then (the facilitators' copy reads its
# ``status_then`` itself: services.email_context).
COMPOSED_AS_QUEUED = SAID_AS_QUEUED - {EmailKind.FACILITATOR_COPY}
# Statuses a message can be composed as after the application moved on: a place in line says
# nothing about money, so nothing later (a seat held, a payment) contradicts it. An
# acknowledgement queued while paying and composed after the payment says it is paid: that is
# true, and composing it as unpaid would ask for money already taken.
COMPOSED_AS_THEN = frozenset({ApplicationStatus.WAITLISTED, ApplicationStatus.PENDING_REVIEW})


# The messages whose words name the booking's money or how it ended: composed as of the record
# they were saved with. The facilitators' copy is one: "funded by a bursary" or "nothing to
# pay" is said of the price and bursary of its event, never of a dearer move made before it
# went. (A reminder, an invitation or a change of sessions names no money; the
# acknowledgement says its status as queued, above.)
MONEY_AS_QUEUED = frozenset(
    {
        EmailKind.BOOKING_CONFIRMED,
        EmailKind.CANCELLED,
        EmailKind.PAYMENT_REFUNDED,
        EmailKind.BOOKING_TRANSFERRED,
        EmailKind.FACILITATOR_COPY,
    }
)


class CohortLeft(StrEnum):
    """What becomes of a message queued for a cohort the booking has left since (moved before
    the mailer reached it: a retry, a busy queue)."""

    NOT_SENT = "not_sent"
    # Composed for the cohort the booking holds now: its name, its sessions, its calendar.
    FOR_COHORT_HELD = "for_cohort_held"


# The one table of the messages that carry their cohort's sessions (in words or in an
# invite.ics) and what each becomes once the booking left that cohort. The move's own email
# took the old sessions out of the calendar (its cancel.ics) and put the new ones in; a later
# message carrying the old cohort's invite, with a higher SEQUENCE, would put them back.
# * A reminder or an update of the sessions is about sessions the person no longer holds:
#   not sent (the cohort held has reminders and updates of its own).
# * A confirmation is still the person's word that their place (and payment) is confirmed,
#   which the move's email does not repeat: sent, composed for the cohort held, so it lists
#   and invites the sessions the booking is down for now (the same UIDs the move put in).
# * A notice that a move waits on a full cohort's list ("your place and calendar stay") is
#   untrue once that move was made: not sent (the move's email says where the booking is).
# * A move's own email (A to B) reached after a later move (B to C): sent, composed for the
#   cohort held (C). It is the only message that takes A's sessions out of the calendar (the
#   later move's takes out B's, which never went in) and the person's word on the first
#   move's money (a difference paid, a refund), which the later one does not repeat; not
#   sent, it would leave A in the calendar and that money unsaid. Written for B, it would put
#   B back. For C, it invites the sessions the later move's email invites (the same UIDs),
#   and its words name the step it made ("from A to B, and since then to C") with its money
#   said of B, whose price it was.
#   Not sent when the later move brought the booking back to the cohort it left (A to B, then
#   B to A): composed for A it would say "from A to A" and cancel the very
#   sessions it invites, at the same SEQUENCE. A's sessions never left the calendar, and the
#   later move's email says where the booking is. Its money is the later move's undone: the
#   same bursary and code price both moves, so a cheaper B's refund is the difference paid to
#   come back (said by the later email), and a dearer B's difference is refunded by it.
# Messages about a follow-up event are about the programme's event, not the cohort, and are
# checked against the event as it is now (``services.follow_ups``): not here.
WHEN_COHORT_LEFT: dict[EmailKind, CohortLeft] = {
    EmailKind.SESSION_REMINDER: CohortLeft.NOT_SENT,
    EmailKind.SESSIONS_CHANGED: CohortLeft.NOT_SENT,
    EmailKind.MOVE_WAITING: CohortLeft.NOT_SENT,
    EmailKind.BOOKING_CONFIRMED: CohortLeft.FOR_COHORT_HELD,
    EmailKind.BOOKING_TRANSFERRED: CohortLeft.FOR_COHORT_HELD,
}


def when_cohort_left(job: EmailJob, application: Application) -> CohortLeft | None:
    """What becomes of ``job`` if it was queued for a cohort ``application`` has left since
    (``WHEN_COHORT_LEFT``); None if it is for the cohort held, or not about the cohort."""
    if job.person is not None or job.course_id == application.course_id:
        return None  # a follow-up's message to a person names its host, not their cohort
    if job.kind is EmailKind.BOOKING_TRANSFERRED and job.from_course_id == application.course_id:
        return CohortLeft.NOT_SENT  # back on the cohort it left (the table's comment)
    return WHEN_COHORT_LEFT.get(job.kind)


def stamped(job: EmailJob, saved: Application) -> EmailJob:
    """``job`` carrying ``saved``'s record of money, if it is of a kind that says it and has
    none yet: called by the repositories' save on every message the save puts in the outbox,
    so it is the record of the change the message is about, whichever use case made it."""
    if job.kind not in MONEY_AS_QUEUED or job.booking_then is not None:
        return job
    then = BookingThen(
        status=saved.status.value,
        status_reason=saved.status_reason,
        price=saved.price,
        amount_paid=saved.amount_paid,
        amount_refunded=saved.amount_refunded,
        last_refund=saved.last_refund,
        bursary=saved.bursary,
        further={p.payment_intent: p.refunded for p in saved.further_charges},
    )
    return job.model_copy(update={"booking_then": then})


def _money_then(application: Application, then: BookingThen) -> Application:
    """``application`` with its money as ``then`` recorded it: the charges it kept then (a
    difference paid since, or set aside since, as it stood), what had come back of each."""

    def as_then(payment: PaymentRecord) -> PaymentRecord:
        if payment.payment_intent == application.payment_intent:
            return payment
        if payment.payment_intent in then.further:
            refunded = then.further[payment.payment_intent]
            return payment.model_copy(
                update={
                    "kept": True,
                    "refunds": {"then": refunded} if refunded else {},
                    "charge_amount_refunded": 0,
                }
            )
        return payment.model_copy(update={"kept": False}) if payment.kept else payment

    return application.model_copy(
        update={
            "status": ApplicationStatus(then.status),
            "status_reason": then.status_reason,
            "price": then.price,
            "amount_paid": then.amount_paid,
            "amount_refunded": then.amount_refunded,
            "last_refund": then.last_refund,
            "bursary": application.bursary if then.bursary is None else then.bursary,
            "payments": tuple(as_then(p) for p in application.payments),
        }
    )


def queued_as_saved(application: Application) -> Application:
    """A new ``application`` with its queued messages recording the status it is saved in:
    they were queued before its place was decided."""
    status = application.status.value
    outbox = tuple(job.as_of(status, again=True) for job in application.outbox)
    return application.model_copy(update={"outbox": outbox})


def as_queued(job: EmailJob, application: Application) -> Application:
    """The application a message is composed from: as it stood when ``job`` was queued, for
    the messages said as queued whose status then still describes that moment, and the
    booking's money as it was saved with the messages that say it; else as it is."""
    if job.booking_then is not None:
        return _money_then(application, job.booking_then)
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
        and job.move == pending.attempt
    )


# The reasons of the facilitators' copies of a move.
MOVE_COPIES = frozenset({MOVED_IN, MOVED_OUT})


def of_a_move(job: EmailJob) -> bool:
    """Whether ``job`` is one of a move's messages: the person's, or a facilitators' copy."""
    return job.kind is EmailKind.BOOKING_TRANSFERRED or job.reason in MOVE_COPIES


def move_undone(application: Application, job: EmailJob) -> bool:
    """Whether ``job`` is one of a move's messages (the person's, or the facilitators' copies,
    each named by the move's number) and ``application`` records that move undone: a refund
    at Stripe in the move's second ended the booking before it was told (``domain.move_undone``),
    so the move never stood and is told to nobody (a refund racing the move)."""
    if not of_a_move(job) or job.move is None or not 0 < job.move <= len(application.transfers):
        return False
    return application.transfers[job.move - 1].undone_at is not None


def superseded(application: Application, job: EmailJob) -> bool:
    """Whether a message about a bursary, or the invoice it brought, was overtaken before it
    went (two bursaries in a row): an invoice replaced since is not named as the one to pay,
    nor a bursary changed since as granted; the newer one's own messages say them. So is news
    of a partial refund that says the place stands, about a booking that ended since, and an
    offer of a place that is no longer offered."""
    if job.kind is EmailKind.INVOICE_SENT:
        invoice = application.invoice
        return invoice is None or job.occasion != invoice.invoice_id
    if job.kind is EmailKind.BURSARY_GRANTED and job.amount is not None:
        return job.amount != application.bursary
    if job.kind is EmailKind.OFFER:
        # "A place is available for you, pay by ..." (first sent, or sent again by an
        # organiser) is not sent once the offer ended: turned down, paid for, cancelled,
        # lapsed; the ending's own email says how it ended.
        return application.status is not ApplicationStatus.OFFERED
    if job.kind is EmailKind.PAYMENT_REFUNDED and job.reason == "partial_refund":
        # "A partial refund: your place is still confirmed" (a refund in Stripe's dashboard)
        # is not sent once the booking has ended since, an organiser's cancellation racing
        # it: the ending's own email says it ended and what came back in all.
        return application.status in (ApplicationStatus.CANCELLED, ApplicationStatus.REFUNDED)
    return False


__all__ = [
    "COMPOSED_AS_QUEUED",
    "COMPOSED_AS_THEN",
    "MONEY_AS_QUEUED",
    "MOVE_COPIES",
    "WHEN_COHORT_LEFT",
    "CohortLeft",
    "as_queued",
    "move_undone",
    "of_a_move",
    "queued_as_saved",
    "stamped",
    "still_asks",
    "superseded",
    "when_cohort_left",
]
