"""How the property tests explore: the same examples on every CI run, new ones in each soak.

CI must be repeatable, so every property test runs from a fixed seed. ``make soak`` draws a fresh
random seed, prints it and hands it over as ``SOAK_SEED``, so the long run explores what CI never
tries, and a failure it finds is replayed with ``make soak SOAK_SEED=<the printed seed>``.

A seed is given with ``hypothesis.seed``, which takes precedence over ``derandomize``; each test
adds its own salt, so tests that share a strategy (the lifecycle machine's shards) explore
different examples rather than the same ones several times.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, event, seed, settings
from hypothesis.control import currently_in_test_context

_CI_SEED = 20_260_602  # any fixed number: the first core session of the real cohort

# What hypothesis.seed decorates: a test function or a state machine's class.
T = TypeVar("T", bound=Callable[..., Any])


def soak_seed() -> int | None:
    """The seed ``make soak`` drew, or None in CI and everyday runs."""
    drawn = os.environ.get("SOAK_SEED", "").strip()
    return int(drawn) if drawn else None


def seeded(salt: int) -> Callable[[T], T]:
    """``hypothesis.seed`` from the soak's seed (else the fixed CI seed) plus this test's salt."""
    base = soak_seed()
    return seed((_CI_SEED if base is None else base) + salt)


def noted(what: str) -> None:
    """A line of the run's statistics (``--hypothesis-show-statistics``), when in a run (a
    machine's steps worked out by hand run outside one)."""
    if currently_in_test_context():
        event(what)


def fuzzing(examples: int) -> settings:
    """A fuzzer's settings: ``examples`` drawn the same way on every run (derandomized, no
    example database kept between runs), no deadline (each example is a real request) and no
    health check (the odd inputs are large and mostly rejected by design)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
