"""The small course of one place, full, with two people waiting, and the moves of its one
session that the tests of what a closing of applications tells them share; and the emails
delivered now, by address, to count those whose subject starts a given way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from tests.support.system import System


def full_with_two_waiting(system: System, start: datetime) -> tuple[Any, Any]:
    """The one place booked and paid two days before ``start``; two people wait for it."""
    with time_machine.travel(start - timedelta(days=2), tick=False):
        holder = system.apply(course_id="small").json()
        assert system.pay(holder["checkout_url"]).status in (200, 303)
        first = system.apply(course_id="small", email="first@example.org").json()
    with time_machine.travel(start - timedelta(days=2) + timedelta(seconds=1), tick=False):
        second = system.apply(course_id="small", email="second@example.org").json()
        assert system.status_of(second)["status"] == "waitlisted"
        system.deliver_emails()
    return first, second


def two_waiting(system: System) -> tuple[datetime, datetime, Any, Any]:
    """The small course, its one place paid and two people waiting for it
    (:func:`full_with_two_waiting`): its start, its closing, and the two waiting."""
    start = system.small_course()
    first, second = full_with_two_waiting(system, start)
    return start, start - CHECKOUT_HOLD, first, second


def small_course_moved(system: System, start: datetime, days: int) -> dict[str, Any]:
    """The small course with its one session ``days`` after ``start``'s day, 15:00 to 17:00."""
    later = start + timedelta(days=days)
    return system.one_session_file(
        programme="compassionate-leadership",
        facilitators=["facilitator@example.org"],
        offer_valid_hours=48,
        sessions=[{"date": later.date().isoformat(), "start_time": "15:00", "end_time": "17:00"}],
    )


def subjects_by_address(system: System) -> dict[str, list[str]]:
    """Each address's subjects among the emails delivered now."""
    told: dict[str, list[str]] = {}
    for message in system.deliver_emails():
        for address in message.to:
            told.setdefault(address, []).append(message.subject)
    return told


def starting(told: dict[str, list[str]], start: str) -> dict[str, int]:
    """How many of each address's subjects (:func:`subjects_by_address`) start ``start``;
    addresses with none left out."""
    counted = {a: sum(s.startswith(start) for s in subjects) for a, subjects in told.items()}
    return {a: n for a, n in counted.items() if n}
