"""Counting and timing the calls a handler makes to AWS (botocore hooks) and to Stripe.

``Meter`` hooks ``before-call`` / ``after-call`` on the default boto3 session, so every
client created afterwards (the harness's and any a handler builds itself) is counted and timed
from the moment botocore starts the call to the moment it has parsed the answer: with moto that
is the whole time "inside AWS". ``Meter.stripe_request`` is told the same of each request the
Stripe SDK makes (the harness's in-process HTTP client reports to it). ``Window`` collects both
around one handler invocation.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

_STARTED = "bench_started"


@dataclass
class Window:
    """What one measured stretch of code did outside itself."""

    calls: Counter[str] = field(default_factory=Counter)  # "dynamodb.GetItem", "stripe POST ..."
    outside_s: float = 0.0  # seconds inside AWS and Stripe calls
    wall_s: float = 0.0

    def count(self, prefix: str) -> int:
        return sum(n for name, n in self.calls.items() if name.startswith(prefix))

    @property
    def own_s(self) -> float:
        return max(self.wall_s - self.outside_s, 0.0)


class Meter:
    """One meter for AWS and Stripe; ``window()`` measures a stretch of code, by ``clock``:
    wall-clock time, or ``time.thread_time`` for this thread's CPU time (``--clock cpu``: on
    a shared machine a wall-clock p99 is mostly other processes' turns)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._current: Window | None = None
        self.clock = clock

    def attach(self) -> None:
        """Hook the default boto3 session (moto's ``mock_aws`` replaces it: call inside)."""
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        events = boto3.DEFAULT_SESSION.events
        events.register("before-call", self._before_call, unique_id="bench-before-call")
        events.register("after-call", self._after_call, unique_id="bench-after-call")
        events.register("after-call-error", self._after_call, unique_id="bench-after-error")

    @contextmanager
    def window(self) -> Iterator[Window]:
        previous, self._current = self._current, Window()
        window = self._current
        started = self.clock()
        try:
            yield window
        finally:
            window.wall_s = self.clock() - started
            self._current = previous

    # -- botocore hooks --------------------------------------------------------------------

    def _before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        context[_STARTED] = self.clock()
        if self._current is not None:
            service = model.service_model.service_name
            self._current.calls[f"{service}.{model.name}"] += 1

    def _after_call(self, context: dict[str, Any], **_: Any) -> None:
        started = context.pop(_STARTED, None)
        if started is not None and self._current is not None:
            self._current.outside_s += self.clock() - started

    # -- Stripe ----------------------------------------------------------------------------

    def stripe_request(self, method: str, path: str, seconds: float) -> None:
        if self._current is not None:
            self._current.calls[f"stripe.{method.upper()} {path}"] += 1
            self._current.outside_s += seconds
