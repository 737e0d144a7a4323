"""The console's discount code form: what an organiser types, read into the definition the
``/admin`` API takes (``DiscountCodeDefinition``), every mistake beside its field.

Amounts are typed in pounds (``typed_amount``), a percentage as a number, the uses as a whole
number, and the expiry as the last day the code works (to 23:59 that day in the course's
timezone). The definition is then validated exactly as the API validates it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from booking.domain.billing import (
    DiscountCodeDefinition,
    code_expires_at,
    typed_count,
    typed_percent,
)
from booking.domain.errors import InvalidInput
from booking.domain.money import said_as_typed, typed_amount
from booking.domain.validation import SANE_YEARS, parse
from booking.handlers.sentences import capitalised

FIELDS = ("code", "percent_off", "amount_off", "max_uses", "last_day")
_MESSAGE = "the discount code needs attention"


def typed_values(posted: Mapping[str, Any]) -> dict[str, str]:
    """What was typed in the form's fields, to show again beside any mistake."""
    return {name: value.strip() for name in FIELDS if isinstance(value := posted.get(name), str)}


def definition_from_form(typed: Mapping[str, str], timezone: str) -> DiscountCodeDefinition:
    """The definition the form describes, or :class:`InvalidInput` naming every field that
    needs attention (all of them at once, not the first only)."""
    body: dict[str, Any] = {"code": typed.get("code", "")}
    problems: dict[str, str] = {}

    def read(name: str, reader: Callable[[str], Any], key: str | None = None) -> None:
        text = typed.get(name, "")
        if not text:
            return
        try:
            body[key or name] = reader(text)
        except InvalidInput as wrong:
            problems.update(wrong.fields)

    read("percent_off", lambda t: typed_percent(t, "percent_off"))
    read("amount_off", lambda t: typed_amount(t, "amount_off", what="the amount off"))
    read("max_uses", lambda t: typed_count(t, "max_uses", what="the number of uses"))
    read("last_day", lambda t: code_expires_at(_day(t), timezone).isoformat(), "expires_at")
    if "percent_off" in body and "amount_off" in body:
        problems["amount_off"] = "Give a percentage or an amount off, not both"
    elif not problems.keys() & {"percent_off", "amount_off"} and not (
        "percent_off" in body or "amount_off" in body
    ):
        problems["percent_off"] = "Give a percentage or an amount off"
    try:
        definition = parse(DiscountCodeDefinition, body, _MESSAGE)
    except InvalidInput as wrong:
        # Each reason beside its field; one for no field of the form goes above it.
        raise InvalidInput(_MESSAGE, beside_fields(wrong.fields) | problems) from None
    if problems:
        raise InvalidInput(_MESSAGE, problems)
    return definition


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_MESSAGE, {"last_day": "Enter a date, like 2027-05-31"}) from None
    if not SANE_YEARS[0] <= day.year <= SANE_YEARS[1]:
        raise InvalidInput(
            _MESSAGE,
            {"last_day": f"Enter a date between the years {SANE_YEARS[0]} and {SANE_YEARS[1]}"},
        )
    return day


def _sentence(reason: str) -> str:
    if reason.startswith("String should match pattern"):
        return "Use 3 to 40 letters, digits and hyphens, starting with a letter or digit"
    # Amounts are typed here in pounds: the use case's "20000 pence (£200.00)" is said as typed.
    return said_as_typed(capitalised(reason))


def beside_fields(reasons: Mapping[str, str]) -> dict[str, str]:
    """Reasons the use case gave (the API's field names) beside the form's fields: a code's
    ``expires_at`` is the form's last day; reasons for no field of the form are not placed."""
    placed: dict[str, str] = {}
    for name, reason in reasons.items():
        shown = "last_day" if name == "expires_at" else name
        if shown in FIELDS:
            placed[shown] = _sentence(reason)
    return placed
