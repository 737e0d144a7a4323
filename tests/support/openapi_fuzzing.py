"""Fuzzing one operation of the OpenAPI document the local stack publishes, with schemathesis.

Each operation (and, for an operation on a course, each of its two variants: any ``course_id``,
then ``course_id`` pinned to the sample course) is a test of its own, listed when the tests are
collected from the same document the stack serves, so pytest-xdist can spread them: fuzzing
every operation in one test held one worker for minutes while the other sat idle at the end of
the run. The positive and the negative mode are two files for the same reason (``make test``
keeps a file's tests on one worker).

Generation is derandomized: the seed comes from the source of the generating function in
``_fuzz``, so it is the same for every operation and every run (editing that function draws
other examples, as many).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import (
    APIOperation,
    BaseSchema,
    Case,
    CheckContext,
    CheckFunction,
    GenerationMode,
    Response,
)
from schemathesis.checks import not_a_server_error

from booking.handlers.openapi import openapi_document
from tests.support.contract import error_shape_problems
from tests.support.exploration import fuzzing

# The organiser operations need the token and would replace or erase the courses and people the
# other end-to-end tests share; their answers are held to the document in the integration tests
# (tests/support/openapi_replies.py) instead.
NOT_FUZZED = "^/admin/"
FUZZ_SETTINGS = fuzzing(130)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class FuzzedOperation:
    """One operation of the document, fuzzed with any ``course_id`` or with the sample one."""

    method: str
    path: str
    pinned: bool

    @property
    def label(self) -> str:
        """How schemathesis names the operation: ``GET /courses/{course_id}``."""
        return f"{self.method.upper()} {self.path}"

    def __str__(self) -> str:
        return f"{self.label} (sample course)" if self.pinned else self.label


def fuzzed_operations(document: dict[str, Any] | None = None) -> list[FuzzedOperation]:
    """Every operation of the document (by default built in process, as the stack builds the one
    it serves) but the organisers', in its order; an operation on a course twice: random ids
    mostly meet 404, while pinned to the sample course, bodies reach validation, the seat
    transaction and Stripe."""
    found: list[FuzzedOperation] = []
    paths: dict[str, dict[str, Any]] = (document or openapi_document(""))["paths"]
    for path, item in paths.items():
        if re.search(NOT_FUZZED, path):
            continue
        for method in (m for m in item if m in _METHODS):
            found.append(FuzzedOperation(method, path, pinned=False))
            if "{course_id}" in path:
                found.append(FuzzedOperation(method, path, pinned=True))
    return found


def error_shape(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx/5xx that is not an HTML page is the contract's JSON error."""
    content_type = (response.headers.get("content-type") or [""])[0]
    problems = error_shape_problems(response.status_code, content_type, response.content or b"")
    if problems:
        raise AssertionError("; ".join(problems))
    return None


CHECKS: list[CheckFunction] = [not_a_server_error, error_shape]


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    pinned: dict[str, str] | None,
    sent: list[tuple[str, int]],
) -> None:
    # One connection kept open for the operation's examples, as a client's would be: a fresh
    # session for each example opened a connection each time, and the stack started a thread
    # for it. Straight to the local stack: no proxy settings or .netrc looked up in the
    # environment for each of its thousands of requests (about 0.4 ms each).
    with requests.Session() as session:
        session.trust_env = False

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy(mode, path_parameters=pinned))
        def run(case: Case[Any]) -> None:
            # Each example as a new visitor: no cookie an earlier answer set is sent back.
            session.cookies.clear()
            response = case.call(session=session, timeout=30)
            sent.append((operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS)

        run()


def _varies(operation: APIOperation[Any, Any, Any, Any], pinned: dict[str, str] | None) -> bool:
    """Whether the operation has an input left to generate: a body, or a parameter not pinned
    (the console's session cookie is one)."""
    fixed = set(pinned or ())
    return len(operation.body) > 0 or any(p.name not in fixed for p in operation.iter_parameters())


def fuzz_operation(
    schema: BaseSchema, fuzzed: FuzzedOperation, mode: GenerationMode, course_id: str
) -> int:
    """Fuzz one operation in one mode, the checks on every answer; how many requests it sent."""
    operation = schema.find_operation_by_label(fuzzed.label)
    assert operation is not None, f"{fuzzed.label} is not in the document the stack serves"
    pinned = {"course_id": course_id} if fuzzed.pinned else None
    sent: list[tuple[str, int]] = []  # (operation, status) of every request
    try:
        _fuzz(operation, mode, pinned, sent)
    except Unsatisfiable:
        # Nothing to make invalid (no parameters, or only a pinned one): nothing to send.
        assert mode is GenerationMode.NEGATIVE, f"{fuzzed}: no positive input"
        return 0
    print(f"\n{mode.value} {fuzzed}: {len(sent)} fuzzed requests")
    # The checks ran on every answer; these make sure there were answers to check: every
    # example an operation's settings ask for, or the one request there is when nothing varies.
    least = FUZZ_SETTINGS.max_examples if _varies(operation, pinned) else 1
    assert len(sent) >= least, f"{fuzzed}: {len(sent)} requests sent, fewer than {least}"
    assert not [s for s in sent if s[1] >= 500]
    return len(sent)


def operation_fuzzing_test(mode: GenerationMode) -> Callable[..., None]:
    """The test fuzzing every operation in ``mode``, one operation a test; each mode's file
    holds it under a name of its own."""

    @pytest.mark.parametrize("fuzzed", fuzzed_operations(), ids=str)
    def test(fuzzed_schema: BaseSchema, sample_course_id: str, fuzzed: FuzzedOperation) -> None:
        fuzz_operation(fuzzed_schema, fuzzed, mode, sample_course_id)

    return test
