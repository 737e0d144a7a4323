"""An organiser records a payment received outside Stripe for an open invoice (a bank transfer or a
cheque from the employer, marked paid only on Stripe's dashboard until
now): one person's booking by invoice, or a group's.

Stripe is asked first to mark the invoice paid out of band (``paid_out_of_band``: nothing is
charged; one idempotency key per press, never per invoice, since Stripe replays a key's first
answer, a failure too, for a day; a second press cannot pay twice, as Stripe refuses to pay an
invoice no longer open),
and only Stripe's word that it is paid counts. The booking is then confirmed by the one path
every paid invoice takes: the ``invoice.paid`` that Stripe also sends, applied here as the
webhook applies it (``payments.apply_invoice_event``: the invoice read back at Stripe, what
was paid taken from there, the same decision, the same emails). Whichever comes first, this
step or Stripe's own event, the other changes nothing (its event ids differ; the decision sees
the booking confirmed by this invoice).

Such a booking holds no payment Stripe can give back (``domain.off_stripe``): a refund of it
is refused in words, and the confirmation page says so before the press.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import InvoiceRef
from booking.domain.commands import nobody_to_tell
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind, InvoicePaying
from booking.domain.money import money_words
from booking.domain.page_seen import Seen, group_facts, seen_refusal
from booking.domain.payer import (
    billing_contact_told,
    group_recipient,
    payment_received_told,
    told_of,
)
from booking.domain.payment_received import PaymentReceived
from booking.domain.settlement import settle
from booking.services.acted import Acted
from booking.services.concurrency import course_of, load_application
from booking.services.console import ApplicationDetail, application_detail
from booking.services.groups import find_group
from booking.services.invoice_requests import (
    being_paid_refused,
    invoice_held,
    paying_of,
    settling_refused,
)
from booking.services.payment_received import (
    group_recorded_after,
    recorded_after,
    refuse_unless_believable,
    refuse_unless_believable_later,
)
from booking.services.ports import PAID_ALREADY, InvoiceAtStripe, Ports

if TYPE_CHECKING:
    from booking.domain.course import Course
    from booking.services.event_outcome import EventOutcome
from booking.services.settle import situation_now

logger = Logger(child=True)
S = ApplicationStatus

# The id of the ``invoice.paid`` this step applies (its own: applied once; Stripe's own event
# has another id and then finds the booking confirmed by this invoice).
PAID_OFF_STRIPE = "paid-off-stripe-"
RECORD_AGAIN = "look at it again before recording its payment"
# What an organiser may do while a bank debit of the invoice is going through.
RECORD_ONCE_FAILED = (
    "Record a payment received another way only if the bank says the debit failed; once it "
    "is confirmed the booking is confirmed"
)
NOT_PAYABLE = "invoice_not_payable"
NO_PLACE_FOR_IT = (
    "this booking no longer holds a place that its invoice's payment would confirm, and none "
    "is free: nothing was changed, and the invoice was not marked as paid"
)


def paid_off_stripe_event(invoice_id: str, owner_id: str) -> InvoiceEvent:
    """The ``invoice.paid`` of ``invoice_id`` this step applies for its owner (an application,
    or a group: its id is what Stripe's own event names in the invoice's metadata). What was
    paid is read at Stripe when it is applied, never taken from here."""
    return InvoiceEvent(
        event_id=f"{PAID_OFF_STRIPE}{invoice_id}",
        kind=InvoiceEventKind.PAID,
        invoice_id=invoice_id,
        application_id=owner_id,
    )


def record_payment(
    ports: Ports,
    application_id: str,
    seen: Seen | None = None,
    received: PaymentReceived | None = None,
) -> Acted:
    """Mark ``application``'s open invoice paid outside Stripe and confirm the booking as its
    ``invoice.paid`` does. ``seen``: what the caller's page showed (``domain.page_seen``;
    changed since: 409 ``application_changed``, nothing done). Paid and confirmed already
    (a second press): nothing changed. Conflict ``no_open_invoice`` without an open invoice;
    ``invoice_being_voided`` while an organiser's act voids it; ``payment_settling`` while a
    bank debit of it goes through, ``invoice_paid`` when Stripe holds it paid already (its
    confirmation on its way); ``invoice_not_payable`` when Stripe refuses (void, a draft).
    ``received``: what the organiser said of the payment (the day, the way, the bank's
    reference), recorded on the invoice once it is paid (``services.payment_received``)."""
    application = load_application(ports, application_id)
    already = _recorded_already(ports, application, received)
    if already is not None:
        return already
    invoice = _refuse_unless_recordable(ports, application, seen)
    paid = Conflict(
        "this invoice was paid at Stripe already; its confirmation is on its way: nothing was "
        "changed",
        code="invoice_paid",
    )
    held = invoice_held(ports, invoice.invoice_id)
    paying = _paying_unless_marked(held)
    if paying.on_its_way:
        raise being_paid_refused(invoice, paying, RECORD_ONCE_FAILED, paid)
    refuse_unless_believable(ports, received, held, application.course_id)
    said = "an invoice recorded as paid outside Stripe"
    marked, outcome = _paid_at_stripe_and_applied(
        ports, invoice, "application_id", application_id, said
    )
    after = load_application(ports, application_id)
    mine = _by_this_press(marked, outcome, after.status is not application.status)
    if after.status is S.CONFIRMED:
        after = recorded_after(
            ports, application_id, invoice.invoice_id, received, acknowledged=mine
        )
    else:
        # Its place taken between the check and the save: Stripe holds it paid, the booking
        # is not confirmed, and the organiser is told so, never that it was recorded.
        amount = money_words(invoice.amount_due, invoice.currency)
        raise Conflict(
            f"Stripe now holds the invoice as paid, but the course had no place left for this "
            f"booking, so it is not confirmed: {_kept_said(after, amount)}",
            code="paid_without_a_place",
        )
    return Acted(after, changed=mine)


def _kept_said(after: Application, amount: str) -> str:
    """What became of the money received for a booking left without a place: kept on it,
    cancelled (``domain.paid_without_a_place``), to give back by hand and record so."""
    if after.status is S.CANCELLED and after.amount_paid:
        return (
            f"it is cancelled, keeping the {amount} received as paid in. Give it back the way "
            "it came, then record it on the booking's page (Record money given back by hand)"
        )
    return f"the {amount} received is to be given back by hand"


def _recorded_already(
    ports: Ports, application: Application, received: PaymentReceived | None
) -> Acted | None:
    """Paid and confirmed already (a second press): nothing changed, but the details of a
    payment outside Stripe that none were recorded for (its first press's save lost) are,
    and its payer's acknowledgement is queued (once, a first press stopped after Stripe
    marked the invoice, whose own ``invoice.paid`` then confirmed the booking, queued none).
    Keyed by the invoice (``payer.payment_received_told``), it is sent once however often
    this runs: a payer told by an earlier press is not told again."""
    invoice = application.invoice
    if invoice is None or invoice.status != "paid" or application.status is not S.CONFIRMED:
        return None
    if application.payment_intent is None:  # paid outside Stripe: its details, once
        refuse_unless_believable_later(ports, received, invoice, application.course_id)
        application = recorded_after(
            ports, application.application_id, invoice.invoice_id, received, acknowledged=True
        )
    return Acted(application, changed=False)


def _refuse_unless_recordable(
    ports: Ports, application: Application, seen: Seen | None
) -> InvoiceRef:
    """``application``'s open invoice, when its payment may be recorded: refused in words
    (nothing asked of Stripe, nothing written) without one, when the page seen is out of
    date, while it is being voided, or when the booking no longer holds a place it would
    confirm."""
    invoice = application.invoice
    if invoice is None or not application.has_open_invoice():
        raise Conflict("this application has no open invoice", code="no_open_invoice")
    currency = invoice.currency
    refusal = seen_refusal(seen, application, currency, RECORD_AGAIN, now=ports.clock())
    if refusal is not None:
        raise Conflict(refusal.message, code=refusal.code)
    if invoice.voiding is not None or invoice.void_asked:
        raise Conflict(
            "this invoice is being cancelled for another change an organiser made: nothing "
            "was changed. Look at the application again in a few minutes",
            code="invoice_being_voided",
        )
    if not _confirmed_by_it(ports, application):
        # Paid now, it would be money the booking cannot keep (its place gone): never asked
        # of Stripe, so no payment is recorded that would have to go back by hand.
        raise Conflict(NO_PLACE_FOR_IT, code="no_place_for_the_payment")
    return invoice


def _paying_unless_marked(held: InvoiceAtStripe | None) -> InvoicePaying:
    """What Stripe holds of the invoice (``held``: read once by ``invoice_requests.invoice_held``,
    a refused read a 503, nothing written) before it is asked to mark it: a payment of it on
    its way (its refusal), or NOT_PAID, the mark to be asked. Held paid out of band already
    (paid, through no payment of its own) is NOT_PAID too: this act's own first half, its
    answer lost or its save failed after it, or a mark made on Stripe's
    dashboard. Pressed again, the act completes, its own event confirming the booking, never
    refused as paid by the employer. One read answers both (two were made)."""
    if held is not None and held.paid and held.payment_intent is None:
        return InvoicePaying.NOT_PAID
    return paying_of(held)


def _paid_at_stripe_and_applied(
    ports: Ports, invoice: InvoiceRef, owner: str, owner_id: str, said: str
) -> tuple[bool, EventOutcome]:
    """``invoice`` (of the application or group ``owner_id``; ``owner``: which, as the log
    names it) marked paid out of band at Stripe, then its ``invoice.paid`` applied as the
    webhook applies it, logged as ``said``: whether this press marked it, and what the event
    did."""
    marked = _marked_paid_at_stripe(ports, invoice.invoice_id)
    outcome = _invoice_event_applied(ports, paid_off_stripe_event(invoice.invoice_id, owner_id))
    logger.info(said, extra={owner: owner_id, "action": outcome.action})
    return marked, outcome


def _marked_paid_at_stripe(ports: Ports, invoice_id: str) -> bool:
    """Stripe asked to mark ``invoice_id`` paid out of band; refused in words unless Stripe
    then holds it paid (paid already by its payer counts: the event path decides what that
    payment does). Whether this request marked it (not a second tab's press answered again,
    or a payment before it)."""
    status = ports.payments.pay_invoice_off_stripe(invoice_id)
    if status == PAID_ALREADY:
        return False
    if status != "paid":
        raise Conflict(
            f"Stripe holds this invoice as {_status_words(status)}, so it cannot be marked as "
            "paid: nothing was changed",
            code=NOT_PAYABLE,
        )
    return True


def _by_this_press(marked: bool, outcome: EventOutcome, moved: bool) -> bool:
    """Whether this press recorded the payment, one person's or a group's (``moved``: the
    booking's status changed while it ran). Marked by another press (a second tab) that
    confirmed it first: nothing changed here, said so, and its payer's
    acknowledgement not asked again, though this press found it waiting; marked here, or its
    own event confirming it (a retry after a failure), it was this press's doing."""
    return (marked or outcome.action != "ignore") and moved


def _status_words(status: str) -> str:
    return {
        "void": "cancelled (void)",
        "draft": "a draft never sent",
        "uncollectible": "uncollectible",
    }.get(status, status or "unknown")


def _decided(ports: Ports, application: Application) -> Application | None:
    """``application`` as the ``invoice.paid`` this step applies would leave it now (its
    open invoice taken as paid in full, as Stripe then holds it), decided without writing;
    None: it would change nothing."""
    invoice = application.invoice
    assert invoice is not None
    event = paid_off_stripe_event(invoice.invoice_id, application.application_id)
    paid = replace(event, amount_paid=invoice.amount_due, currency=invoice.currency)
    return settle(application, paid, situation_now(ports, application)).application


def _confirmed_by_it(ports: Ports, application: Application) -> bool:
    """Whether the payment would confirm ``application``: the decision says so, and a place
    is there for it (its own, held; or one free, which its save then claims)."""
    after = _decided(ports, application)
    if after is None or after.status is not S.CONFIRMED:
        return False
    return application.seat_held or course_of(ports, application).places_left > 0


@dataclass(frozen=True)
class RecordPreview:
    """What recording the payment does, as its own decision says (run without writing)."""

    confirms: bool  # the booking is confirmed by it
    person_emailed: bool  # the person is emailed their booking confirmation
    billing_contact: str | None  # the billing contact, told in a message of its own
    # Who is sent the acknowledgement that the payment was received: the billing
    # contact, or the person who is their own (None: nobody can be).
    acknowledged: str | None = None


def record_confirmation(
    ports: Ports, application_id: str
) -> tuple[ApplicationDetail, RecordPreview]:
    """The console's page before recording a payment: the application as shown (NotFound
    first), and what the ``invoice.paid`` this step applies decides for it now, taking the
    invoice as paid in full (as Stripe then holds it)."""
    detail = application_detail(ports, application_id)
    application = detail.application
    invoice = application.invoice
    nothing = RecordPreview(confirms=False, person_emailed=False, billing_contact=None)
    if "record_payment" not in detail.actions or invoice is None:
        return detail, nothing
    after = _decided(ports, application)
    if after is None:
        return detail, nothing
    known = {job.job_id for job in application.outbox}
    told = next(
        (
            j
            for j in after.outbox
            if j.job_id not in known and j.kind is EmailKind.BOOKING_CONFIRMED
        ),
        None,
    )
    return detail, RecordPreview(
        confirms=after.status is S.CONFIRMED
        and (application.seat_held or detail.course.places_left > 0),
        person_emailed=(
            told is not None and nobody_to_tell(after) is None and not detail.address_suppressed
        ),
        billing_contact=(
            billing_contact_told(EmailKind.BOOKING_CONFIRMED, after, told) if told else None
        ),
        acknowledged=next(iter(told_of(_acknowledgement(application), application)), None),
    )


def _acknowledgement(application: Application) -> EmailJob:
    """The acknowledgement recording the payment queues (``payer.payment_received_told``)."""
    assert application.invoice is not None
    return payment_received_told(application, application.invoice.invoice_id).outbox[-1]


# -- a group's invoice ------------------------------------------------------------------------


def record_group_payment(
    ports: Ports,
    group_id: str,
    seen: Seen | None = None,
    received: PaymentReceived | None = None,
) -> tuple[GroupBooking, bool]:
    """Mark the group's open invoice paid outside Stripe and book its places as its
    ``invoice.paid`` does. The group after, and whether it changed (paid already by it, a
    second press: nothing). Refusals as :func:`record_payment`'s; ``received`` as its."""
    group = find_group(ports, group_id)
    if group.status is GroupStatus.PAID and group.invoice is not None:
        if group.payment_intent is None:  # paid outside Stripe: its details, once
            # and its payer's acknowledgement, sent once (as ``_recorded_already``'s)
            refuse_unless_believable_later(ports, received, group.invoice, group.course_id)
            group = group_recorded_after(
                ports, group_id, group.invoice.invoice_id, received, acknowledged=True
            )
        return group, False
    _refuse_unless_open(group, seen)
    invoice = group.invoice
    assert invoice is not None
    # Marked out of band already (this act's first half): completed below.
    held = invoice_held(ports, invoice.invoice_id)
    paying = _paying_unless_marked(held)
    if paying is InvoicePaying.PAID:
        raise Conflict(
            "this group's invoice was paid at Stripe already; its confirmation is on its way: "
            "nothing was changed",
            code="invoice_paid",
        )
    if paying.on_its_way:
        raise settling_refused(invoice, RECORD_ONCE_FAILED, whose="this group's invoice")
    refuse_unless_believable(ports, received, held, group.course_id)
    said = "a group's invoice recorded as paid outside Stripe"
    marked, outcome = _paid_at_stripe_and_applied(ports, invoice, "group_id", group_id, said)
    after = find_group(ports, group_id)
    changed = _by_this_press(marked, outcome, after.status is not group.status)
    if after.status is GroupStatus.PAID:
        after = group_recorded_after(
            ports, group_id, invoice.invoice_id, received, acknowledged=changed
        )
    return after, changed


@dataclass(frozen=True)
class GroupRecordPreview:
    """What the console's page before recording a group's payment shows: the group, its
    course (None: no longer there), and who is sent the acknowledgement that the payment was
    received (its billing contact; None: nobody, the manager being told by the email that the
    booking is paid)."""

    group: GroupBooking
    course: Course | None
    acknowledged: str | None


def record_group_confirmation(ports: Ports, group_id: str) -> GroupRecordPreview:
    """The console's page before recording a group's payment (NotFound first; Conflict
    ``no_open_invoice`` without an open invoice), as :func:`record_confirmation` is one
    person's: who is acknowledged is the message's own rule."""
    # The groups' message rules load with this page, not with the console's init.
    from booking.domain.group_notices import payment_acknowledgement

    group = find_group(ports, group_id)
    invoice = _open_invoice(group)
    acknowledged = group_recipient(payment_acknowledgement(group, invoice.invoice_id), group)
    return GroupRecordPreview(group, ports.repository.get_course(group.course_id), acknowledged)


def _open_invoice(group: GroupBooking) -> InvoiceRef:
    invoice = group.invoice
    if invoice is None or group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT:
        raise Conflict("this group booking has no open invoice", code="no_open_invoice")
    return invoice


def _refuse_unless_open(group: GroupBooking, seen: Seen | None) -> None:
    invoice = _open_invoice(group)
    if seen is not None and not seen.holds(group_facts(group)):
        raise Conflict(
            "the group booking changed since you last looked at it: nothing was changed; look "
            "at it again before recording its payment",
            code="application_changed",
        )
    if group.void_asked_for == invoice.invoice_id:
        raise Conflict(
            "this group's invoice is being cancelled: nothing was changed",
            code="invoice_being_voided",
        )


def _invoice_event_applied(ports: Ports, event: InvoiceEvent) -> EventOutcome:
    """The webhook's own path for the invoice's ``invoice.paid`` (one path for money), loaded
    by the press: the console's init loads none of the money path (its pages never apply an
    event)."""
    from booking.services.payments import apply_invoice_event

    return apply_invoice_event(ports, event)
