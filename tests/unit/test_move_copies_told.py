"""A move's facilitators' copies told from the cohort whose list has the person to the one held
now (``domain.facilitators_told.copy_tells``), whatever order they go in."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import Application
from booking.domain.emails import EmailJob
from booking.domain.facilitators_told import copy_tells
from booking.domain.transfers import _move_emails
from tests.support.moved_bookings import moved_through

NOW = datetime(2027, 1, 5, tzinfo=UTC)


def _moved(*cohorts: str) -> tuple[Application, list[tuple[str, str | None, EmailJob]]]:
    """A booking moved through ``cohorts`` (the first its own), and every copy of its moves:
    (cohort, reason, job)."""
    application = moved_through(*cohorts, at=NOW)
    copies = [
        (job.course_id, job.reason, job)
        for number, move in enumerate(application.transfers, start=1)
        for job in _move_emails("app1", move.from_course_id, move.to_course_id, number, 0)[1:]
    ]
    return application, copies


def _told(
    cohorts: tuple[str, ...], went: set[str], *, in_order: bool
) -> set[tuple[str, str | None]]:
    """Who hears what, the copies sent in order (or backwards), each one that tells noted as
    gone before the next is judged."""
    application, copies = _moved(*cohorts)
    told = set()
    for course, reason, job in copies if in_order else reversed(copies):
        if copy_tells(job, application, went.__contains__):
            told.add((course, reason))
            went.add(job.job_id)
    return told


def test_moved_away_and_back_before_the_mailer_tells_no_facilitators() -> None:
    for in_order in (True, False):
        assert _told(("a", "b", "a"), set(), in_order=in_order) == set()
        assert _told(("a", "b", "c", "a"), set(), in_order=in_order) == set()


def test_moved_on_and_on_is_told_to_the_first_cohort_and_the_last_alone() -> None:
    for in_order in (True, False):
        told = _told(("a", "b", "c"), set(), in_order=in_order)
        assert told == {("a", "moved_out"), ("c", "moved_in")}


def test_a_move_told_then_moved_back_is_told_both_ways() -> None:
    went = {"facilitator_copy:app1:moved-in-1", "facilitator_copy:app1:moved-out-1"}
    application, copies = _moved("a", "b", "a")
    later = {
        (c, r)
        for c, r, job in copies
        if job.move == 2 and copy_tells(job, application, went.__contains__)
    }
    assert later == {("a", "moved_in"), ("b", "moved_out")}


def _judged(
    application: Application, copies: list[tuple[str, str | None, EmailJob]], went: set[str]
) -> set[tuple[str, str | None]]:
    """Who hears what of ``copies``, each judged (and, if it tells, gone) in turn."""
    told = set()
    for course, reason, job in copies:
        if copy_tells(job, application, went.__contains__):
            told.add((course, reason))
            went.add(job.job_id)
    return told


def test_a_move_half_told_then_moved_back_keeps_every_list_right() -> None:
    """A to D (a dearer cohort, the difference paid), D's "moved to your
    cohort" gone, then back to A before A's "moved away" went: A's list never lost the
    person, so A hears nothing (no "moved to your cohort" for a list that has them), and D,
    told of them arriving, hears them leave."""
    application, copies = _moved("a", "d", "a")
    went = {"facilitator_copy:app1:moved-in-1"}
    rest = [c for c in copies if c[2].job_id not in went]
    for order in (rest, list(reversed(rest))):
        assert _judged(application, order, set(went)) == {("d", "moved_out")}


def test_a_move_told_away_then_moved_back_tells_the_first_list_of_the_return() -> None:
    """The other half: A's "moved away" went before the move back, D's "moved to" did not:
    A hears them come back, D nothing."""
    application, copies = _moved("a", "d", "a")
    went = {"facilitator_copy:app1:moved-out-1"}
    rest = [c for c in copies if c[2].job_id not in went]
    for order in (rest, list(reversed(rest))):
        assert _judged(application, order, set(went)) == {("a", "moved_in")}
