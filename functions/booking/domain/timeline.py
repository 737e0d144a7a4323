"""An application's history for organisers: status changes, payments, refunds, emails sent.

Entries are derived from each stored change (the application before and after), by the one
function :func:`changes`, which the repository calls inside every save, so a change and its
history are written together or not at all, whichever use case made the change. The mailer adds
an entry when it has sent a message. Entries hold statuses, amounts, kinds of email, discount
codes and invoice numbers, never a name, an address or an answer: erasing a person leaves their
history readable and anonymous. ``domain.wording.timeline_text`` says each one in words.
"""

from datetime import date, datetime
from enum import StrEnum

from pydantic import ConfigDict

from booking.domain.application import Application, ApplicationStatus
from booking.domain.attendance import Mark
from booking.domain.dispute_told import BankDid
from booking.domain.emails import EmailKind
from booking.domain.given_back import GivenBack
from booking.domain.model import Model
from booking.domain.off_stripe import kept_off_stripe
from booking.domain.payment_received import ReceivedHow
from booking.domain.recipients import Recipient


class EntryKind(StrEnum):
    STATUS = "status"  # applied, or moved from one status to another
    PAYMENT = "payment"  # money received (minor units)
    REFUND = "refund"  # money given back (minor units)
    EMAIL = "email"  # a message sent, to the applicant or the facilitators
    ERASED = "erased"  # the person's data was erased on request
    BURSARY = "bursary"  # a fund now pays this much of the price (minor units)
    DISCOUNT = "discount"  # a discount code was given (its code, and what it takes off)
    INVOICE = "invoice"  # an invoice was sent to the billing contact (number, amount, due)
    ATTENDANCE = "attendance"  # a mark on the register (the session's key, the mark)
    COMPLETION = "completion"  # the register closed: completed or not (attended, required)
    TRANSFER = "transfer"  # the booking moved to another cohort (from, to, what went back)
    # An organiser reissued the certificate with a spelling of the name to print (the spelling
    # itself is personal data: shown on the register and in the person's export, never here)
    REISSUE = "reissue"


class TimelineEntry(Model):
    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: EntryKind
    status: ApplicationStatus | None = None  # STATUS: the status reached
    previous_status: ApplicationStatus | None = None  # STATUS: None when the application began
    # STATUS: why (expired, course_full, refund_requested...); EMAIL: the job's reason
    reason: str | None = None
    amount: int | None = None  # PAYMENT, REFUND: minor units, in the course's currency
    email: EmailKind | None = None  # EMAIL: which message
    recipients: int | None = None  # EMAIL: how many addresses it went to (never which)
    job_id: str | None = None  # EMAIL: the job sent, to tell repeated messages apart
    to: Recipient | None = None  # EMAIL: whom it went to, by role (None: recorded before)
    code: str | None = None  # DISCOUNT: the code given (an organiser's word, not personal)
    invoice: str | None = None  # INVOICE: its number (or the provider's id before it has one)
    due_at: datetime | None = None  # INVOICE: when it falls due
    session: str | None = None  # ATTENDANCE: the core session's key
    mark: Mark | None = None  # ATTENDANCE: the mark given
    completed: bool | None = None  # COMPLETION: whether the booking completed the course
    attended: int | None = None  # COMPLETION: core sessions attended
    required: int | None = None  # COMPLETION: core sessions the course asks for
    from_course: str | None = None  # TRANSFER: the cohort it left (a course id)
    to_course: str | None = None  # TRANSFER: the cohort it joined
    # TRANSFER: what the new cohort asked beyond what was kept, waived as below Stripe's
    # minimum charge (minor units; None: nothing waived)
    waived: int | None = None
    # TRANSFER: the move to ``from_course`` undone, the booking back on ``to_course``
    # (``domain.move_undone``)
    undone: bool | None = None
    resent: bool | None = None  # INVOICE: sent again by an organiser (not a new invoice)
    # INVOICE: the open invoice this one replaced for corrected billing details (its number)
    corrected: str | None = None
    # PAYMENT: received outside Stripe (its invoice marked paid: ``domain.off_stripe``)
    off_stripe: bool | None = None
    # REFUND: given back by hand, outside Stripe (``domain.given_back``): the day and the way
    given_on: date | None = None
    how: ReceivedHow | None = None
    # EMAIL: the organisers' message about a dispute, what it said the bank did when it went
    # (None: another message, or one recorded before this was kept)
    bank_did: BankDid | None = None


def changes(previous: Application | None, new: Application) -> list[TimelineEntry]:
    """What the move from ``previous`` (None: not stored yet) to ``new`` adds to the history."""
    at = new.updated_at
    # Who pays is the cause of the status it brings (a bursary or a code that leaves nothing to
    # pay confirms the place): said before it, once the application has begun.
    entries: list[TimelineEntry] = [] if previous is None else _who_pays(previous, new, at)
    if previous is None or previous.status is not new.status:
        entries.append(
            TimelineEntry(
                at=at,
                kind=EntryKind.STATUS,
                status=new.status,
                previous_status=previous.status if previous else None,
                reason=new.status_reason,
            )
        )
    entries.extend(_money(previous, new, at))
    if previous is None:
        entries.extend(_who_pays(previous, new, at))
    entries.extend(_register(previous, new, at))
    if previous is not None and previous.course_id != new.course_id and new.transfers:
        moved = new.transfers[-1]
        entries.append(
            TimelineEntry(
                at=at,
                kind=EntryKind.TRANSFER,
                from_course=previous.course_id,
                to_course=new.course_id,
                amount=moved.refund_due or None,
                waived=moved.difference_waived or None,
                # Back where it was: the move undone by a refund made before it was paid.
                undone=moved.undone_at is not None or None,
            )
        )
    if new.is_erased and not (previous is not None and previous.is_erased):
        entries.append(TimelineEntry(at=at, kind=EntryKind.ERASED))
    return entries


def _money(previous: Application | None, new: Application, at: datetime) -> list[TimelineEntry]:
    """Every payment and refund, the booking's own and those given back (a second payment, one
    not needed after a bursary): the history tells of all the money Stripe moved, and of money
    received outside Stripe (an invoice marked paid), said as such."""
    entries = []
    paid_before = previous.money_received if previous else 0
    if new.money_received > paid_before:
        off = kept_off_stripe(new) > (kept_off_stripe(previous) if previous else 0)
        entries.append(
            TimelineEntry(
                at=at,
                kind=EntryKind.PAYMENT,
                amount=new.money_received - paid_before,
                off_stripe=off or None,
            )
        )
    return [*entries, *_refunds(previous, new, at)]


def _refunds(previous: Application | None, new: Application, at: datetime) -> list[TimelineEntry]:
    """Refunds through Stripe, then each record of money paid outside Stripe given back by hand
    (``domain.given_back``), said as such with its day and way."""
    recorded = previous.given_back if previous else ()
    by_hand = [r for r in new.given_back if r not in recorded]
    refunded_before = (previous.money_returned if previous else 0) + sum(r.amount for r in by_hand)
    entries = [
        TimelineEntry(at=at, kind=EntryKind.REFUND, amount=new.money_returned - refunded_before)
    ]
    return [e for e in entries if (e.amount or 0) > 0] + [_given_back(r, at) for r in by_hand]


def _given_back(record: GivenBack, at: datetime) -> TimelineEntry:
    """Money paid outside Stripe recorded as given back by hand: a refund, said as such."""
    return TimelineEntry(
        at=at,
        kind=EntryKind.REFUND,
        amount=record.amount,
        given_on=record.given_on,
        how=record.method,
    )


def _who_pays(previous: Application | None, new: Application, at: datetime) -> list[TimelineEntry]:
    """A bursary granted, a discount code given, an invoice sent: each when it first appears."""
    entries = []
    if new.bursary > (previous.bursary if previous else 0):
        entries.append(TimelineEntry(at=at, kind=EntryKind.BURSARY, amount=new.bursary))
    code = new.discount.code if new.discount else None
    if code and code != (previous.discount.code if previous and previous.discount else None):
        off = None
        if new.price is not None and new.discount is not None:
            off = new.discount.takes_off(max(new.price.amount - new.bursary, 0))
        entries.append(TimelineEntry(at=at, kind=EntryKind.DISCOUNT, code=code, amount=off))
    return [*entries, *_invoice_entries(previous, new, at)]


def _invoice_entries(
    previous: Application | None, new: Application, at: datetime
) -> list[TimelineEntry]:
    """An invoice sent (a new one, or one correcting the open one's billing details), or sent
    again by an organiser."""
    entries = []
    invoice, was = new.invoice, previous.invoice if previous else None
    before = was.invoice_id if was else None
    if invoice is not None and invoice.invoice_id != before:
        # An open invoice replaced for other billing details: a correction.
        fixed = _corrects(previous, new)
        entries.append(
            TimelineEntry(
                at=at,
                kind=EntryKind.INVOICE,
                invoice=invoice.number or invoice.invoice_id,
                amount=invoice.amount_due,
                due_at=invoice.due_at,
                corrected=(was.number or was.invoice_id) if fixed and was is not None else None,
            )
        )
    elif invoice is not None and was is not None and invoice.resent > was.resent:
        # Sent again by an organiser (``services.invoicing.resend_invoice`` records it).
        number = invoice.number or invoice.invoice_id
        entries.append(TimelineEntry(at=at, kind=EntryKind.INVOICE, invoice=number, resent=True))
    return entries


def _corrects(previous: Application | None, new: Application) -> bool:
    """Whether ``new``'s invoice replaced ``previous``'s open one for other billing details."""
    return previous is not None and previous.has_open_invoice() and previous.billing != new.billing


def _register(previous: Application | None, new: Application, at: datetime) -> list[TimelineEntry]:
    """Each mark given or changed on the register, and the completion its closing decided."""
    before = previous.attendance if previous else {}
    entries = [
        TimelineEntry(at=at, kind=EntryKind.ATTENDANCE, session=key, mark=mark)
        for key, mark in new.attendance.items()
        if before.get(key) is not mark
    ]
    done = new.completion
    if done is not None and (previous is None or previous.completion is None):
        entries.append(
            TimelineEntry(
                at=at,
                kind=EntryKind.COMPLETION,
                completed=done.completed,
                attended=done.attended,
                required=done.required,
            )
        )
    was = previous.completion.reissued_at if previous and previous.completion else None
    if done is not None and done.reissued_at not in (None, was):
        entries.append(TimelineEntry(at=at, kind=EntryKind.REISSUE))
    return entries


def email_sent(
    at: datetime,
    kind: EmailKind,
    recipients: int,
    job_id: str,
    to: Recipient | None = None,
    reason: str | None = None,
    bank_did: BankDid | None = None,
) -> TimelineEntry:
    return TimelineEntry(
        at=at,
        kind=EntryKind.EMAIL,
        email=kind,
        recipients=recipients,
        job_id=job_id,
        to=to,
        reason=reason,
        bank_did=bank_did,
    )
