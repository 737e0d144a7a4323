"""Work run as another Lambda invocation runs it, for the tests that race two requests."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_another_invocation(work: Callable[[], T]) -> T:
    """``work`` on a thread of its own, as another Lambda invocation runs it, and its answer: the
    AWS calls it makes (the queue's polling, Lambda's own) are not the running function's, and
    the IAM check (tests/infra/test_iam_recorded.py) attributes calls by the calling thread's
    stack."""
    with ThreadPoolExecutor(max_workers=1) as other:
        return other.submit(work).result()
