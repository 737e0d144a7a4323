"""The console's timeline names each reminder sent by the session it was for, as it was
when sent: a booking moved to another cohort, or a session moved since, never has an earlier
reminder named by a session of its new dates. Through the real handlers, moto and the Stripe
stand-in."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from booking.domain.time_words import day_when
from tests.support.cohorts import ADA, LONDON, Cohorts
from tests.support.console import signed_in
from tests.support.system import System


def _reminder_lines(system: System, application_id: str) -> list[str]:
    page = signed_in(system).words(f"/console/applications/{application_id}")
    return [line for line in page.split(" GMT ") if "Session reminder" in line]


def _reminded(system: System) -> tuple[Cohorts, dict[str, Any], datetime]:
    """Ada booked on spring and sent the 24-hour reminder of its first session: the cohorts,
    her booking and that session's start."""
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    first = datetime.combine(cohorts.spring_start, time(15, 0), LONDON)
    system.scheduled_run(first - timedelta(hours=23))  # its 24-hour reminder
    cohorts.emails()
    return cohorts, booked, first


def test_a_reminder_sent_before_a_move_keeps_the_day_of_the_cohort_it_was_for(
    system: System,
) -> None:
    cohorts, booked, first = _reminded(system)
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    cohorts.emails()
    spring_day = day_when(first, "Europe/London")
    summer_day = day_when(first + timedelta(weeks=4), "Europe/London")

    [line] = _reminder_lines(system, booked["application_id"])

    assert (
        f"Session reminder: the session of {spring_day} on Moving Leadership, from {spring_day}"
    ) in line, line
    assert summer_day not in line, line


def test_a_reminder_of_a_session_moved_since_keeps_the_day_it_was_for(system: System) -> None:
    cohorts, booked, first = _reminded(system)
    later = cohorts.files["move-spring"]["sessions"][1]
    moved = {**later, "date": (first.date() + timedelta(days=2)).isoformat()}
    system.put_course("move-spring", {**cohorts.files["move-spring"], "sessions": [moved, later]})
    cohorts.emails()
    old_day = day_when(first, "Europe/London")
    new_day = day_when(first + timedelta(days=2), "Europe/London")

    [line] = _reminder_lines(system, booked["application_id"])

    assert f"Session reminder: the session of {old_day}" in line, line
    assert new_day not in line, line


def test_a_reminder_of_the_session_as_it_still_is_is_named_by_its_title(
    system: System,
) -> None:
    _cohorts, booked, first = _reminded(system)

    [line] = _reminder_lines(system, booked["application_id"])

    assert f"Session reminder: Session 1 of 2, {day_when(first, 'Europe/London')}" in line
