"""What an email job carries of the records it is about, as they were when it was queued:
the booking's money (a message names its own event's money, never a later one's) and the
billing contact an invoice went to before it was corrected to another."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from booking.domain.model import Model
from booking.domain.money import Money


class BookingThen(Model):
    """What a booking's record said of its money when a message about it was saved to the
    outbox (``domain.emails_as_queued.stamped``): the message names its own event's money,
    never a later one's (a confirmation composed after a dearer move was paid said the
    first payment and the difference as one)."""

    model_config = ConfigDict(frozen=True)

    status: str
    status_reason: str | None = None
    price: Money | None = None
    amount_paid: int = 0
    amount_refunded: int = 0
    last_refund: int = 0
    # The bursary granted then (minor units; None on a message stamped before it was kept):
    # a copy saying "funded by a bursary" says it of its own event's price and bursary.
    bursary: int | None = None
    # Each further charge kept then (a dearer move's difference), what came back (minor units).
    further: dict[str, int] = Field(default_factory=dict)


class ReplacedBilling(Model):
    """The billing contact an invoice went to before it was corrected to another, and its
    number: told it was replaced. On that message alone, never logged."""

    model_config = ConfigDict(frozen=True)

    billing_name: str
    billing_email: str
    invoice_number: str
