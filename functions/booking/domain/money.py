"""Money: an amount in minor units with its currency, never a float; and the one reading of
an amount a person types (in pounds, on every console form)."""

import re
from typing import Annotated

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from booking.domain.addresses import read_back
from booking.domain.errors import InvalidInput
from booking.domain.model import Model

# The most any one amount may be (a price, a code's discount, a bursary): £100,000.00.
MAX_MINOR_UNITS = 100_000_00
# Pounds as people type them: ASCII digits (never another script's, never ``2_00``), optional
# thousands commas in threes, at most two decimal places; a pound sign may lead.
_WHOLE = r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)"
_TYPED_POUNDS = re.compile(rf"{_WHOLE}(?:\.[0-9]{{1,2}})?", re.ASCII)
# What is a number in pounds but for its sign or its fractions of a penny: said so.
_NEGATIVE = re.compile(rf"-\s*{_WHOLE}(?:\.[0-9]+)?", re.ASCII)
_TOO_PRECISE = re.compile(rf"{_WHOLE}\.[0-9]{{3,}}", re.ASCII)


# The currencies a price is taken in, with the symbol each is written with. Each is counted in
# hundredths (pence, cents), as every amount here is typed, written and sent to Stripe: a
# currency of another exponent (Stripe's zero-decimal ``jpy``, the three-decimal ``kwd``)
# would be said and charged a hundred or a tenth of what was meant, so none is taken.
SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$"}
CURRENCIES = tuple(SYMBOLS)
# Each currency as a person names it ("priced in pounds sterling (£)").
CURRENCY_NAMES = {"gbp": "pounds sterling", "eur": "euros", "usd": "US dollars"}


def currency_named(currency: str) -> str:
    """ "pounds sterling (£)": a currency in words, with its symbol."""
    code = currency.lower()
    return f"{CURRENCY_NAMES.get(code, code.upper())} ({SYMBOLS.get(code, code.upper())})"


# What an amount in a definition file or the ``/admin`` JSON is: pence, which a person writing
# one reads as pounds (the words said "like 20", and 200 made a £2.00 course).
IN_MINOR_UNITS = "Enter a whole number of pence (cents for eur and usd), like 20000 for £200.00"


def _whole_minor_units(value: object, handler: ValidatorFunctionWrapHandler) -> int:
    """An amount that is not a whole number is refused in words that say it is in pence."""
    try:
        return int(handler(value))
    except ValidationError as wrong:
        if any(str(error["type"]).startswith("int_") for error in wrong.errors()):
            raise ValueError(IN_MINOR_UNITS) from None
        raise


class Money(Model):
    """An amount in minor units (pence) and an ISO 4217 currency code, lower case as Stripe uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Annotated[int, WrapValidator(_whole_minor_units)] = Field(
        gt=0, le=MAX_MINOR_UNITS, description="Minor units, e.g. 20000 for £200.00"
    )
    currency: str = Field(
        default="gbp",
        description="gbp, eur or usd (in any case): the currencies counted in hundredths",
        json_schema_extra={"enum": list(CURRENCIES)},
    )

    @field_validator("currency", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("currency")
    @classmethod
    def _priced_here(cls, value: str, info: ValidationInfo) -> str:
        # What was stored was held to the rule of its day and is read back as it is.
        if value in CURRENCIES or read_back(info):
            return value
        raise ValueError("Enter gbp, eur or usd: the currencies prices are taken in")

    def display(self) -> str:
        return money_words(self.amount, self.currency)

    def in_minor_units(self) -> str:
        return minor_units_words(self.amount, self.currency)


def money_words(amount: int, currency: str = "gbp") -> str:
    """An amount in minor units as a person reads it: ``20000`` is "£200.00", ``0`` "£0.00",
    ``-5000`` "-£50.00", thousands with commas; a currency without a symbol says its code
    ("200.00 CHF"). The one way money is written on every page, email, CLI line and CSV."""
    sign = "-" if amount < 0 else ""
    pence = abs(amount)
    major = f"{pence // 100:,}.{pence % 100:02d}"
    symbol = SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{major}" if symbol else f"{sign}{major} {currency.upper()}"


def money_if_any(amount: int | None, currency: str = "gbp") -> str | None:
    """``money_words`` of an amount above nothing; None for nothing (or less), where a message
    leaves out the sentence about it rather than say "£0.00"."""
    return money_words(amount, currency) if amount and amount > 0 else None


# What a currency's minor unit is called, for the /admin JSON API's words (it counts in them).
MINOR_UNIT_NAMES = {"gbp": "pence", "eur": "cents", "usd": "cents"}
_MINOR_UNITS_SAID = re.compile(r"\b[0-9]+ (?:pence|cents|minor units) \((?P<said>[^()]+)\)")


def minor_units_words(amount: int, currency: str = "gbp") -> str:
    """ "20000 pence (£200.00)": an amount as the organiser API, which takes and gives minor
    units as Stripe does, says it in a refusal (the unit it was sent in, and what it is)."""
    unit = MINOR_UNIT_NAMES.get(currency.lower(), "minor units")
    return f"{amount} {unit} ({money_words(amount, currency)})"


def said_as_typed(text: str) -> str:
    """A refusal for someone who typed the amount in pounds (the console, the CLI): every
    ":func:`minor_units_words`" in it is said as they typed it, "20000 pence (£200.00)" as
    "£200.00"."""
    return _MINOR_UNITS_SAID.sub(r"\g<said>", text)


# The least Stripe will charge in each currency taken here (Stripe's "minimum and maximum
# charge amounts", docs.stripe.com/currencies): it refuses a Checkout Session for less, and
# marks an invoice for less paid without collecting it. So an amount to pay is nothing, or at
# least this: never in between.
MINIMUM_CHARGE = {"gbp": 30, "eur": 50, "usd": 50}


def minimum_charge(currency: str) -> int:
    return MINIMUM_CHARGE.get(currency.lower(), 0)


def below_minimum_charge(amount: int, currency: str) -> str | None:
    """Why ``amount`` (what is left to pay) cannot be charged, in words: more than nothing but
    less than Stripe's minimum; ``None`` when it can be (nothing to pay, or the minimum or more).
    The one rule every path that changes what is left to pay (a price, a code, a bursary) asks."""
    least = minimum_charge(currency)
    if 0 < amount < least:
        return (
            f"This would leave {money_words(amount, currency)} to pay, and a card payment must"
            f" be at least {money_words(least, currency)}"
        )
    return None


def typed_pounds(typed: str, field: str, *, what: str = "the amount") -> int:
    """An amount a person typed in pounds, in pence, whatever its size: a number below zero
    is -1, one beyond £100,000.00 is a penny more than that. For a use case that says the
    bound itself (a bursary's is the place's price); anything not a number in pounds, or
    with more than two decimal places, is an :class:`InvalidInput` on ``field``."""
    text = typed.strip().removeprefix("£").strip()
    if _NEGATIVE.fullmatch(text):
        return -1
    if not _TYPED_POUNDS.fullmatch(text):
        if _TOO_PRECISE.fullmatch(text):
            reason = f"Enter {what} with at most two decimal places"
        else:
            reason = f"Enter {what} in pounds, like 200 or 200.00"
        raise InvalidInput(f"{what} needs attention", {field: reason})
    pounds, _, pence = text.replace(",", "").partition(".")
    # Whole pounds are checked before any arithmetic, so 20 typed digits cost nothing.
    if len(pounds.lstrip("0")) > len(str(MAX_MINOR_UNITS // 100)):
        return MAX_MINOR_UNITS + 1
    return int(pounds) * 100 + int(pence.ljust(2, "0") or "0")


def typed_amount(typed: str, field: str, *, what: str = "the amount") -> int:
    """An amount a person typed in pounds (``200``, ``200.5``, ``£1,200.50``), in pence.

    Anything else is an :class:`InvalidInput` on ``field``, in words for the person who typed
    it: not a number in pounds (``1e30``, ``2_00``, ``٢٠٠``), more than two decimal places,
    nothing, or more than £100,000.00.
    """
    amount = typed_pounds(typed, field, what=what)
    if not 0 < amount <= MAX_MINOR_UNITS:
        if amount < 0:
            raise InvalidInput(f"{what} needs attention", {field: f"Enter {what} above zero"})
        limit = Money(amount=MAX_MINOR_UNITS).display()
        raise InvalidInput(
            f"{what} needs attention",
            {field: f"Enter {what} above zero and at most {limit}"},
        )
    return amount


__all__ = [
    "MAX_MINOR_UNITS",
    "MINIMUM_CHARGE",
    "Money",
    "below_minimum_charge",
    "minimum_charge",
    "minor_units_words",
    "money_words",
    "said_as_typed",
    "typed_amount",
    "typed_pounds",
]
