"""Pydantic's validation errors as one plain-language reason per field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from booking.domain.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)


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
