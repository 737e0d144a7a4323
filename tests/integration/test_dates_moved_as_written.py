"""A course's save is written only over the version it was decided on: another
save landing between the organiser's read and write makes it decide everything again on the
course as then stored, so a save that puts back dates another save had just moved is a move of
its own: recorded as one (``dates_moved_at``, which the sweep follows), its groups dated by it,
and its attendees told the dates the course holds (they were left with the other
save's). Through the real handlers on moto and the Stripe stand-in, the other save held between
the organiser's read and write at the adapter seam, the clock frozen (time-machine)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from tests.integration.test_group_dates_follow_the_course import _paid_by_card
from tests.support.groups import apply_by
from tests.support.month_before import a_month_before
from tests.support.page_text import day_as_emailed
from tests.support.system import COURSE_ID, System


def _renamed_after(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
    first: dict[str, Any],
    another_save: Callable[[], None],
) -> None:
    """The organiser renames the course as read (``first``), and ``another_save`` is written
    between that save's read and its write."""
    repository = system.ports.repository
    write = repository.put_course

    def another_save_first(*args: Any, **options: Any) -> Any:
        monkeypatch.setattr(repository, "put_course", write)
        another_save()
        return write(*args, **options)

    monkeypatch.setattr(repository, "put_course", another_save_first)
    renamed = first | {"title": "Renamed"}
    assert system.admin("PUT", f"/courses/{COURSE_ID}", json_body=renamed).status == 200


def test_a_save_written_over_another_that_moved_the_dates_is_a_move_of_its_own(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    with a_month_before(system) as (start, now):
        group = _paid_by_card(system)
        system.deliver_emails()
        assert apply_by(system, group) == start - timedelta(days=7)
        first = system.course_file(COURSE_ID)

        def ten_days_before() -> None:
            """Another save: colleagues apply ten days before."""
            with time_machine.travel(now - timedelta(seconds=30), tick=False):  # its own moment
                system.put_course(COURSE_ID, first | {"group_apply_by_days": 10})
            assert apply_by(system, group) == start - timedelta(days=10)

        _renamed_after(system, monkeypatch, first, ten_days_before)
        stored = system.stored_course(COURSE_ID)
        assert stored.definition.group_apply_by_days == 7  # written over the other save's 10
        assert stored.dates_moved_at == now
        assert apply_by(system, group) == start - timedelta(days=7)


def test_a_save_written_over_another_that_moved_the_dates_tells_the_dates_it_holds(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    with a_month_before(system) as (_, now):
        system.booked(COURSE_ID)
        system.deliver_emails()
        first = system.course_file(COURSE_ID)
        held = date.fromisoformat(first["sessions"][0]["date"])
        # A day later: a week later would be the very time of session 2.
        day_later = {**first["sessions"][0], "date": str(held + timedelta(days=1))}
        moved = first | {"sessions": [day_later, *first["sessions"][1:]]}
        other: list[str] = []

        def a_day_later() -> None:
            """Another save: session 1 a day later, its attendee told."""

            def saved_and_told() -> None:
                with time_machine.travel(now - timedelta(seconds=30), tick=False):
                    system.put_course(COURSE_ID, moved)
                other.extend(e.text for e in system.deliver_emails())

            # On a thread of its own, as the other organiser's request and the mailer are: the
            # mailer's queue is polled by Lambda's event source, never by the admin function
            # whose handler is on this thread's stack (the IAM recorded-calls check).
            elsewhere = threading.Thread(target=saved_and_told)
            elsewhere.start()
            elsewhere.join()

        _renamed_after(system, monkeypatch, first, a_day_later)
        assert [day_as_emailed(held + timedelta(days=1)) in text for text in other] == [True]
        stored = system.stored_course(COURSE_ID)
        assert (stored.definition.title, stored.definition.sessions[0].date) == ("Renamed", held)
        told = system.deliver_emails()
        assert [e.subject.startswith("Changed dates") for e in told] == [True]
        # The date the course holds, not the other save's.
        assert day_as_emailed(held) in told[0].text
