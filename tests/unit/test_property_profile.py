"""Every property test in the suite runs under the one profile ``tests/conftest.py`` loads: the
same examples on every run (CI is repeatable; ``make soak`` seeds its own) and no deadline (a
timed assertion that a loaded machine fails)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


def test_the_suite_runs_under_the_booking_profile() -> None:
    active = settings.default
    assert active is not None, "no hypothesis profile loaded"
    assert active.deadline is None
    assert active.derandomize
    assert active.database is None


_drawn: list[list[int]] = []


@given(st.lists(st.integers(), min_size=3))
def _draw(values: list[int]) -> None:
    _drawn[-1].append(len(values) + sum(values))


def test_a_test_without_settings_of_its_own_draws_the_same_examples_each_run() -> None:
    for _ in range(2):
        _drawn.append([])
        _draw()
    assert _drawn[0] == _drawn[1]
    assert len(_drawn[0]) > 10
