"""What a Stripe invoice event means for an application: a pure decision, like ``payments``.

An invoice confirms a booking when it is paid; it lets the place go when it is voided, marked
uncollectible, or overdue (its due date is the end of the hold). Only the application's current
invoice can do either; a payment of any other invoice, or of one whose booking is over, is
money the system cannot honour and goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import InvoiceRef
from booking.domain.covered import second_payment
from booking.domain.invoice_voiding import void_ends_the_hold
from booking.domain.payments import Action, Decision

S = ApplicationStatus


class InvoiceEventKind(StrEnum):
    PAID = "paid"  # invoice.paid
    VOIDED = "voided"  # invoice.voided
    UNCOLLECTIBLE = "uncollectible"  # invoice.marked_uncollectible
    OVERDUE = "overdue"  # invoice.overdue
    # invoice.payment_failed: a payment of it was declined (a card on its page) or its bank
    # debit failed; Stripe leaves it open, to be paid again until it falls due.
    PAYMENT_FAILED = "payment_failed"


@dataclass(frozen=True)
class InvoiceEvent:
    """The few facts the system needs from a Stripe invoice event (ids and money only)."""

    event_id: str
    kind: InvoiceEventKind
    invoice_id: str
    application_id: str
    amount_paid: int = 0
    currency: str = "gbp"
    # The payment that paid it, as Stripe names it (read before deciding; None: not paid
    # through Stripe, or not paid).
    payment_intent: str | None = None
    # The invoice's number as Stripe gave it ("": not known), for the words about its payment.
    number: str = ""
    # When Stripe says it was paid (its ``status_transitions.paid_at``; None: not said), the
    # day the course's money page lists its payment under.
    paid_at: datetime | None = None


class InvoicePaying(Enum):
    """What Stripe holds of an open invoice, read once before it is voided or replaced (a
    group's give-up, an organiser's void, the end of its hold at its due date)."""

    NOT_PAID = "not_paid"  # nothing paid, nothing being paid: it may be voided or replaced
    PROCESSING = "processing"  # a bank debit of it being confirmed (days)
    PAID = "paid"  # paid, its event not yet applied here (seconds, or minutes of retries)

    @classmethod
    def of(cls, *, paid: bool, processing: bool) -> InvoicePaying:
        """As read at Stripe: the invoice paid, or a payment of it processing."""
        if paid:
            return cls.PAID
        return cls.PROCESSING if processing else cls.NOT_PAID

    @property
    def on_its_way(self) -> bool:
        """Whether a payment of the invoice is on its way here (its bank confirming it, or its
        event about to record it): the hold it pays for does not end under it, nor is the
        invoice voided or replaced, which would have the payment given back whole when it
        arrived. One rule for every such step."""
        return self is not InvoicePaying.NOT_PAID

    @classmethod
    def after_void(cls, status: str) -> InvoicePaying:
        """What Stripe's answer to a void (the invoice's status after it) says: voided only
        when it is ``void`` (NOT_PAID: nothing can pay it now); ``paid``: paid first, its event
        on its way; anything else (``open``: Stripe refused the void, a bank debit of it being
        confirmed) is a payment processing. A void refused is never taken as done, which would
        end the hold under the payment and give it back whole when it arrived. One rule for every
        void whose answer decides."""
        if status == "void":
            return cls.NOT_PAID
        return cls.PAID if status == "paid" else cls.PROCESSING


# What each ending is called in the application's status_reason and the emails.
RELEASE_REASONS = {
    InvoiceEventKind.VOIDED: "invoice_voided",
    InvoiceEventKind.UNCOLLECTIBLE: "invoice_uncollectible",
    InvoiceEventKind.OVERDUE: "invoice_overdue",
}


# The id of the invoice event an organisers' void of one person's invoice applies, once Stripe
# holds it void and the ask is recorded (``services.invoicing.organisers_voided``), before
# this prefix: an id of its own, so it is applied once; what it decides rests on the record.
ORGANISERS_VOID = "voided-by-organiser-"


def organisers_void(invoice_id: str, application_id: str) -> InvoiceEvent:
    """The event an organisers' void of ``invoice_id`` applies (and its confirmation page
    decides without writing: ``services.void_preview``)."""
    return InvoiceEvent(
        event_id=f"{ORGANISERS_VOID}{invoice_id}",
        kind=InvoiceEventKind.VOIDED,
        invoice_id=invoice_id,
        application_id=application_id,
    )


# A payment of an invoice the application no longer holds (replaced by another).
SUPERSEDED_INVOICE = "invoice_replaced"
# A payment of the open invoice failed: the place stays held to its due day, the payer told.
INVOICE_PAYMENT_FAILED = "invoice_payment_failed"


def decide_invoice(application: Application, event: InvoiceEvent, now: datetime) -> Decision:
    """What an invoice event means for ``application``, which holds (or held) the invoice, at
    ``now``."""
    if event.event_id in application.recent_event_ids:
        return Decision(Action.IGNORE, "event already applied")
    invoice = application.invoice
    is_current = invoice is not None and invoice.invoice_id == event.invoice_id
    if event.kind is InvoiceEventKind.PAID:
        return _paid(application, event, invoice if is_current else None)
    lapses = application.hold_lapses_at()
    holding = (
        is_current and application.seat_held and application.status is S.AWAITING_INVOICE_PAYMENT
    )
    voiding = invoice is not None and invoice.voiding is not None
    if event.kind is InvoiceEventKind.PAYMENT_FAILED:
        return _payment_failed(holding and not voiding, lapses, now)
    ends = void_ends_the_hold(
        marked_for_an_act=voiding, void_asked=invoice is not None and invoice.void_asked
    )
    # VOIDED, UNCOLLECTIBLE, OVERDUE: only the open invoice holding the seat can release it.
    if event.kind is InvoiceEventKind.OVERDUE and lapses is not None and now < lapses:
        # Past its due moment by Stripe's reckoning, but the due day is theirs until it ends:
        # the place goes back when the hold lapses (the sweep), not before.
        return Decision(Action.IGNORE, "the due day has not ended")
    if holding:
        return _ended(event, ends, lapses, now)
    return Decision(Action.IGNORE, "not the open invoice")


def _ended(event: InvoiceEvent, ends: bool, lapses: datetime | None, now: datetime) -> Decision:
    """The open invoice holding the seat voided, uncollectible or overdue (``ends``: whether
    a void of it ends the hold, ``invoice_voiding.void_ends_the_hold``)."""
    kind = event.kind
    if kind is InvoiceEventKind.VOIDED and not ends:
        # Stripe's void of it for an act (``domain.invoice_voiding``), which ends or replaces
        # it in its own save and words: not the booking's end.
        return Decision(Action.IGNORE, "voided for an organiser's act")
    if kind is InvoiceEventKind.VOIDED and lapses is not None and lapses <= now:
        # Voided once its due day had ended unpaid: the sweep's void, asked before it lets
        # the place go (its event may come first), ends it as not paid in time.
        kind = InvoiceEventKind.OVERDUE
    return Decision(Action.RELEASE_HOLD, RELEASE_REASONS[kind])


def _payment_failed(holding: bool, lapses: datetime | None, now: datetime) -> Decision:
    """A failed payment of an invoice: Stripe leaves it open, so it may still be paid, and the
    place it holds stays held to its due day, as it would with no attempt at all. Nothing ends
    and nothing is given back (no money was taken); the payer and the person are told, so a
    bank debit that failed days later is not taken for paid, and the organisers see it on the
    timeline. Only the open invoice holding the place (``holding``: and not being voided for
    an organiser's act), within its hold: once the due day has ended the sweep voids it and
    ends the hold (its own words)."""
    if not holding or (lapses is not None and lapses <= now):
        return Decision(Action.IGNORE, "not the open invoice")
    return Decision(Action.KEEP_HOLD, INVOICE_PAYMENT_FAILED)


def _paid(application: Application, event: InvoiceEvent, current: InvoiceRef | None) -> Decision:
    """``current``: the application's invoice, when the paid one is it."""
    status = application.status
    if event.payment_intent is not None and application.payment(event.payment_intent):
        return Decision(Action.IGNORE, "this payment is already recorded")
    if status is S.CONFIRMED:
        # Confirmed by this very payment: its invoice, paid, and the payment recorded. A place
        # confirmed otherwise (a bursary, a card) whose invoice was paid as well gives it back.
        if (
            current is not None
            and current.status == "paid"
            and application.payment_intent == event.payment_intent
        ):
            return Decision(Action.IGNORE, "already confirmed by this invoice")
        return Decision(Action.REFUND, second_payment(application))
    if (
        status is S.REFUNDED
        and current is not None
        and event.payment_intent in (None, application.payment_intent)
    ):
        # The booking's own payment, refunded already. Another payment of its invoice (an
        # ended booking's invoice paid after another payment was given back) goes back below.
        return Decision(Action.IGNORE, "this payment was already refunded")
    if current is None:
        # An invoice replaced by another (a bursary changed what is owed) and paid anyway, as
        # late as a payment of any superseded request: given back, the booking stays on the
        # invoice it holds now (``payment_settlement``).
        return Decision(Action.REFUND, SUPERSEDED_INVOICE)
    if event.amount_paid != current.amount_due or event.currency != current.currency:
        return Decision(Action.REFUND, "amount_mismatch")
    if status is S.AWAITING_INVOICE_PAYMENT and application.seat_held:
        return Decision(Action.CONFIRM, "invoice paid within its hold")
    if status in (S.AWAITING_INVOICE_PAYMENT, S.EXPIRED):
        return Decision(Action.CONFIRM_IF_SEAT_FREE, "invoice paid after its hold lapsed")
    return Decision(Action.REFUND, f"application_{status.value}")
