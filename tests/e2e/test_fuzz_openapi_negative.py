"""Fuzzing: schemathesis against the OpenAPI document the local stack publishes, invalid input.

The negative half of ``test_fuzz_openapi_positive.py`` (its docstring says what is checked), a
file of its own so the two halves can run on two workers.
"""

from __future__ import annotations

import pytest
from schemathesis import GenerationMode

from tests.support.openapi_fuzzing import operation_fuzzing_test

pytestmark = pytest.mark.e2e


test_invalid_input = operation_fuzzing_test(GenerationMode.NEGATIVE)
