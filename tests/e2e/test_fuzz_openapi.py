"""Fuzzing: schemathesis against the OpenAPI document the local stack publishes.

Every operation gets positive and negative generated requests (derandomized, so CI sees the
same inputs every run). Two checks on every answer: never a 5xx, and every 4xx that is not an
HTML page carries the contract's error shape ``{"error": {"code", "message", "fields"}}``.
Operations on a course are fuzzed twice, the second time with ``course_id`` pinned to the
sample course, so bodies reach validation, the seat transaction and Stripe instead of stopping
at 404. The last test checks the request count.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
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

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

MIN_REQUESTS = 1_000
FUZZ_SETTINGS = settings(
    max_examples=130,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

sent: list[tuple[str, str, int]] = []  # (mode, operation, status) of every fuzzed request


@pytest.fixture(scope="module")
def api_schema(stack: RunningStack) -> BaseSchema:
    loaded = schemathesis.openapi.from_url(f"{stack.url}/openapi.json", timeout=30)
    loaded.config.generation.update(deterministic=True)
    # The organiser operations need the token and would replace or erase the courses and
    # people the other end-to-end tests share; their answers are held to the document in the
    # integration tests (tests/support/openapi_replies.py) instead.
    return loaded.exclude(path_regex="^/admin/")


@pytest.fixture(scope="module")
def course_id(stack: RunningStack) -> str:
    return str(stack.get("/courses").json()[0]["course_id"])


def error_shape(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Every 4xx/5xx that is not an HTML page is the contract's JSON error."""
    status = response.status_code
    if status < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if content_type.startswith("text/html"):
        return None
    try:
        body = json.loads(response.content or b"")
    except ValueError as exc:
        raise AssertionError(f"{status} answer is not JSON: {response.content[:200]!r}") from exc
    error = body.get("error") if isinstance(body, dict) else None
    problems = []
    if not isinstance(error, dict):
        problems.append("no 'error' object")
    else:
        if not isinstance(error.get("code"), str) or not error.get("code"):
            problems.append("'error.code' is not a non-empty string")
        if not isinstance(error.get("message"), str):
            problems.append("'error.message' is not a string")
        fields = error.get("fields")
        if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
        ):
            problems.append("'error.fields' is not an object of strings")
    if problems:
        raise AssertionError(f"{status} error not in the contract's shape ({problems}): {body}")
    return None


CHECKS: list[CheckFunction] = [not_a_server_error, error_shape]


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    pinned: dict[str, str] | None,
) -> None:
    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(mode, path_parameters=pinned))
    def run(case: Case[Any]) -> None:
        with requests.Session() as session:
            response = case.call(session=session, timeout=30)
        sent.append((mode.value, operation.label, response.status_code))
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation(api_schema: BaseSchema, course_id: str, mode: GenerationMode) -> None:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err fails the test
        # Random ids mostly meet 404; pinned to the sample course, bodies reach validation,
        # the seat transaction and Stripe.
        variants: list[dict[str, str] | None] = [None]
        if "{course_id}" in operation.path:
            variants.append({"course_id": course_id})
        for pinned in variants:
            try:
                _fuzz(operation, mode, pinned)
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, or only a pinned one): nothing to send.
                assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no positive input"
            except Exception as exc:  # collect every operation's failure, then report all
                failures.append(f"{operation.label} pinned={pinned}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_enough_requests_and_no_server_errors() -> None:
    by_operation: dict[str, int] = {}
    for mode, label, _ in sent:
        by_operation[f"{mode} {label}"] = by_operation.get(f"{mode} {label}", 0) + 1
    print(f"\nfuzzed requests: {len(sent)} {by_operation}")
    assert len(sent) >= MIN_REQUESTS, by_operation
    assert not [s for s in sent if s[2] >= 500]
