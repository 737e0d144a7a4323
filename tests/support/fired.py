"""A failure or a race a test sets up must happen: a throttle that refused no call, or a race
whose moment never came, leaves a test passing whether or not the code handles the case it is
named for. Each helper that sets one up arms a counter here (``armed``); every test, at its
end, is held to each counter it armed having counted at least once (``every_setup_fired``,
registered for the whole suite in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The counters armed in the running test, each with what it stands for (said on failing).
_armed: list[tuple[str, list[int]]] = []


def armed(what: str) -> list[int]:
    """A counter, at zero, for the failure or race ``what`` a test sets up: the helper adds
    one each time it fires, and the test fails at its end if it never did."""
    count = [0]
    _armed.append((what, count))
    return count


def unmet() -> list[str]:
    """What the running test armed that has not fired yet."""
    return [what for what, count in _armed if not count[0]]


@pytest.fixture(autouse=True)
def every_setup_fired() -> Iterator[None]:
    _armed.clear()
    yield
    idle = unmet()
    _armed.clear()
    assert not idle, f"set up but never met by the test: {idle}"
