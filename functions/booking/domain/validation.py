"""Pydantic's validation errors as one plain-language reason per field, and the bounds every
date a person gives is held to."""

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, TypeAdapter, ValidationError

from booking.domain.errors import InvalidInput
from booking.domain.form_text import posted_as_form

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


# What to type in a field held to a pattern, by the pattern (``typed_as``): pydantic's own
# words quote the regular expression.
_PATTERN_WORDS: dict[str, str] = {}


def typed_as(pattern: str, words: str) -> str:
    """``pattern``, with the sentence a person reads when a value does not match it."""
    _PATTERN_WORDS[pattern] = words
    return pattern


def _number(value: object) -> str:
    """A bound as people write it: ``0`` for 0.0, thousands with commas."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


_AN_INSTANT = "Enter a date and time with its offset, like 2027-06-07T15:00:00Z"
# pydantic's error types, in sentences that say what to type ({name} is the error's context).
_SAID = {
    "greater_than": "Enter a number above {gt}",
    "greater_than_equal": "Enter {ge} or more",
    "less_than": "Enter a number below {lt}",
    "less_than_equal": "Enter {le} or less",
    "multiple_of": "Enter a multiple of {multiple_of}",
    "finite_number": "Enter a number, like 50",
    "int_parsing": "Enter a whole number, like 20",
    "int_type": "Enter a whole number, like 20",
    "int_from_float": "Enter a whole number, with no decimal places",
    "float_parsing": "Enter a number, like 50",
    "float_type": "Enter a number, like 50",
    "bool_parsing": "Enter true or false",
    "bool_type": "Enter true or false",
    "string_type": "Enter text",
    "string_too_short": "Use at least {min_length} characters",
    "string_too_long": "Use at most {max_length} characters",
    "too_short": "Give at least {min_length}",
    "too_long": "Give at most {max_length}",
    "literal_error": "Enter one of {expected}",
    "enum": "Enter one of {expected}",
    "date_type": "Enter a date, like 2027-06-07",
    "date_parsing": "Enter a date, like 2027-06-07",
    "date_from_datetime_parsing": "Enter a date, like 2027-06-07",
    "date_from_datetime_inexact": "Enter a date without a time, like 2027-06-07",
    "time_type": "Enter a time of day, like 15:00",
    "time_parsing": "Enter a time of day, like 15:00",
    "datetime_type": _AN_INSTANT,
    "datetime_parsing": _AN_INSTANT,
    "datetime_from_date_parsing": _AN_INSTANT,
    "timezone_aware": "give a UTC offset (Z or +01:00)",
    "extra_forbidden": "Leave this out: it is not one of the fields this takes",
    "model_type": "Give its fields as an object, like {{...}}",
    "model_attributes_type": "Give its fields as an object, like {{...}}",
    "dict_type": "Give its fields as an object, like {{...}}",
    "list_type": "Give a list, like [...]",
    "tuple_type": "Give a list, like [...]",
    "url_parsing": "Enter a full web address, like https://example.org/page",
    "url_scheme": "Enter a web address starting https://",
    "url_type": "Enter a full web address, like https://example.org/page",
}


def counted(shortest: int, longest: int, too_few: str, too_many: str) -> AfterValidator:
    """A list field's bounds said in words about what it holds (pydantic's ``min_length`` would
    say "Give at least 1" of nothing). Checked on the list as validated (a check before it
    would see JSON's strings where strict validation wants them as JSON); the field's schema
    says the bounds with :func:`counted_schema`."""

    def within(value: list[Any]) -> list[Any]:
        if len(value) < shortest:
            raise ValueError(too_few)
        if len(value) > longest:
            raise ValueError(too_many)
        return value

    return AfterValidator(within)


def counted_schema(shortest: int, longest: int) -> dict[str, Any]:
    """The bounds :func:`counted` keeps, as the published schema (OpenAPI) says them."""
    return {"minItems": shortest, "maxItems": longest}


def _reason(problem: Any) -> str:
    kind = problem["type"]
    context = {k: _number(v) for k, v in (problem.get("ctx") or {}).items()}
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == "1"):
        return "this field is required"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str((problem.get("ctx") or {}).get("pattern")))
        return words or "Enter it in the form this field takes (see the API's document)"
    said = _SAID.get(kind)
    if said is not None:
        return said.format(**context)
    # Our own validators' reasons are sentences already.
    return str(problem["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")


_EMPTY_BUT_OPTIONAL = "it cannot be empty: leave it out, or give a value"


def field_reasons(exc: ValidationError, model: type[BaseModel] | None = None) -> dict[str, str]:
    """One reason per field, each a sentence saying what to type (never pydantic's words, which
    quote regular expressions and type names). An empty value given for a field ``model`` does
    not require is said as what is wrong with it, not as "required"; a field an
    object does not take (at any depth) names the fields that object takes."""
    fields: dict[str, str] = {}
    for problem in exc.errors(include_url=False, include_input=False):
        reason = _reason(problem)
        if problem["type"] == "extra_forbidden":
            owner = _model_at(model, problem["loc"][:-1])
            reason = not_a_field(owner.model_fields) if owner else reason
        if problem["type"] != "missing" and _optional(model, problem["loc"]):
            reason = _EMPTY_BUT_OPTIONAL if reason == "this field is required" else reason
        name = ".".join(str(part) for part in problem["loc"]) or _named_field(reason) or "body"
        fields.setdefault(name, reason)
    return fields


def _model_in(kind: Any) -> type[BaseModel] | None:
    """The model a field's type holds (itself, or inside a list, an Optional or Annotated)."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind
    return next((m for m in map(_model_in, get_args(kind)) if m is not None), None)


def _model_at(
    model: type[BaseModel] | None, where: tuple[int | str, ...]
) -> type[BaseModel] | None:
    """The model of the object at ``where`` inside ``model`` (list indexes passed over)."""
    for part in where:
        if model is None:
            return None
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return model


def _optional(model: type[BaseModel] | None, where: tuple[int | str, ...]) -> bool:
    """Whether ``where`` is a field that may be left out, of ``model`` or of an object inside
    it (a facilitator's bio: ``facilitators.0.bio``)."""
    owner = _model_at(model, where[:-1]) if where else None
    if owner is None or not isinstance(where[-1], str):
        return False
    field = owner.model_fields.get(where[-1])
    return field is not None and not field.is_required()


# A course definition's whole-file check about one of its sessions opens "session N: ..." (N
# counted from 1, as an organiser counts them).
SESSION_PROBLEM = re.compile(r"^session (\d+):")


def _named_field(reason: str) -> str | None:
    """The field a whole-object check's reason is about, when it opens with the field's name
    (``completion_min_sessions must be between ...``) or names a session (``session 2: ...``,
    said under ``sessions.1``, beside that session): reported under that field, as the API
    names it, not under ``body``."""
    session = SESSION_PROBLEM.match(reason)
    if session and int(session.group(1)) > 0:
        return f"sessions.{int(session.group(1)) - 1}"
    first = reason.split(" ", 1)[0]
    return first if "_" in first and first.isidentifier() and first.islower() else None


def parse(
    model: type[Model], payload: Mapping[str, Any], message: str = "some fields need attention"
) -> Model:
    """Validate ``payload`` into ``model`` or raise :class:`InvalidInput` naming each field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(message, field_reasons(exc, model)) from None


def not_a_field(takes: Iterable[str]) -> str:
    """The reason beside a field a request does not take, naming those it does: one wording
    for the organiser API, the local tick and the public JSON bodies."""
    names = list(takes)
    if not names:
        return "not a field of this request (it takes no fields)"
    if len(names) == 1:
        return f"not a field of this request (the only field it takes is {names[0]})"
    return f"not a field of this request (the fields it takes: {', '.join(names)})"


def refuse_unknown_fields(
    body: Mapping[str, Any], takes: Iterable[str], message: str = "some fields need attention"
) -> None:
    """Every field of ``body`` that is not one of ``takes`` is refused by its name
    (InvalidInput), never ignored: a typo (``dicount_code``) must not be dropped in silence."""
    fields = list(takes)
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise InvalidInput(message, dict.fromkeys(unknown, not_a_field(fields)))


def parse_posted(
    model: type[Model], payload: Mapping[str, Any], message: str = "some fields need attention"
) -> Model:
    """A public body validated into ``model``, like :func:`parse`. Sent as JSON, a field the
    model does not have is refused by its name, at every level (a colleague's object in a group
    booking: ``colleagues.0.x``); posted by a form (``FormText`` values), extra names (a
    button's, a token's) are ignored, as a browser may send them."""
    if posted_as_form(payload):
        return parse(model, payload, message)
    refuse_unknown_fields(payload, model.model_fields, message)
    try:
        return model.model_validate(payload, extra="forbid")
    except ValidationError as exc:
        raise InvalidInput(message, field_reasons(exc, model)) from None


def parse_json_strictly(
    model: type[Model], payload: Mapping[str, Any], message: str = "some fields need attention"
) -> Model:
    """Validate a JSON object that came as JSON (the organiser API's bodies, a definition file)
    into ``model`` with JSON's own types: a number where a number is asked for, never a string
    (``"2_00"`` is not 200), nor ``true`` (not 1); dates and times stay ISO strings, as JSON
    writes them. Raises :class:`InvalidInput` naming each field, like :func:`parse`."""
    try:
        return model.model_validate_json(json.dumps(payload), strict=True)
    except ValidationError as exc:
        raise InvalidInput(message, field_reasons(exc, model)) from None


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
