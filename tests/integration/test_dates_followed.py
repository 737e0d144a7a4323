"""A course's moved dates are followed again by the sweep where the save's by-course queries
missed something (``services.dates_followed``): in AWS those queries read an
eventually consistent index, so a group booked, or a told mark written, a moment before the
save can be missing from them. Here the index is held behind the table at the adapter seam
(``tests.support.index_lag``: moto's index is not) for what was written just before the save.
The next run of the sweep dates the group by the course and tells its manager, and reopens the
waiting list that was told "closed". What the save's own pass found is not told twice.

Through the real handlers on moto and the Stripe stand-in, the clock frozen (time-machine)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.errors import DependencyUnavailable
from booking.domain.groups import GroupBooking
from booking.domain.offer_ends import APPLICATIONS_CLOSED
from booking.services.dates_followed import FOLLOW_WINDOW
from booking.services.lifecycle import sweep
from tests.integration.test_closing_told import CLOSED, REOPENED
from tests.integration.test_group_dates_follow_the_course import _paid_by_card
from tests.support.closing import EARLIER as RETOLD
from tests.support.closing import (
    saved_closing,
    small_course_moved,
    starting,
    subjects_by_address,
    told_closed,
    two_waiting,
    two_waiting_then_moved_a_week,
)
from tests.support.groups import COLLEAGUES, MANAGER, apply_by, apply_through, manager_view
from tests.support.index_lag import index_behind
from tests.support.month_before import a_month_before
from tests.support.system import COURSE_ID, System

BOTH = {"first@example.org": 1, "second@example.org": 1}
EARLIER = "Your colleagues now apply by an earlier date"


def _days_before(system: System, days: int) -> None:
    system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {"group_apply_by_days": days})


def test_a_group_the_save_missed_is_dated_by_the_course_at_the_next_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    with a_month_before(system) as (start, now):
        with index_behind(system.ports.repository, monkeypatch):
            group = _paid_by_card(system)
            system.deliver_emails()
            _days_before(system, 10)  # earlier: its query does not find the group yet
        assert apply_by(system, group) == start - timedelta(days=7)  # the gap
        assert system.deliver_emails() == []
        followed = sweep(system.ports, now + timedelta(minutes=15)).dates_followed
        assert apply_by(system, group) == start - timedelta(days=10)
        assert followed == 1
        sent = system.deliver_emails()
        assert [m.subject.startswith(EARLIER) for m in sent if m.to == [MANAGER]] == [True]
        # Their links' email gave the later date: each colleague is sent it again, once.
        for colleague in COLLEAGUES[:2]:
            [told] = [m for m in sent if m.to == [colleague["email"]]]
            assert told.subject.startswith("Please apply for your place by an earlier date")
        assert sweep(system.ports, now + timedelta(minutes=30)).dates_followed == 0
        assert system.deliver_emails() == []


def test_what_the_save_found_is_not_told_again_and_the_window_ends(system: System) -> None:
    with a_month_before(system) as (start, now):
        group = _paid_by_card(system)
        system.deliver_emails()
        _days_before(system, 10)
        assert apply_by(system, group) == start - timedelta(days=10)
        assert len([m for m in system.deliver_emails() if m.to == [MANAGER]]) == 1
        assert sweep(system.ports, now + timedelta(minutes=1)).dates_followed == 0
        assert system.deliver_emails() == []
    course = system.stored_course(COURSE_ID)
    assert course.dates_moved_at == now
    # Saved again without moving the dates: the time of the last move is kept.
    with time_machine.travel(now + timedelta(minutes=5), tick=False):
        system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {"title": "Renamed"})
    course = system.stored_course(COURSE_ID)
    assert course.dates_moved_at == now
    # Past the window the sweep reads no course's groups for it.
    later = now + FOLLOW_WINDOW + timedelta(minutes=1)
    reads: list[str] = []
    groups_of_course = system.ports.groups.groups_of_course

    def counted(course_id: str) -> list[object]:
        reads.append(course_id)
        return list(groups_of_course(course_id))

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(system.ports.groups, "groups_of_course", counted)
        assert sweep(system.ports, later).dates_followed == 0
    assert reads == []


def test_a_closed_mark_the_reopen_missed_is_undone_at_the_next_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    closes, first, moved = two_waiting_then_moved_a_week(system)
    with time_machine.travel(closes, tick=False):
        with index_behind(system.ports.repository, monkeypatch):
            assert sweep(system.ports, closes).waits_ended == 2
            # Moved later a moment after: its reopen does not find the marks yet.
            assert system.admin("PUT", "/courses/small", json_body=moved).status == 200
        assert system.stored(first).status_reason == APPLICATIONS_CLOSED  # the gap
        assert starting(subjects_by_address(system), CLOSED) == BOTH
        followed = sweep(system.ports, closes + timedelta(minutes=15)).dates_followed
        assert system.stored(first).status_reason is None
        assert system.status_of(first)["wait_ended"] is False
        assert starting(subjects_by_address(system), REOPENED) == BOTH
        assert followed == 2
        assert sweep(system.ports, closes + timedelta(minutes=30)).dates_followed == 0
    new_closing = system.first_start("small") - CHECKOUT_HOLD
    with time_machine.travel(new_closing, tick=False):
        assert sweep(system.ports, new_closing).waits_ended == 2
        assert starting(subjects_by_address(system), CLOSED) == BOTH


def test_a_colleague_applying_past_the_old_date_of_a_group_the_save_missed_is_let_in(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moved later, the group the save missed keeps the earlier date until the sweep follows
    it; a colleague applying after that date, before the one that holds, is not refused by it."""
    with a_month_before(system) as (start, _):
        with index_behind(system.ports.repository, monkeypatch):
            group = _paid_by_card(system)
            system.deliver_emails()
            _days_before(system, 5)  # later: its query does not find the group yet
        link = manager_view(system, group)["places"][0]["apply_url"]
    with time_machine.travel(start - timedelta(days=6), tick=False):
        assert apply_by(system, group) == start - timedelta(days=7)  # passed, as stored
        applied = apply_through(system, str(link), **COLLEAGUES[0])
        assert applied.status == 201, applied.body
        assert apply_by(system, group) == start - timedelta(days=5)
        [told] = [m for m in system.deliver_emails() if m.to == [MANAGER]]
        assert told.subject.startswith("Your colleagues now apply by a later date")


def test_a_closing_brought_earlier_that_the_saves_query_reads_marked_is_told_by_the_save(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reopened a moment before a save that brings the closing earlier again: that save's
    query still reads them as told "closed"; its write from that read loses to the reopening
    and it decides again from a fresh read (each write holds only on the
    application and the course as decided from), so the save itself tells them the earlier
    closing (``closing_retold``), once, and the sweep that follows it tells nothing more."""
    start, closes = told_closed(system)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        with index_behind(system.ports.repository, monkeypatch):
            saved_closing(
                system, small_course_moved(system, start, 7)
            )  # later: reopened, told that closing
            assert starting(subjects_by_address(system), REOPENED) == BOTH
            saved_closing(
                system, small_course_moved(system, start, 3)
            )  # earlier: its query reads them marked
        assert starting(subjects_by_address(system), RETOLD) == BOTH
        assert sweep(system.ports, closes + timedelta(minutes=15)).dates_followed == 0
        assert starting(subjects_by_address(system), RETOLD) == {}


def test_a_course_whose_follow_up_fails_holds_up_no_other_course(
    system: System, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """One course's follow-up failing (its groups' query throttled) is logged at ERROR with
    its id and skipped; the sweep's other steps still run for every course: the small course's
    waiting list is told at its closing. The next run tries that course again."""
    _, closes, _, _ = two_waiting(system)
    with time_machine.travel(closes - timedelta(minutes=10), tick=False):
        _days_before(system, 10)  # the other course's dates moved: followed for an hour
    groups_of_course = system.ports.groups.groups_of_course

    def throttled(course_id: str) -> list[GroupBooking]:
        if course_id == COURSE_ID:
            raise DependencyUnavailable("throttled", code="dependency_unavailable")
        return list(groups_of_course(course_id))

    with time_machine.travel(closes, tick=False):
        with monkeypatch.context() as patch, caplog.at_level(logging.ERROR):
            patch.setattr(system.ports.groups, "groups_of_course", throttled)
            summary = sweep(system.ports, closes)
        assert summary.waits_ended == 2
        assert starting(subjects_by_address(system), CLOSED) == BOTH
        assert summary.skipped == [f"{COURSE_ID}: dependency_unavailable"]
        [failed] = [r for r in caplog.records if r.getMessage() == "moved dates not followed"]
        assert (failed.levelno, getattr(failed, "course_id", None)) == (logging.ERROR, COURSE_ID)
        later = closes + timedelta(minutes=15)
        assert sweep(system.ports, later).skipped == []  # tried again, and done
