"""The answers built by reading a record's own fields (``model_validate(record,
from_attributes=True)``): each field an answer shows must be one its record has, or a renamed
field would go out as the answer's default (None, 0, "card") and no type checker would say so."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import BaseModel

from booking.domain.attendance import Completion
from booking.domain.attendance_import import AttendeeRow
from booking.handlers.register_views import AttendeeRowOut, ClosedRegisterOut, CompletionOut
from booking.handlers.views import ApplicationOut
from booking.services.application_view import ApplicationView
from booking.services.register import ClosedRegister


def _fields(record: type) -> set[str]:
    if dataclasses.is_dataclass(record):
        return {f.name for f in dataclasses.fields(record)}
    if issubclass(record, BaseModel):
        return set(record.model_fields)
    return set(getattr(record, "_fields", ()))  # a NamedTuple


@pytest.mark.parametrize(
    ("answer", "record"),
    [
        (ApplicationOut, ApplicationView),
        (CompletionOut, Completion),
        (AttendeeRowOut, AttendeeRow),
        (ClosedRegisterOut, ClosedRegister),
    ],
    ids=lambda kind: kind.__name__,
)
def test_every_field_an_answer_shows_is_its_records_own(
    answer: type[BaseModel], record: type
) -> None:
    assert set(answer.model_fields) <= _fields(record)
