"""What this system stored is read back as it was held on its day, by one test of the context
(``addresses.read_back``): each rule of a day skips it through that test alone."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationInfo, field_validator

from booking.domain.addresses import STORED, read_back
from booking.domain.money import Money


class _Probe(BaseModel):
    value: str

    @field_validator("value")
    @classmethod
    def _seen(cls, value: str, info: ValidationInfo) -> str:
        return f"{value}:{read_back(info)}"


@pytest.mark.parametrize(
    ("context", "stored"),
    [(STORED, True), (None, False), ({}, False), ({"stored": False}, False), ({"x": 1}, False)],
)
def test_only_the_stored_context_reads_back(context: object, stored: bool) -> None:
    assert _Probe.model_validate({"value": "v"}, context=context).value == f"v:{stored}"


def test_a_currency_of_its_day_reads_back_and_a_typed_one_is_refused() -> None:
    assert (
        Money.model_validate({"amount": 100, "currency": "jpy"}, context=STORED).currency == "jpy"
    )
    with pytest.raises(ValueError, match="gbp, eur or usd"):
        Money.model_validate({"amount": 100, "currency": "jpy"})
