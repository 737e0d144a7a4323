"""The test processes' garbage collector (``tests/conftest.py``): asked less often than
CPython's default, and sparing what collection loaded from its full passes."""

from __future__ import annotations

import gc

from tests import conftest


class _LoadedAtCollection:
    """A class made when this module was imported, as every test module's are."""


def test_the_collector_waits_for_more_new_objects_than_by_default() -> None:
    youngest, *_ = gc.get_threshold()
    assert youngest == conftest._NEW_OBJECTS_BEFORE_COLLECTING
    assert youngest > 700  # CPython's default


def test_what_collection_loaded_is_out_of_the_full_passes() -> None:
    # A test elsewhere gives a freeze back (tests/unit/test_snapshot_safety.py): the hook again.
    conftest.pytest_collection_finish(None)  # type: ignore[arg-type]  # it reads no session
    assert gc.get_freeze_count() > 0
    assert not any(found is _LoadedAtCollection for found in gc.get_objects())
