"""A race made exact: something another request (or function) does, landing just before a
store's or client's call that a test names, as if it had come a moment sooner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests.support.throttled import every_call

Answer = TypeVar("Answer")


def before_the_first(
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    method: str,
    act: Callable[[], Answer],
    when: Callable[..., bool] = every_call,
) -> list[Answer]:
    """``act`` done once, just before the first call of ``target.method`` that ``when`` accepts;
    that call then goes on as it would have. What ``act`` answered (empty: never reached)."""
    real = getattr(target, method)
    reached: list[bool] = []  # before ``act`` runs: a call it makes itself does not act again
    done: list[Answer] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not reached and when(*args, **kwargs):
            reached.append(True)
            done.append(act())
        return real(*args, **kwargs)

    monkeypatch.setattr(target, method, call)
    return done
