"""A fresh interpreter's init that fails shows why: its traceback is in the
test's failure, not a bare CalledProcessError."""

from __future__ import annotations

import pytest

from tests.support.lambda_init import last_line_printed


def test_a_failing_init_fails_with_its_traceback() -> None:
    with pytest.raises(AssertionError) as caught:
        last_line_printed("raise RuntimeError('the cause, said')", in_lambda=False)
    assert "RuntimeError: the cause, said" in str(caught.value)


def test_a_clean_init_answers_its_last_line() -> None:
    assert last_line_printed("print('first'); print('last')", in_lambda=False) == "last"
