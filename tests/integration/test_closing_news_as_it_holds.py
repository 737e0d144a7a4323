"""News of a closing goes only while it holds: a save racing the sweep's marks
just after applications closed (moved later, then back; later, then earlier than at first)
must not leave the waiting list told "applications are open again ... close on" a closing
that has passed, nor "later" of dates brought earlier, nor "closed" twice in a row, nor the
reopen before the "closed" it answers. One rule, ``domain.offer_ends.closing_news_stale``,
shared with the saves' own (``open_closing``). Through the real handlers and the mailer, the
clock frozen (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.services.lifecycle import sweep
from tests.support.closing import (
    CLOSED,
    REOPENED,
    WAITING,
    counted,
    saved_closing,
    small_course_moved,
    told_by_address,
    two_waiting,
)
from tests.support.system import System


def _first_dates_at(system: System, start_time: str) -> dict[str, Any]:
    """The small course's first dates, its session starting at ``start_time``."""
    return system.one_session_file(
        programme="compassionate-leadership",
        facilitators=["facilitator@example.org"],
        offer_valid_hours=48,
        sessions=[
            {
                "date": system.course()["sessions"][0]["start"][:10],
                "start_time": start_time,
                "end_time": "17:00",
            }
        ],
    )


def _told_the_waiting(system: System) -> dict[str, list[Any]]:
    """Every email delivered now to those waiting (the booked holder is told the dates)."""
    return {a: m for a, m in told_by_address(system, "").items() if a in WAITING}


def _closed_then_saved(system: System, start: datetime, back: dict[str, Any]) -> datetime:
    """Told "closed" at the closing; five minutes on, saved later (the list reopens), then
    ``back`` (its closing passed too) before the mailer runs; the closing now."""
    closes = start - CHECKOUT_HOLD
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        assert counted(told_by_address(system, CLOSED)) == dict.fromkeys(WAITING, 1)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        saved_closing(system, small_course_moved(system, start, 1))
        return saved_closing(system, back)


def test_a_reopen_undone_before_the_mailer_tells_nothing_and_closed_is_not_said_again(
    system: System,
) -> None:
    """(a) later, then back to the first dates: no "open again" naming a closing the course no
    longer has (nor the first, passed), and the sweep's mark of the first closing again is not
    told a second "closed"."""
    start, _, first, _ = two_waiting(system)
    closes = _closed_then_saved(system, start, _first_dates_at(system, "15:00"))
    assert closes == start - CHECKOUT_HOLD
    later = closes + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert told_by_address(system, "The dates have moved") == {}
        assert sweep(system.ports, later).waits_ended == 2
        assert _told_the_waiting(system) == {}
        assert system.status_of(first)["wait_ended"] is True


def test_a_reopen_then_dates_earlier_than_at_first_is_not_said_later_nor_closed_twice(
    system: System,
) -> None:
    """(c) later, then a minute earlier than at first (passed): nothing says "later", nor is
    "closed" said again of the earlier closing."""
    start, _, first, _ = two_waiting(system)
    closes = _closed_then_saved(system, start, _first_dates_at(system, "14:59"))
    assert closes == start - CHECKOUT_HOLD - timedelta(minutes=1)
    later = closes + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert _told_the_waiting(system) == {}
        assert sweep(system.ports, later).waits_ended == 2
        assert _told_the_waiting(system) == {}
        assert system.status_of(first)["wait_ended"] is True


def test_a_reopen_that_overtakes_its_closed_goes_with_it_or_not_at_all(system: System) -> None:
    """The sweep's "closed" and a save's reopen queued before the mailer runs: the reopen,
    reached first, answers a "closed" that never went, so neither goes (the list is open and
    the person still waits on it, as they last heard); the reopen of a later closing, once a
    "closed" went, is told."""
    start, closes, first, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        reopened = saved_closing(system, small_course_moved(system, start, 2))
        assert reopened > closes
        assert _told_the_waiting(system) == {}  # neither the "closed" nor the reopen
        assert system.status_of(first)["wait_ended"] is False
    with time_machine.travel(reopened, tick=False):
        assert sweep(system.ports, reopened).waits_ended == 2
        assert counted(told_by_address(system, CLOSED)) == dict.fromkeys(WAITING, 1)
    with time_machine.travel(reopened + timedelta(minutes=5), tick=False):
        latest = saved_closing(system, small_course_moved(system, start, 4))
        told = told_by_address(system, REOPENED)
        assert counted(told) == dict.fromkeys(WAITING, 1)
        assert latest > reopened
