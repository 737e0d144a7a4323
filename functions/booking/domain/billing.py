"""Who pays, and how much: employer invoices, discount codes and bursaries. Pure rules.

The price of a place is recorded on the application when it is made. A bursary (a funded
place, in full or in part) covers a fixed amount of that price first; a discount code then
reduces what is left for the applicant or their employer to pay. So a 50% code on a £200 place
with a £50 bursary leaves £75 to pay: the fund's share is the fund's, the code is the payer's.
Stripe is asked for exactly that: a line at the price less the bursary, with the code's coupon
applied, so Stripe's total and :func:`amount_due` agree.
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Self
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, field_validator, model_validator

# Re-exported: their home before ``domain.billing_details``.
from booking.domain.billing_details import MAX_PO_NUMBER as MAX_PO_NUMBER
from booking.domain.billing_details import BillingDetails as BillingDetails
from booking.domain.billing_details import ChoosesHowToPay as ChoosesHowToPay
from booking.domain.billing_details import PaymentMethod as PaymentMethod
from booking.domain.errors import InvalidInput
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.model import Model
from booking.domain.money import MAX_MINOR_UNITS, Money, below_minimum_charge
from booking.domain.payment_received import PaymentReceived
from booking.domain.statuses import ERASED_EMAIL
from booking.domain.validation import SaneInstant, typed_as

DISCOUNT_CODE_PATTERN = typed_as(
    r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$",
    "Use 3 to 40 letters, digits and hyphens, starting with a letter or digit, like SPRING-25",
)
_DISCOUNT_CODE_RE = re.compile(DISCOUNT_CODE_PATTERN)
MAX_CODE_USES = 100_000


def billing_contact_of(billing: BillingDetails | None) -> str | None:
    """The billing contact's address as lookups key it (lower case); None when no contact is
    named, or they were erased."""
    if billing is None or billing.billing_email == ERASED_EMAIL:
        return None
    return billing.billing_email.lower()


def invoice_can_be_asked(billing: BillingDetails | None, invoice_allowed: bool) -> bool:
    """Whether the person may ask for an invoice to their employer again: the course takes
    invoices (``CourseDefinition.invoice_allowed``) and a billing contact is still named (not
    erased). The status page offers it and the email that ends an invoice promises it only
    then."""
    return billing_contact_of(billing) is not None and invoice_allowed


def newly_billed_to(before: BillingDetails | None, after: BillingDetails | None) -> str | None:
    """The billing contact a change names that was not named before (as lookups key it), so
    the person's export and erasure find the application by them; None when none is new."""
    contact = billing_contact_of(after)
    return contact if contact is not None and contact != billing_contact_of(before) else None


class FormerContact(Model):
    """A billing contact an invoice was corrected away from (another address), with the
    invoice that went to them: that invoice's customer at Stripe still holds their name and
    email, so they stay named by the booking, found and erased by their address as its
    billing contact is (``domain.former_contacts``)."""

    model_config = ConfigDict(frozen=True)

    billing: BillingDetails
    invoice_id: str


class AppliedDiscount(Model):
    """The discount code an application was made with: what it takes off is part of the price
    promised to the applicant, kept however long the payment takes."""

    model_config = ConfigDict(frozen=True)

    code: str
    promotion_code_id: str
    # The provider's coupon behind the code: asked for directly, so a code that lapses at the
    # provider after the promise cannot take it back (None: recorded before coupons were kept,
    # and the promotion code is asked for instead).
    coupon_id: str | None = None
    percent_off: float | None = None
    amount_off: int | None = None  # minor units, in the course's currency
    # The course whose code it is, once the booking moved to another cohort (a code belongs to
    # one course; its use stays counted there). None: the application's own course.
    course_id: str | None = None

    def takes_off(self, amount: int) -> int:
        """What this discount takes off ``amount`` (never more than the amount): a percentage
        to the nearest penny, half a penny up, as Stripe rounds it."""
        if self.percent_off is not None:
            off = int(amount * self.percent_off / 100 + 0.5)
        else:
            off = self.amount_off or 0
        return max(0, min(off, amount))


def amount_due(price: Money, bursary: int, discount: AppliedDiscount | None) -> int:
    """What the applicant (or their employer) pays: the price less the bursary, less the code."""
    after_bursary = max(price.amount - bursary, 0)
    return after_bursary - (discount.takes_off(after_bursary) if discount else 0)


def left_too_little(
    price: Money, bursary: int, discount: AppliedDiscount | None, kept: int = 0
) -> str | None:
    """Why a price with this bursary and code cannot be paid, in words: after what was paid
    and kept already, it leaves more than nothing but less than the least Stripe charges
    (``money.below_minimum_charge``). Every path that sets a code or a bursary asks this
    before anything is written or sent to Stripe."""
    left = max(amount_due(price, bursary, discount) - kept, 0)
    return below_minimum_charge(left, price.currency)


class PromotionCode(Model):
    """What the payment provider made for a discount code: a coupon (its value) and the
    customer-facing promotion code on it. The limits are not the provider's: see
    :class:`DiscountCode`."""

    model_config = ConfigDict(frozen=True)

    promotion_code_id: str
    coupon_id: str
    code: str


class DiscountCode(Model):
    """A discount code as this system keeps it, for one course.

    Its limits are this system's own: ``uses`` counts the applications holding a use of it
    (``booking.domain.limits``: claimed when an application is made with it, given back when
    that ends without a booking), and a claim beyond ``max_uses`` is refused in the transaction
    that would make it. The provider's promotion code carries no limit, because the provider
    counts only completed payments, and a limit there would refuse a promise already made.
    """

    model_config = ConfigDict(frozen=True)

    code: str  # as the organiser wrote it
    course_id: str
    promotion_code_id: str
    coupon_id: str
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None  # the course's (an amount off is in it)
    max_uses: int | None = None
    expires_at: datetime | None = None
    uses: int = 0
    # False once an organiser expired it (and the provider's promotion code was deactivated):
    # no new application may give it; those that gave it keep the price they were promised.
    active: bool = True
    expired_at: datetime | None = None  # when an organiser expired it (None: kept before)

    @property
    def uses_left(self) -> int | None:
        """Uses a new application may still claim (None: no limit)."""
        return None if self.max_uses is None else max(self.max_uses - self.uses, 0)

    def refusal(self, now: datetime, currency: str) -> CodeRefusal | None:
        """Why the code cannot be given by a new application now; None when it can.

        Spent or expired is said first: a currency change is refused while an amount-off
        code is still usable (``cohort_currency.code_held``), so a code of the old currency
        is nearly always spent by then, and "for courses priced in ..." would send the
        applicant looking for a course it no longer works on."""
        if not self.active:
            return "spent"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "spent"
        if self.expires_at is not None and self.expires_at <= now:
            return "spent"
        if self.amount_off is not None and self.currency != currency:
            # Made for the course before its price changed currency: said as such, never as
            # a code nobody made (``services.discounts.refuse_code``).
            return OTHER_CURRENCY
        return None

    def applied(self) -> AppliedDiscount:
        return applied_discount(self, self.promotion_code_id, self.coupon_id)

    def priced_in(self, currency: str) -> DiscountCode:
        """The code as it reads on its course priced in ``currency`` now: a percentage takes
        its share of that price, having no currency of its own (it kept the one
        the course had when it was made); an amount off keeps the currency it is in."""
        if self.amount_off is not None:
            return self
        return self.model_copy(update={"currency": currency})


# Why a code cannot be given: nobody made it for this course ("unknown"), it is used up, past
# its date or expired by an organiser ("spent"), or it takes an amount off in a currency the
# course is not priced in (OTHER_CURRENCY). ``services.discounts.REFUSALS`` has words for each.
CodeRefusal = Literal["unknown", "spent", "other_currency"]
OTHER_CURRENCY: CodeRefusal = "other_currency"


class PromotionCodeState(Model):
    """What the payment provider holds about a code now: whether its promotion code may still
    be redeemed there, and how many completed payments its coupon took part in (the
    provider's count, not this system's, which counts uses held from the moment an
    application gives the code)."""

    model_config = ConfigDict(frozen=True)

    active: bool
    times_redeemed: int


def is_discount_code(text: str) -> bool:
    return bool(_DISCOUNT_CODE_RE.fullmatch(text))  # ``$`` alone lets a final "\n" in


# The smallest percentage off a code may take: a hundredth of a percent, as typed and as
# Stripe keeps it (two decimal places).
SMALLEST_PERCENT_OFF = 0.01
PERCENT_WORDS = "Enter a percentage from 0.01 to 100, with at most two decimal places, like 12.5"


class DiscountCodeDefinition(Model):
    """What an organiser posts to create a code (``POST /admin/courses/{id}/discount-codes``)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=DISCOUNT_CODE_PATTERN,
        description="3 to 40 letters, digits and hyphens; matched case-insensitively",
    )
    percent_off: float | None = Field(
        default=None,
        ge=SMALLEST_PERCENT_OFF,
        le=100,
        description="A percentage from 0.01 to 100, with at most two decimal places",
    )
    amount_off: int | None = Field(
        default=None, gt=0, le=MAX_MINOR_UNITS, description="Minor units, in the course's currency"
    )
    max_uses: int | None = Field(default=None, ge=1, le=MAX_CODE_USES)
    expires_at: SaneInstant | None = Field(default=None, description="ISO 8601 with a UTC offset")

    @field_validator("percent_off")
    @classmethod
    def _whole_hundredths(cls, value: float | None) -> float | None:
        # Stripe keeps a coupon's percentage to two decimal places: 12.345 would be a promise
        # it rounds away, and 1e-9 a discount of nothing.
        if value is not None and round(value, 2) != value:
            raise ValueError(PERCENT_WORDS)
        return value

    @model_validator(mode="after")
    def _one_kind_of_discount(self) -> Self:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("give either percent_off or amount_off")
        return self


def applied_discount(
    terms: DiscountCode | DiscountCodeDefinition,
    promotion_code_id: str = "",
    coupon_id: str | None = None,
) -> AppliedDiscount:
    """The code as an application holds it: what its terms take off, and the provider's ids
    for it (none for a code the provider has not made yet: what it would take off)."""
    return AppliedDiscount(
        code=terms.code,
        promotion_code_id=promotion_code_id,
        coupon_id=coupon_id,
        percent_off=terms.percent_off,
        amount_off=terms.amount_off,
    )


class InvoiceRef(Model):
    """The invoice currently issued for an application (or the last one, once it ended)."""

    model_config = ConfigDict(frozen=True)

    invoice_id: str
    url: str  # Stripe's hosted invoice page
    number: str | None = None
    due_at: datetime
    amount_due: int
    currency: str = "gbp"
    status: str = "open"  # open | paid | void | uncollectible | overdue
    attempt: int = 1
    resent: int = 0  # times an organiser had Stripe send it again (each on the timeline)
    # Being voided at Stripe for an organiser's act, saved before the void is asked
    # (``domain.invoice_voiding``): Stripe's ``invoice.voided`` of it ends nothing meanwhile.
    voiding: VoidingFor | None = None
    # An organiser asked for its void itself (their *Void the invoice*, or the sweep ending
    # by its void an act it could not complete), recorded before that void is applied: Stripe's
    # void of it then ends the hold even while it is marked for an act
    # (``invoice_voiding.void_ends_the_hold``, one rule with a group's ``void_asked_for``).
    void_asked: bool = False
    # Paid outside Stripe: what the organiser said of the payment (``domain.payment_received``:
    # the day, the way, the bank's reference), recorded once, after Stripe marked it paid.
    received: PaymentReceived | None = None
    # Paid through Stripe: when Stripe says it was paid (``status_transitions.paid_at``, else
    # the moment its ``invoice.paid`` was applied), recorded once with that payment, the day
    # the course's money page lists it under. None: not paid, or recorded before it was kept.
    paid_at: datetime | None = None
    # Its payer was sent the acknowledgement of that payment (queued in the save that set
    # this, ``services.payment_received``): a later press queues it only while this is False.
    payer_told: bool = False

    @property
    def still_owed(self) -> bool:
        """Whether Stripe still asks its payer for it (open, overdue or uncollectible)."""
        return self.status in ("open", "uncollectible", "overdue")


# An invoice falls due on a working day in the course's timezone: a day an accounts team is at
# work, the whole of which is theirs to pay in. Its due moment, as Stripe is given it and as
# people are shown it (its day), is DUE_TIME on that day; the place is held until the day has
# ended (the local midnight after it), and only then goes back.
DUE_TIME = time(23, 59)
SATURDAY = 5


def is_working_day(day: date, bank_holidays: Container[date]) -> bool:
    """Monday to Friday, and not a bank holiday."""
    return day.weekday() < SATURDAY and day not in bank_holidays


def invoice_due(
    now: datetime,
    due_days: int,
    first_session: datetime,
    days_before_start: int,
    timezone: str,
    bank_holidays: Container[date],
) -> datetime | None:
    """When an invoice issued now falls due: DUE_TIME on a working day, in the course's
    timezone (``bank_holidays``: the days off beyond weekends, England and Wales' here).

    The day is ``due_days`` after today; a weekend or a bank holiday moves on to the next
    working day, or back to the working day before it when the next would be too late. Too
    late is after the day ``days_before_start`` before the first session's day, or a day that
    has not ended before the first session begins. None when that leaves less than a day
    from now (too close to the start for an invoice: pay by card).
    """
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    latest = first_session.astimezone(zone).date() - timedelta(days=days_before_start)
    while day_ends(latest, zone) > first_session:
        latest -= timedelta(days=1)
    day = min(today + timedelta(days=due_days), latest)
    if not is_working_day(day, bank_holidays):
        later = _working_day_from(day, +1, bank_holidays)
        day = later if later <= latest else _working_day_from(day, -1, bank_holidays)
    due = _due_time(day, zone)
    return due if due > now + timedelta(days=1) else None


def invoice_hold_ends(due_at: datetime, timezone: str) -> datetime:
    """When the place held for an invoice due at ``due_at`` goes back: once its day has
    ended, at the local midnight after it (the day is theirs to pay in, all of it)."""
    zone = ZoneInfo(timezone)
    return day_ends(due_at.astimezone(zone).date(), zone)


def day_ends(day: date, zone: ZoneInfo) -> datetime:
    """The instant ``day`` ends in ``zone``: the next day's local midnight, as UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def _working_day_from(day: date, step: int, bank_holidays: Container[date]) -> date:
    while not is_working_day(day, bank_holidays):
        day += timedelta(days=step)
    return day


def _due_time(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, DUE_TIME, tzinfo=zone).astimezone(UTC)


def code_expires_at(last_day: date, timezone: str) -> datetime:
    """A code an organiser says works through ``last_day`` stops at the end of that day (23:59)
    in the course's timezone, the moment an invoice falls due on its day."""
    return _due_time(last_day, ZoneInfo(timezone))


_TYPED_PERCENT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?", re.ASCII)
_TYPED_COUNT = re.compile(r"[0-9]{1,6}", re.ASCII)


def typed_percent(typed: str, field: str) -> float:
    """A percentage a person typed (``50``, ``12.5``, ``50%``): above 0, at most 100, ASCII
    digits, at most two decimal places; else :class:`InvalidInput` on ``field``."""
    text = typed.strip().removesuffix("%").strip()
    if not _TYPED_PERCENT.fullmatch(text) or not 0 < float(text) <= 100:
        raise InvalidInput(
            "the percentage needs attention",
            {field: "Enter a percentage above 0 and at most 100, like 50 or 12.5"},
        )
    return float(text)


def typed_count(typed: str, field: str, *, what: str) -> int:
    """A whole number a person typed (a code's uses): ASCII digits, 1 to 100,000."""
    text = typed.strip().replace(",", "")
    if not _TYPED_COUNT.fullmatch(text) or not 1 <= int(text) <= MAX_CODE_USES:
        raise InvalidInput(
            f"{what} needs attention",
            {field: f"Enter {what} as a whole number from 1 to {MAX_CODE_USES:,}"},
        )
    return int(text)
