"""A scheduled run acts as of a time that has come (late, never early), and under `make run` the
stack's own clock, the one the functions read, is what a tick moves."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from booking.domain.run_time import RunAheadOfClock, refuse_if_ahead
from infra.local.clock import LocalClock
from infra.local.mail import ReminderTicker
from tests.support.local_stack import in_process_stack

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("scheduled", [NOW, NOW - timedelta(days=90), NOW - timedelta(seconds=1)])
def test_a_run_on_time_or_late_is_let_through(scheduled: datetime) -> None:
    refuse_if_ahead(scheduled, NOW)


@pytest.mark.parametrize("ahead", [timedelta(seconds=1), timedelta(days=330)])
def test_a_run_ahead_of_the_clock_is_refused_saying_both_times(ahead: timedelta) -> None:
    with pytest.raises(RunAheadOfClock) as refused:
        refuse_if_ahead(NOW + ahead, NOW)
    said = refused.value.message
    assert (NOW + ahead).strftime("%Y-%m-%dT%H:%M:%SZ") in said
    assert "2026-12-05T12:00:00Z" in said
    assert "nothing was done" in said
    assert refused.value.code == "run_ahead_of_clock"


def test_the_local_clock_moves_only_for_the_thread_inside_reading() -> None:
    clock = LocalClock(lambda: NOW)
    later = datetime(2027, 10, 31, 15, 10, tzinfo=UTC)
    seen_elsewhere: list[datetime] = []
    with clock.reading(later):
        assert clock() == later
        other = threading.Thread(target=lambda: seen_elsewhere.append(clock()))
        other.start()
        other.join()
    assert seen_elsewhere == [NOW]  # requests served meanwhile keep the wall clock
    assert clock() == NOW


def test_a_local_tick_runs_the_schedule_on_the_stacks_clock_moved_to_its_time(
    tmp_path: Path,
) -> None:
    """What the reminders handler reads as its clock during a tick is the tick's time, so the
    deployed rule (never ahead of the clock) holds and a later day still runs locally."""
    stack = in_process_stack(tmp_path)
    read: list[tuple[str, datetime]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        read.append((event["time"], stack.clock()))
        return {"time": event["time"]}

    stack.ticker = ReminderTicker(handler, lambda: None)
    body = json.dumps({"time": "2027-10-31T15:10:00Z"}).encode()
    answer = stack._local_mail_route("POST", "/_local/scheduler/tick", {}, body)
    assert answer is not None
    assert answer.status == 200
    assert read == [("2027-10-31T15:10:00Z", datetime(2027, 10, 31, 15, 10, tzinfo=UTC))]
    # Back on the wall clock after the run.
    assert abs(stack.clock() - datetime.now(UTC)) < timedelta(minutes=1)
