"""The payment provider's port (Stripe in AWS and under ``make run``, a fake in the tests) and
the requests it takes; ``booking.services.ports`` re-exports every name, so use cases import
ports from one place."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from booking.domain.statuses import refuse_the_erased

# ``pay_invoice_off_stripe``'s answer when Stripe holds the invoice paid, but not by this
# request: a retry of its key answered again (a second tab's press), or paid before it came.
PAID_ALREADY = "paid_already"

if TYPE_CHECKING:
    from booking.domain.application import CheckoutRef
    from booking.domain.billing import (
        AppliedDiscount,
        BillingDetails,
        DiscountCodeDefinition,
        InvoiceRef,
        PromotionCode,
        PromotionCodeState,
    )
    from booking.domain.disputes import DisputeEvent
    from booking.domain.money import Money
    from booking.domain.payments import RefundEvent


@dataclass(frozen=True)
class RefundMade:
    """A refund the provider accepted: its id, what it gives back (minor units), and whether
    it has gone through (False: ``pending``, a Bacs or SEPA refund for days, which may still
    fail, so it is not counted as given back until Stripe reports it succeeded)."""

    refund_id: str
    amount: int
    succeeded: bool


@dataclass(frozen=True)
class CheckoutAtStripe:
    """A checkout session as the provider holds it: the payment it was confirmed with (set
    when the payer confirms, before the money is taken: a declined card or a bank debit still
    processing holds one too), its ``status`` and its ``payment_status``."""

    payment_intent: str | None
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required

    def paid_with(self, payment_intent: str) -> bool:
        """Whether the session is complete and paid, and with ``payment_intent``."""
        return (
            self.status == "complete"
            and self.payment_status in ("paid", "no_payment_required")
            and self.payment_intent == payment_intent
        )


@dataclass(frozen=True)
class InvoiceAtStripe:
    """An invoice as the provider holds it: what a signed ``invoice.paid`` is checked against
    (``services.believed``). ``status``: draft, open, paid, uncollectible or void;
    ``payment_intent``: the payment that paid it through the provider (None: paid out of
    band, or not paid); ``amount_paid``: what it says was paid, through the provider and
    recorded as paid another way (minor units, in ``currency``); ``number``: the number it
    was given when finalized, for the words about its payment ("": none yet);
    ``payment_processing``: a payment of it is being confirmed by the payer's bank (a bank
    debit, days: ``domain.group_give_ups``); ``sent_at``: when it was finalized (sent; None:
    a draft, or not said); ``paid_at``: when it was paid (None: not paid, or not said);
    ``url``, ``due_at``, ``amount_due``: its hosted page, due moment and whole amount, as it
    was sent ("", None, 0: a draft, or not said), so an invoice an act sent and never saved
    can be recorded as the booking's (``services.invoice_issue``)."""

    status: str
    payment_intent: str | None
    amount_paid: int
    currency: str
    number: str = ""
    payment_processing: bool = False
    sent_at: datetime | None = None
    paid_at: datetime | None = None
    url: str = ""
    due_at: datetime | None = None
    amount_due: int = 0

    @property
    def paid(self) -> bool:
        return self.status == "paid"


@dataclass(frozen=True)
class RefundAtStripe:
    """A refund as the provider holds it: what a signed refund event's word is checked
    against (``services.believed``). ``status``: succeeded, pending, requires_action, failed
    or canceled."""

    refund_id: str
    amount: int
    status: str

    @property
    def succeeded(self) -> bool:
        """Whether it gave the money back: only a succeeded one counts as returned (a pending
        one may still fail; a failed or canceled one gave nothing back)."""
        return self.status == "succeeded"


@dataclass(frozen=True)
class CheckoutRequest:
    """What a checkout for an application is opened with."""

    application_id: str
    course_id: str
    product_name: str
    price: Money
    customer_email: str
    expires_at: datetime
    success_url: str
    cancel_url: str
    attempt: int
    # The code the application was made with, applied by the provider to ``price`` (the
    # course price less any bursary) as its coupon: the price promised, whatever the code's
    # state at the provider now.
    discount: AppliedDiscount | None = None
    # Fresh per request: a client's retry after a failure downstream of Stripe asks for a new
    # session instead of replaying a key with different parameters (Stripe refuses that).
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    # A move's difference (``domain.dearer_moves``): the key of the move's attempt, used as it
    # is, so asking again for the same attempt (same terms) opens the same session.
    move_key: str | None = None

    def __post_init__(self) -> None:
        refuse_the_erased([self.customer_email], "a checkout")


@dataclass(frozen=True)
class InvoiceRequest:
    """An invoice to an employer for one place: sent by the provider, due at ``due_at``."""

    application_id: str
    course_id: str
    description: str  # the line: course and applicant, as the employer's accounts need it
    amount: Money  # the course price less any bursary; the code is applied by the provider
    billing: BillingDetails
    due_at: datetime
    attempt: int
    discount: AppliedDiscount | None = None  # as for a checkout
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))

    def __post_init__(self) -> None:
        refuse_the_erased([self.billing.billing_email], "an invoice")


@dataclass(frozen=True)
class DiscountCodeRequest:
    """A discount code to make at the payment provider."""

    course_id: str
    definition: DiscountCodeDefinition
    currency: str  # the course's, for amounts off


class PaymentGateway(Protocol):
    def brief(self) -> PaymentGateway:
        """This gateway for one scheduled run, which nobody waits on and whose reminders must
        never wait on the provider: each call made once, with a short timeout, and none made
        once the provider has not answered one (DependencyUnavailable at once, unasked), so
        a provider that hangs costs the run seconds, not Lambda's whole timeout."""
        ...

    def create_checkout(self, request: CheckoutRequest) -> CheckoutRef: ...

    def expire_checkout(self, session_id: str) -> str:
        """Expire an open session; its status afterwards (``expired`` or ``complete``).
        Raises Conflict when the provider cannot find or expire it."""
        ...

    def refund(
        self, payment_intent: str, *, amount: int | None, idempotency_key: str
    ) -> RefundMade:
        """Give back ``amount`` (None: all that is left) of the payment; asked again with the
        same ``idempotency_key``, the same refund. Raises AlreadyRefunded when nothing is left
        to give back, RefundAboveWhatIsLeft when ``amount`` is more than is left, and
        DependencyUnavailable when the provider cannot be reached."""
        ...

    def application_of_payment(self, payment_intent: str) -> str | None:
        """The application our ids on the payment name at the provider (its metadata, read for
        a payment no save recorded); None when it holds no such payment or it names none."""
        ...

    def checkout_at_stripe(self, session_id: str) -> CheckoutAtStripe:
        """What the provider holds of its checkout session ``session_id``: what a signed
        event's word that this checkout was paid with a payment is checked against
        (``services.believed``). Raises UnknownToProvider when it holds no such session."""
        ...

    def refunds_at_stripe(self, payment_intent: str) -> tuple[RefundAtStripe, ...]:
        """The refunds the provider holds of ``payment_intent``, read once (its second client:
        a short timeout, no retries) to weigh a signed refund event's word before it is
        believed. Raises UnknownToProvider when it holds no such payment, DependencyUnavailable
        when it cannot be reached."""
        ...

    def dispute_at_stripe(self, dispute_id: str) -> DisputeEvent | None:
        """The dispute ``dispute_id`` as the provider holds it, read once (its second client)
        before a signed dispute event is believed (None: not a dispute of a Checkout payment).
        Raises UnknownToProvider when it holds no such dispute, DependencyUnavailable when it
        cannot be reached."""
        ...

    def refunds_held(self, payment_intent: str) -> tuple[RefundEvent, ...]:
        """The refunds the provider holds of ``payment_intent``, each as the ``refund.*``
        event reporting it says (its ``event_id`` the refund's id): read when the provider
        answers that the payment was refunded already (``AlreadyRefunded``), so what it holds
        is recorded. Raises UnknownToProvider when it holds no such payment."""
        ...

    # -- invoices to employers --------------------------------------------------------------

    def create_invoice(
        self, request: InvoiceRequest, drafted: Callable[[str], None] | None = None
    ) -> InvoiceRef:
        """Create, finalize and send the invoice; the provider emails the billing contact.
        ``drafted``: called with the invoice's id once it is a draft, before it is finalized
        (its caller records it ahead); raising, the draft is voided and nothing
        is sent. A step failing after the invoice's customer was made deletes that customer,
        or, when the provider cannot, names it on the error raised (``customer_left``)."""
        ...

    def void_invoice(self, invoice_id: str) -> str:
        """Void an unpaid invoice (a draft too: finalized unsent first); its status afterwards
        (``void``, or ``paid`` if it was paid first). Raises Conflict when the provider does
        not know it."""
        ...

    def resend_invoice(self, invoice_id: str) -> None:
        """Email the invoice to the billing contact again."""
        ...

    def pay_invoice_off_stripe(self, invoice_id: str) -> str:
        """Mark an open invoice paid outside Stripe (a bank transfer, a cheque: Stripe's
        ``paid_out_of_band``; nothing is charged); its status afterwards (``paid``; what it is
        when Stripe refuses: ``void``, ``draft``; :data:`PAID_ALREADY` when this request did
        not mark it: an earlier one with its key did, a second tab's, or its payer paid it).
        Raises Conflict when the provider does not know it."""
        ...

    def invoice_at_stripe(
        self, invoice_id: str, *, a_person_waits: bool = False
    ) -> InvoiceAtStripe:
        """The invoice as the provider holds it: whether it is paid, and the payment that paid
        it (to record, or to refund) when it was paid through the provider. Read once by its
        second client (a short timeout, no retries: the webhook's, which Stripe redelivers),
        or, ``a_person_waits`` (a request of someone's), by the first one, whose retries of a
        failed or throttled read spare them an error. Raises UnknownToProvider when it holds
        no such invoice, DependencyUnavailable when it cannot be reached."""
        ...

    # -- discount codes -----------------------------------------------------------------------

    def create_promotion_code(self, request: DiscountCodeRequest) -> PromotionCode:
        """A coupon for the discount and a promotion code on it, neither with any limit (the
        limits are this system's); Conflict ``discount_code_exists`` when the provider has an
        active code with the same letters."""
        ...

    def promotion_code_state(self, promotion_code_id: str) -> PromotionCodeState:
        """Whether the provider still lets customers redeem the promotion code, and how many
        completed payments did; Conflict when the provider does not know it."""
        ...

    def deactivate_promotion_code(self, promotion_code_id: str) -> PromotionCodeState:
        """Stop the provider accepting the promotion code (a coupon applied directly, as this
        system asks for a promised discount, still works); its state after the step. Doing it
        twice is harmless."""
        ...

    # -- erasure ------------------------------------------------------------------------------

    def invoice_addressee(self, invoice_id: str) -> BillingDetails | None:
        """Who the invoice's customer at the provider names (name, email and address as the
        invoice was addressed, its PO number): the contact the provider still holds for it.
        None when the provider holds nobody for it (no such invoice, its customer deleted,
        or one naming no email). DependencyUnavailable when the provider cannot be reached."""
        ...

    def invoices_no_longer_payable_to(
        self, email: str, spellings: Sequence[str] = (), made_by: datetime | None = None
    ) -> tuple[str, ...]:
        """The invoices, void or paid, whose customers at the provider still hold ``email``,
        as the provider finds them by that address (not as any booking records them): an
        erasure's reach to a contact no booking names any more. Its lookup matches case and
        all: asked as given, in lower case and as each of ``spellings`` (how our records spell
        it). ``made_by``: only customers the provider made by then (an erasure's search made
        later: none made for a booking since). DependencyUnavailable when the provider cannot
        be reached."""
        ...

    def forget_invoice_customer(self, invoice_id: str) -> None:
        """Delete at the provider the customer the invoice was addressed to (the billing
        contact: name, email, address), once the invoice can no longer be paid: a paid or
        void invoice keeps its own copy of the contact, as the accounts must. An invoice or a
        customer the provider no longer knows is no error, so erasing again is harmless.
        Conflict ``invoice_open`` while the invoice is still payable; DependencyUnavailable
        when the provider fails. Given a customer's id instead (one made for an invoice that
        was never made, ``BookingError.customer_left``), that customer is deleted."""
        ...
