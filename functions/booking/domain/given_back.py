"""Money given back by hand: an organiser's record that money a booking kept outside Stripe
(its invoice marked paid: a bank transfer, a cheque, ``domain.off_stripe``) was returned the way
it came, since Stripe holds no payment to refund. Without it the course's money, the person's
record and the booking's timeline went on counting that money as paid in and kept.

A record says how much (never more than was paid outside Stripe and not yet given back), the day
it went (not in the future, not before the payment arrived) and how (a bank transfer, a
cheque, ...). It is counted as refunded wherever refunds are (``Application.money_returned``)
and taken off what the booking keeps (``Application.amount_kept``). Each is made once per press
of its form or request (``press``): the same press sent again, or twice at once, is one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field

from booking.domain.errors import Conflict, InvalidInput
from booking.domain.model import Model
from booking.domain.money import money_words
from booking.domain.payment_received import HOW_WORDS, ReceivedHow
from booking.domain.statuses import ApplicationStatus
from booking.domain.time_words import DayWindowWords, day_out_of_window, written_as_day

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.billing import InvoiceRef

NOTHING_TO_GIVE_BACK = "nothing_to_give_back"
KEY_REUSED = "idempotency_key_reused"
FIELDS = ("amount", "given_on", "method")
ATTENTION = "what was given back needs attention"
# The day it was given back: not in the future, not before the payment arrived.
GIVEN_ON = DayWindowWords(
    future="the day it was given back cannot be in the future",
    before="the day it was given back cannot be before the payment arrived",
)


class GivenBack(Model):
    """One return of money by hand, as an organiser recorded it."""

    model_config = ConfigDict(frozen=True)

    amount: int = Field(gt=0, description="Minor units given back")
    given_on: date = Field(description="The day it was sent back")
    method: ReceivedHow = Field(description="How it went back")
    recorded_at: datetime
    # The press that made it (a form's or a request's key), never anything personal.
    press: str


def given_back_total(records: tuple[GivenBack, ...]) -> int:
    return sum(r.amount for r in records)


@dataclass(frozen=True)
class GiveBackAsked:
    """What the organiser said: the amount (minor units), the day and the way."""

    amount: int
    given_on: date
    method: ReceivedHow


def left_to_give_back(application: Application) -> int:
    """What the booking still holds of money paid outside Stripe (minor units): what a record
    may give back, at most."""
    from booking.domain.off_stripe import kept_off_stripe

    return kept_off_stripe(application)


def may_give_back(application: Application) -> bool:
    """Whether money given back by hand may be recorded on it now: an ended booking (cancelled)
    that still holds money paid outside Stripe, which no action here can refund."""
    ended = application.status is ApplicationStatus.CANCELLED
    return ended and left_to_give_back(application) > 0


def asked_from(values: dict[str, object]) -> GiveBackAsked:
    """The amount (minor units, a whole number), the day (YYYY-MM-DD) and the way, as given;
    InvalidInput naming each field that needs attention, all at once."""
    fields: dict[str, str] = {}
    amount = values.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        fields["amount"] = "give the amount given back as a whole number of pence, at least 1"
    day = _day(values.get("given_on"))
    if day is None:
        fields["given_on"] = "give the day it was given back as a date, like 2027-03-01"
    method = values.get("method")
    if method not in {m.value for m in ReceivedHow}:
        fields["method"] = "choose bank transfer, cheque, cash or another way"
    if fields:
        raise InvalidInput(ATTENTION, fields)
    assert isinstance(amount, int)
    assert day is not None
    return GiveBackAsked(amount, day, ReceivedHow(str(method)))


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not written_as_day(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Holding:
    """What a record of money given back by hand is made against, a person's booking or a
    group's, as the one rule (:func:`record_of`) weighs it: its records so far, what is left
    to give back (minor units), its currency, when its payment arrived, and why nothing may be
    recorded on it now ("": it may)."""

    records: tuple[GivenBack, ...]
    left: int
    currency: str
    arrived: datetime | None
    why_not: str


def record_of(
    holding: Holding, asked: GiveBackAsked, press: str, *, now: datetime, timezone: str
) -> GivenBack | None:
    """The record ``asked`` makes under ``press`` (None: that press was recorded already).
    Conflict ``idempotency_key_reused`` when that press recorded other details
    (:func:`recorded_by`); ``nothing_to_give_back`` when nothing may be recorded on it;
    InvalidInput on ``amount`` above what is left, on ``given_on`` in the future or before the
    payment arrived."""
    if recorded_by(holding, press, asked) is not None:
        return None
    if holding.why_not:
        raise Conflict(holding.why_not, code=NOTHING_TO_GIVE_BACK)
    fields: dict[str, str] = {}
    if asked.amount > holding.left:
        fields["amount"] = (
            f"give at most {money_words(holding.left, holding.currency)}: what was paid "
            "outside Stripe and not yet given back"
        )
    wrong = day_out_of_window(asked.given_on, holding.arrived, GIVEN_ON, now=now, timezone=timezone)
    if wrong is not None:
        fields["given_on"] = wrong
    if fields:
        raise InvalidInput(ATTENTION, fields)
    return GivenBack(
        amount=asked.amount,
        given_on=asked.given_on,
        method=asked.method,
        recorded_at=now,
        press=press,
    )


def recorded_by(holding: Holding, press: str, asked: GiveBackAsked) -> GivenBack | None:
    """The record ``press`` made on ``holding`` already (a retry, a double press), or None.
    Conflict ``idempotency_key_reused`` when it recorded other details than ``asked``: a key
    or a page's press sent again with another amount, day or way would otherwise be answered
    as recorded, though what it asked was not."""
    record = next((r for r in holding.records if r.press == press), None)
    if record is None or (record.amount, record.given_on, record.method) == (
        asked.amount,
        asked.given_on,
        asked.method,
    ):
        return record
    said = given_back_words(record, holding.currency)
    raise Conflict(
        f"this was recorded already with other details ({said}): nothing was changed. To "
        "record another amount, record it afresh (open the page again, or send a new "
        "Idempotency-Key)",
        code=KEY_REUSED,
    )


def holding_of(application: Application) -> Holding:
    """A person's booking, as :func:`record_of` weighs it."""
    currency = application.invoice.currency if application.invoice else "gbp"
    left = left_to_give_back(application)
    why_not = "" if may_give_back(application) else _why_not(application, left, currency)
    return Holding(application.given_back, left, currency, payment_arrived(application), why_not)


def given_back(
    application: Application, asked: GiveBackAsked, press: str, *, now: datetime, timezone: str
) -> Application:
    """``application`` with ``asked`` recorded as given back by hand under ``press``; the same
    press recorded already: ``application`` unchanged. Refused as :func:`record_of` says (not
    cancelled, or holding nothing paid outside Stripe: ``nothing_to_give_back``; the press
    recorded already with other details: ``idempotency_key_reused``)."""
    record = record_of(holding_of(application), asked, press, now=now, timezone=timezone)
    if record is None:
        return application
    return application.model_copy(
        update={"given_back": (*application.given_back, record), "updated_at": now}
    )


def payment_arrived(application: Application) -> datetime | None:
    """When the payment outside Stripe arrived, as best known: the day the organiser said, else
    when the invoice was paid, else when the place was booked."""
    return invoice_paid_on(application.invoice) or application.booked_at


def invoice_paid_on(invoice: InvoiceRef | None) -> datetime | None:
    """When an invoice's payment arrived, as best known: the day the organiser said it was
    received outside Stripe (noon UTC), else when Stripe held it paid; None: neither known."""
    received = invoice.received if invoice is not None else None
    if received is not None and received.received_on is not None:
        day = received.received_on
        return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("UTC"))
    return invoice.paid_at if invoice is not None else None


def _why_not(application: Application, left: int, currency: str) -> str:
    if left > 0 and application.status is not ApplicationStatus.CANCELLED:
        kept = money_words(left, currency)
        return (
            f"this booking still holds its place: cancel it first; the {kept} paid outside "
            "Stripe can then be recorded as given back. Nothing was recorded"
        )
    return (
        "this booking holds no money paid outside Stripe that is not given back already: "
        "nothing was recorded"
    )


def records_data(records: tuple[GivenBack, ...]) -> list[dict[str, object]]:
    """Each record as the organisers' API and the person's export give it, oldest first
    (pence, YYYY-MM-DD, the way, when recorded): its press is never said."""
    return [r.model_dump(mode="json", exclude={"press"}) for r in records]


def records_said(records: tuple[GivenBack, ...], currency: str) -> str:
    """Every record in words, oldest first, ``; `` between ("" when none): the roster's
    spreadsheet and the CLI say them so."""
    return "; ".join(given_back_words(r, currency) for r in records)


def given_back_words(record: GivenBack, currency: str) -> str:
    """ "£200.00 given back by hand by bank transfer on Monday 1 March 2027"."""
    day = record.given_on
    how = HOW_WORDS[record.method]
    return (
        f"{money_words(record.amount, currency)} given back by hand {how} on "
        f"{day:%A} {day.day} {day:%B %Y}"
    )


__all__ = [
    "ATTENTION",
    "FIELDS",
    "KEY_REUSED",
    "NOTHING_TO_GIVE_BACK",
    "GiveBackAsked",
    "GivenBack",
    "Holding",
    "asked_from",
    "given_back",
    "given_back_total",
    "given_back_words",
    "holding_of",
    "invoice_paid_on",
    "left_to_give_back",
    "may_give_back",
    "payment_arrived",
    "record_of",
    "recorded_by",
    "records_data",
    "records_said",
]
