"""An error a handler did not expect is logged without the personal data pydantic's message
repeats (a substitution's name reached the log in a ValidationError's traceback)."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools import Logger
from pydantic import BaseModel, ValidationError, field_validator

from booking.handlers.logged_errors import log_unexpected

SECRET = "Ada Lovelace-Secret"


class Person(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _refused(cls, value: str) -> str:
        raise ValueError("write the name in letters")


def _refusal() -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        Person(name=SECRET)
    return refused.value


def test_a_validation_error_is_logged_by_where_and_why_without_the_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = _refusal()
    assert SECRET in str(error)  # what the plain traceback would have carried
    # A service of its own per test: Powertools binds a service's handler to the stdout of the
    # moment it is first made (capsys replaces stdout per test).
    log_unexpected(Logger(service="test-logged-validation"), "unhandled error", error, path="/x")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert SECRET not in json.dumps(line)
    assert line["message"] == "unhandled error"
    assert line["path"] == "/x"
    assert line["refused"] == [{"loc": ["name"], "type": "value_error"}]
    assert line["exception_name"] == "ValidationError"


def test_any_other_error_keeps_its_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise RuntimeError("the table is gone")
    except RuntimeError as error:
        log_unexpected(Logger(service="test-logged-traceback"), "webhook failed", error)
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["message"] == "webhook failed"
    assert "the table is gone" in line["exception"]
