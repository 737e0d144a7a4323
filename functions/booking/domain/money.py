"""Money: an amount in minor units with its currency, never a float."""

from __future__ import annotations

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
        symbol = {"gbp": "£", "eur": "€", "usd": "$"}.get(self.currency)
        major = f"{self.amount // 100:,}.{self.amount % 100:02d}"
        return f"{symbol}{major}" if symbol else f"{major} {self.currency.upper()}"


__all__ = ["Money"]
