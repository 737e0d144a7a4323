"""Fuzzing: schemathesis against the OpenAPI document the local stack publishes, invalid input.

The negative half of ``test_fuzz_openapi_positive.py`` (its docstring says what is checked), a
file of its own so the two halves can run on two workers.
"""

from __future__ import annotations

import pytest
from schemathesis import BaseSchema, GenerationMode

from tests.support.openapi_fuzzing import FuzzedOperation, fuzz_operation, fuzzed_operations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("fuzzed", fuzzed_operations(), ids=str)
def test_invalid_input(
    fuzzed_schema: BaseSchema, sample_course_id: str, fuzzed: FuzzedOperation
) -> None:
    fuzz_operation(fuzzed_schema, fuzzed, GenerationMode.NEGATIVE, sample_course_id)
