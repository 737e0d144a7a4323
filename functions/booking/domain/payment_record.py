"""What an application records of its payments: the Stripe Checkout sessions it opened and
each payment Stripe reported for it. ``booking.domain.application`` re-exports both."""

from __future__ import annotations

from datetime import datetime

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)


class CheckoutRef(BaseModel):
    """A Stripe Checkout Session opened for an application, and what it asked to be paid."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    url: str
    expires_at: datetime
    attempt: int
    # What Stripe was asked to collect: a payment confirms only if it matches this exactly.
    amount: int | None = None
    currency: str | None = None
    # The move it asks a price difference for (``PendingMove.attempt``); None: the place.
    move: int | None = None


class PaymentRecord(BaseModel):
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

    @property
    def refunded(self) -> int:
        """What Stripe has reported given back of it (its two views; the larger is newest)."""
        return max(sum(self.refunds.values()), self.charge_amount_refunded)
