"""What an application records of its payments: the Stripe Checkout sessions it opened and
each payment Stripe reported for it. ``booking.domain.application`` re-exports both."""

from datetime import datetime

from pydantic import (
    ConfigDict,
    Field,
)

from booking.domain.invoice_voiding import VoidingFor
from booking.domain.model import Model


class CheckoutRef(Model):
    """A Stripe Checkout Session opened for an application, and what it asked to be paid."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    url: str
    expires_at: datetime
    attempt: int
    # What Stripe was asked to collect: a payment confirms only if it matches this exactly.
    amount: int | None = None
    currency: str | None = None
    # The product name its page and Stripe's receipt show (the cohort by title and first day,
    # as it was when the session was made): a press answers it again only while the cohort is
    # still named so. None: not recorded (a session made before it was).
    product_name: str | None = None
    # The move it asks a price difference for (``PendingMove.attempt``); None: the place.
    move: int | None = None
    # When the person completed it at Stripe unpaid, a delayed method (Bacs, SEPA) settling:
    # its completed event's moment, recorded with the pending payment. What that payment is
    # judged by when it settles after a start brought forward into its hold
    # (``domain.paying.completed_late``). None: not recorded (a card's, or not heard of).
    completed_at: datetime | None = None
    # An act that ends or replaces it (a cancel, an erasure, a group's place given up) has
    # asked Stripe to expire it, and the act's save follows (``services.checkout_expiry``):
    # Stripe's expiry event of it ends nothing meanwhile. Left set, the act it records
    # (``expiring_for``) is completed, or the mark taken back (``services.checkout_acts``).
    expiring: bool = False
    # The act it is expired for, and since when, as an invoice's mark says it
    # (``InvoiceRef.voiding``): one stopped between Stripe's expiry and its save is completed
    # by Stripe's expiry event or the sweep (``services.checkout_acts``), never ended as an
    # unpaid hold. None: a mark made before acts were recorded on it, or a group's.
    expiring_for: VoidingFor | None = None

    def completed(self, session_id: str, at: datetime) -> "CheckoutRef":
        """This checkout, if it is ``session_id``, recorded as completed unpaid at ``at`` (a
        delayed method's payment pending; ``completed_at``). A first record stands: an event
        sent again says nothing newer."""
        if self.session_id != session_id or self.completed_at is not None:
            return self
        return self.model_copy(update={"completed_at": at})


class PaymentRecord(Model):
    """A payment Stripe reported for this application, kept for the booking or given back.

    Every payment that reaches the system is recorded, the ones it refunds too (a second
    payment, a payment that does not match what was asked), so a refund Stripe reports for any
    of them finds its application and is acknowledged.
    """

    model_config = ConfigDict(frozen=True)

    payment_intent: str
    session_id: str  # the checkout session it paid ("" for an invoice's payment)
    amount: int
    currency: str
    kept: bool  # the booking's own payment; False: refunded by the system
    reason: str | None = None  # why it was not kept
    refunds: dict[str, int] = Field(default_factory=dict)  # its succeeded refunds
    charge_amount_refunded: int = 0  # the charge's running total, from charge.refunded
    invoice_id: str | None = None  # the invoice it paid (None for a checkout's payment)
    # Stripe answered, when this system gave it back, that it holds no such payment: only an
    # event claimed it, so a refund event naming it is nobody's (``services.believed``).
    unknown_to_provider: bool = False
    # Its moment at Stripe: the ``created`` of the event that reported it paid
    # (``checkout.session.completed`` paid, or ``async_payment_succeeded``). Not the session's
    # own ``created``: that is when the checkout opened, and a move's difference is paid
    # minutes or days later, so a refund made while the checkout was open would seem to come
    # after it. Not the payment intent's: Checkout makes it when the person submits, and this
    # event does not carry it. A refund is weighed against the charges paid before its own
    # moment (``domain.payments.after_refund``). None for records stored before it was kept:
    # taken as paid before any refund.
    paid_at: datetime | None = None

    @property
    def refunded(self) -> int:
        """What Stripe has reported given back of it (its two views; the larger is newest)."""
        return max(sum(self.refunds.values()), self.charge_amount_refunded)
