"""Fuzzing: schemathesis against the OpenAPI document the local stack publishes.

Every operation gets positive and negative generated requests (derandomized, so CI sees the
same inputs every run). Two checks on every answer: never a 5xx, and every 4xx that is not an
HTML page carries the contract's error shape ``{"error": {"code", "message", "fields"}}``.
Operations on a course are fuzzed twice, the second time with ``course_id`` pinned to the
sample course, so bodies reach validation, the seat transaction and Stripe instead of stopping
at 404. Each mode's test counts its own requests, so any one of them can run alone.
Headers and query strings with non-ASCII and extreme values are fuzzed in
``test_fuzz_odd_input.py``, beyond what the document describes.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
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

from tests.e2e.conftest import RunningStack
from tests.support.contract import error_shape_problems
from tests.support.exploration import fuzzing

pytestmark = pytest.mark.e2e

MIN_REQUESTS_PER_MODE = 800
FUZZ_SETTINGS = fuzzing(130)


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
    return str(stack.sample()["course_id"])


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
    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(mode, path_parameters=pinned))
    def run(case: Case[Any]) -> None:
        with requests.Session() as session:
            # Straight to the local stack: no proxy settings or .netrc looked up in the
            # environment again for each of its thousands of requests (about 0.4 ms each).
            session.trust_env = False
            response = case.call(session=session, timeout=30)
        sent.append((operation.label, response.status_code))
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation(api_schema: BaseSchema, course_id: str, mode: GenerationMode) -> None:
    failures: list[str] = []
    sent: list[tuple[str, int]] = []  # (operation, status) of every request this mode sent
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err fails the test
        # Random ids mostly meet 404; pinned to the sample course, bodies reach validation,
        # the seat transaction and Stripe.
        variants: list[dict[str, str] | None] = [None]
        if "{course_id}" in operation.path:
            variants.append({"course_id": course_id})
        for pinned in variants:
            try:
                _fuzz(operation, mode, pinned, sent)
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, or only a pinned one): nothing to send.
                assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no positive input"
            except Exception as exc:  # collect every operation's failure, then report all
                failures.append(f"{operation.label} pinned={pinned}: {exc}")
    assert not failures, "\n\n".join(failures)
    by_operation: dict[str, int] = {}
    for label, _ in sent:
        by_operation[label] = by_operation.get(label, 0) + 1
    print(f"\n{mode.value}: {len(sent)} fuzzed requests {by_operation}")
    # The checks ran on every answer; these make sure there were answers to check.
    assert len(sent) >= MIN_REQUESTS_PER_MODE, by_operation
    assert not [s for s in sent if s[1] >= 500]
