"""Money: an amount in minor units with its currency, never a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Money(BaseModel):
    """An amount in minor units (pence) and an ISO 4217 currency code, lower case as Stripe uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: int = Field(gt=0, le=100_000_00, description="Minor units, e.g. 20000 for £200.00")
    currency: Annotated[str, Field(pattern=r"^[a-z]{3}$")] = "gbp"

    @field_validator("currency", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    def display(self) -> str:
        return money_words(self.amount, self.currency)


SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$"}


def money_words(amount: int, currency: str = "gbp") -> str:
    """An amount in minor units as a person reads it: ``20000`` is "£200.00", ``0`` "£0.00",
    ``-5000`` "-£50.00", thousands with commas; a currency without a symbol says its code
    ("200.00 CHF"). The one way money is written on every page, email, CLI line and CSV."""
    sign = "-" if amount < 0 else ""
    pence = abs(amount)
    major = f"{pence // 100:,}.{pence % 100:02d}"
    symbol = SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{major}" if symbol else f"{sign}{major} {currency.upper()}"


def pence_from_pounds(typed: str) -> int:
    """An amount a person typed in pounds ("200", "200.00", "£1,200.50") in minor units.
    Raises ValueError saying how to type it: not a number, not above zero, or finer than a
    penny."""
    text = typed.replace(",", "").strip().removeprefix("£").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("in pounds, like 200 or 200.00") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        raise ValueError("above zero with at most two decimal places") from None
    return int(amount * 100)


__all__ = ["Money", "money_words", "pence_from_pounds"]
