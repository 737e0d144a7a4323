"""What an organiser says of a payment received outside Stripe: the day it came, how
(a bank transfer, a cheque, cash, another way) and the bank's reference. Stripe's
``paid_out_of_band`` takes none of them, so they are kept here, on the invoice they paid
(``InvoiceRef.received``, one person's or a group's), and said wherever that invoice is.

Every one is optional. The amount is never asked: it is the invoice's whole amount (Stripe marks
the whole invoice paid; a part payment is not recorded). The bank's reference may carry a
name, so it is personal data: erased with the payer (``without_reference``), while the day and
the way, like the amount, are the bookkeeping that stays."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator, ConfigDict, Field, ValidationError

from booking.domain.errors import InvalidInput
from booking.domain.model import Model
from booking.domain.text import ONE_LINE
from booking.domain.time_words import DayWindowWords, day_out_of_window, written_as_day

if TYPE_CHECKING:
    from booking.domain.billing import InvoiceRef

MAX_REFERENCE = 60  # a bank's reference is 18 characters (Bacs, Faster Payments); SEPA's 140
FIELDS = ("received_on", "method", "reference")
# The day it arrived: not in the future, not before the invoice was sent.
RECEIVED_ON = DayWindowWords(
    future="the day it arrived cannot be in the future",
    before="the day it arrived cannot be before the invoice was sent",
)


class ReceivedHow(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    CASH = "cash"
    OTHER = "other"


HOW_WORDS = {
    ReceivedHow.BANK_TRANSFER: "by bank transfer",
    ReceivedHow.CHEQUE: "by cheque",
    ReceivedHow.CASH: "in cash",
    ReceivedHow.OTHER: "another way",
}
# The console's choices, in the order offered.
HOW_CHOICES = (
    ("bank_transfer", "Bank transfer"),
    ("cheque", "Cheque"),
    ("cash", "Cash"),
    ("other", "Another way"),
)


def _a_day(value: object) -> object:
    """A day only as YYYY-MM-DD (or a date): pydantic's own reading of a date also takes a
    number (seconds since 1970: ``0`` was 1 January 1970) and a date and time at midnight
    ("2027-03-01T00:00:00"), neither a day the API documents."""
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise ValueError("not a day")  # told in words by _why
    if isinstance(value, str) and not written_as_day(value):
        raise ValueError("not a day")
    return value


class PaymentReceived(Model):
    """The organiser's word on a payment received outside Stripe, each part optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    received_on: Annotated[date, BeforeValidator(_a_day)] | None = Field(
        default=None,
        description="The day the money arrived (YYYY-MM-DD): not in the future, and not before "
        "the invoice was sent",
    )
    method: ReceivedHow | None = Field(
        default=None, description="How it came: bank_transfer, cheque, cash or other"
    )
    reference: Annotated[str, Field(max_length=MAX_REFERENCE), ONE_LINE] | None = Field(
        default=None,
        description=f"The bank's reference for it, one line, up to {MAX_REFERENCE} characters "
        "(it may carry a name: erased with the payer)",
    )

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.received_on, self.method, self.reference))

    def without_reference(self) -> PaymentReceived:
        """The bank's reference erased with the person it may name; the day and the way stay."""
        return self.model_copy(update={"reference": None})


def without_bank_reference(invoice: InvoiceRef) -> InvoiceRef:
    """``invoice`` with the bank's reference of its payment erased (it may name the payer or the
    person: erased with either); the day and the way stay, as the amount does."""
    if invoice.received is None or invoice.received.reference is None:
        return invoice
    return invoice.model_copy(update={"received": invoice.received.without_reference()})


def received_from(values: dict[str, object]) -> PaymentReceived:
    """What an organiser typed or sent (blank fields: not said), or InvalidInput naming each
    field that needs attention, in words."""
    given = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    given = {k: v for k, v in given.items() if v not in ("", None)}
    try:
        return PaymentReceived.model_validate(given)
    except ValidationError as refused:
        fields: dict[str, str] = {}
        for error in refused.errors():
            name = str(error["loc"][0]) if error["loc"] else "received_on"
            fields[name] = _why(name, error["msg"])
        raise InvalidInput("the payment's details need attention", fields) from refused


def _why(name: str, message: str) -> str:
    if name == "received_on":
        return "give the day it arrived as a date, like 2027-03-01"
    if name == "method":
        return "choose bank transfer, cheque, cash or another way"
    if name == "reference":
        if "at most" in message:
            return f"give the bank's reference in {MAX_REFERENCE} characters or fewer"
        if "valid string" in message:
            return "give the bank's reference as text, on one line"
        return message.removeprefix("Value error, ")
    return f"this field is not taken here ({name})"


def refuse_unless_in_time(
    received: PaymentReceived, *, now: datetime, sent_at: datetime | None, timezone: str
) -> None:
    """The day received, if given, is neither after today nor before the invoice was sent (its
    day, in ``timezone``): InvalidInput on ``received_on`` otherwise."""
    day = received.received_on
    if day is None:
        return
    wrong = day_out_of_window(day, sent_at, RECEIVED_ON, now=now, timezone=timezone)
    if wrong is not None:
        raise InvalidInput("the payment's details need attention", {"received_on": wrong})


def received_words(received: PaymentReceived | None) -> str:
    """ "received by bank transfer on Monday 1 March 2027, bank's reference ACME 0042" ("":
    nothing said of it)."""
    if received is None or not received.given:
        return ""
    said = "received"
    if received.method is not None:
        said += f" {HOW_WORDS[received.method]}"
    if received.received_on is not None:
        day = received.received_on
        said += f" on {day:%A} {day.day} {day:%B %Y}"
    if received.reference:
        said += f", bank's reference {received.reference}"
    return said
