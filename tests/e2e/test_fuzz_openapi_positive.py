"""Fuzzing: schemathesis against the OpenAPI document the local stack publishes, valid input.

Every operation gets positive generated requests here and negative ones in
``test_fuzz_openapi_negative.py`` (derandomized, so CI sees the same inputs every run), one test
for each operation (tests/support/openapi_fuzzing.py says why). Two checks on every answer: never
a 5xx, and every 4xx that is not an HTML page carries the contract's error shape
``{"error": {"code", "message", "fields"}}``. Operations on a course are fuzzed twice, the second
time with ``course_id`` pinned to the sample course, so bodies reach validation, the seat
transaction and Stripe instead of stopping at 404. Headers and query strings with non-ASCII and
extreme values are fuzzed in ``test_fuzz_odd_input.py``, beyond what the document describes.
"""

from __future__ import annotations

import pytest
from schemathesis import BaseSchema, GenerationMode

from tests.support.openapi_fuzzing import fuzzed_operations, operation_fuzzing_test

pytestmark = pytest.mark.e2e


test_valid_input = operation_fuzzing_test(GenerationMode.POSITIVE)


def test_every_published_operation_is_fuzzed(fuzzed_schema: BaseSchema) -> None:
    # The document as the running stack serves it, its own operation included (schemathesis
    # lists every other one, and fuzzes that one only when asked by name, as here).
    assert fuzzed_operations() == fuzzed_operations(fuzzed_schema.raw_schema)
