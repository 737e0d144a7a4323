"""The sweep's "applications have closed" mark holds only while the course is as the sweep read
it: an organiser's save of the course landing between the sweep's read of the
course and its mark of each person wins, and the mark is decided again from the course as saved.
A save that moved the dates later tells nobody "closed" (applications are open again, and the
save's reopen found nobody marked to undo) and everyone is told at the new closing; a save that
left the closing as it was tells everyone in that same run.

Through the real handlers on moto, the clock frozen (time-machine); the save is made inside the
sweep's first mark, just before it is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.offer_ends import APPLICATIONS_CLOSED
from booking.services.lifecycle import sweep
from tests.integration.test_closing_told import CLOSED, REOPENED
from tests.support.closing import (
    starting,
    subjects_by_address,
    two_waiting,
    two_waiting_then_moved_a_week,
)
from tests.support.races import at_the_first
from tests.support.system import System

BOTH = {"first@example.org": 1, "second@example.org": 1}


def _swept_with_a_save_of_the_course(
    system: System, monkeypatch: pytest.MonkeyPatch, at: datetime, definition: dict[str, Any]
) -> int:
    """The sweep at ``at``, the course saved as ``definition`` as its first mark is written:
    how many it told."""
    with monkeypatch.context() as patched:
        saved = at_the_first(
            patched,
            system.ports.repository,
            "save",
            lambda: system.admin("PUT", "/courses/small", json_body=definition).status,
            lambda new, *previous, **options: new.status_reason == APPLICATIONS_CLOSED,
        )
        told = sweep(system.ports, at).waits_ended
    assert saved == [200]
    return told


def test_a_course_moved_later_as_the_sweep_marks_its_list_is_told_at_the_new_closing(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    closes, first, moved = two_waiting_then_moved_a_week(system)
    with time_machine.travel(closes, tick=False):
        assert _swept_with_a_save_of_the_course(system, monkeypatch, closes, moved) == 0
        told = subjects_by_address(system)
        assert starting(told, CLOSED) == {}  # applications are open again
        assert starting(told, REOPENED) == {}  # nobody was told they had closed
        assert system.status_of(first)["wait_ended"] is False
        assert system.stored(first).status_reason is None
    new_closing = system.first_start("small") - CHECKOUT_HOLD
    with time_machine.travel(new_closing, tick=False):
        assert sweep(system.ports, new_closing).waits_ended == 2
        assert starting(subjects_by_address(system), CLOSED) == BOTH
        assert sweep(system.ports, new_closing).waits_ended == 0


def test_a_save_that_keeps_the_closing_leaves_the_sweep_telling_everyone_in_the_same_run(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, closes, _, _ = two_waiting(system)
    retitled = system.one_session_file(
        title="Small cohort, renamed",
        programme="compassionate-leadership",
        facilitators=["facilitator@example.org"],
        offer_valid_hours=48,
    )
    with time_machine.travel(closes, tick=False):
        assert _swept_with_a_save_of_the_course(system, monkeypatch, closes, retitled) == 2
        assert starting(subjects_by_address(system), CLOSED) == BOTH
        assert system.first_start("small") == start
