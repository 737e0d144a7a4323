"""A race made exact: something another request (or function) does, landing just before or
just after a store's, client's or module's call that a test names, as if it had come a moment
sooner or later."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

from booking.domain.emails import OutgoingEmail
from tests.support import system as system_module
from tests.support.fired import armed
from tests.support.throttled import every_call

Answer = TypeVar("Answer")


def at_the_first(
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    method: str,
    act: Callable[[], Answer],
    when: Callable[..., bool] = every_call,
    *,
    after: bool = False,
) -> list[Answer]:
    """``act`` done once at the first call of ``target.method`` that ``when`` accepts: just
    before it, the call then going on as it would have (``after``: just after it answered,
    before its caller goes on). What ``act`` answered. The test fails if it was never
    reached (``tests.support.fired``)."""
    real = getattr(target, method)
    # Counted before ``act`` runs: a call it makes itself does not act again.
    reached = armed(f"a race at {type(target).__name__}.{method}")
    done: list[Answer] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        acting = not reached[0] and when(*args, **kwargs)
        if acting:
            reached[0] += 1
        if acting and not after:
            done.append(act())
        answer = real(*args, **kwargs)
        if acting and after:
            done.append(act())
        return answer

    monkeypatch.setattr(target, method, call)
    return done


@contextmanager
def as_an_email_is_sent(
    monkeypatch: pytest.MonkeyPatch,
    act: Callable[[], Answer],
    which: Callable[[OutgoingEmail], bool],
) -> Iterator[list[Answer]]:
    """While held, ``act`` done once just after the first email ``which`` accepts has gone to
    SES, before the mailer records what it said (:func:`at_the_first` on the system's sender):
    what ``act`` answered, once it ran."""
    with monkeypatch.context() as patched:
        yield at_the_first(
            patched,
            system_module._Recording,
            "send",
            act,
            lambda recording, message: which(message),
            after=True,
        )
