"""Pydantic's validation errors as one plain-language reason per field, and the bounds every
date a person gives is held to."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, TypeAdapter, ValidationError

from booking.domain.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)


# The years any date or instant a person gives may fall in (a session, a code's expiry, a
# scheduler tick): inside them every sum the system makes (offsets, reminders, Stripe's
# timestamps) stays within what datetime and Stripe can hold.
SANE_YEARS = (2000, 2100)


def sane_year(year: int, what: str) -> None:
    if not SANE_YEARS[0] <= year <= SANE_YEARS[1]:
        raise ValueError(f"{what} must be between the years {SANE_YEARS[0]} and {SANE_YEARS[1]}")


def sane_instant(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("give a UTC offset (Z or +01:00)")
    # The instant's year, not the year as written: 0001-01-01T00:00+01:00 is before the first
    # instant datetime holds, and 9999-12-31T23:59-14:00 after the last.
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = value.year
    sane_year(year, "the time")
    return value


def _sane_date(value: date) -> date:
    sane_year(value.year, "the date")
    return value


# A moment with a UTC offset, in the sane years.
SaneInstant = Annotated[datetime, AfterValidator(sane_instant)]
SaneDate = Annotated[date, AfterValidator(_sane_date)]


def field_reasons(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in problem["loc"]) or "body"
        text = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "missing" or (
            problem["type"] == "string_too_short" and problem.get("ctx", {}).get("min_length") == 1
        ):
            text = "this field is required"
        fields.setdefault(name, text)
    return fields


def parse(
    model: type[Model], payload: Mapping[str, Any], message: str = "some fields need attention"
) -> Model:
    """Validate ``payload`` into ``model`` or raise :class:`InvalidInput` naming each field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(message, field_reasons(exc)) from None


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def parse_value(kind: Any, value: object, field: str, message: str) -> Any:
    """Validate one value as ``kind`` (e.g. ``OptionalLongText``) or raise
    :class:`InvalidInput` naming ``field``."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as exc:
        reasons = field_reasons(exc)
        raise InvalidInput(message, {field: next(iter(reasons.values()), "invalid")}) from None
