"""What the tests of a closing of applications share: the small course of one place, full,
with two people waiting (``WAITING``), and the moves of its one session; the subjects of the
news they are sent (``CLOSED``, ``REOPENED``, ``EARLIER``); and the emails delivered or queued
now, by address, to count those whose subject starts a given way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.emails import EmailJob, EmailKind
from booking.services.lifecycle import sweep
from tests.support.system import System

CLOSED = "Applications have closed"
REOPENED = "The dates have moved: "
EARLIER = "The dates have moved again, and applications close earlier"
WAITING = ("first@example.org", "second@example.org")  # the two waiting, in order


def full_with_one_waiting(system: System, start: datetime) -> Any:
    """The one place booked and paid two days before ``start``; first@example.org waits for it
    (applied then): their application's answer. The emails are not delivered."""
    with time_machine.travel(start - timedelta(days=2), tick=False):
        holder = system.apply(course_id="small").json()
        assert system.pay(holder["checkout_url"]).status in (200, 303)
        return system.apply(course_id="small", email="first@example.org").json()


def full_with_two_waiting(system: System, start: datetime) -> tuple[Any, Any]:
    """:func:`full_with_one_waiting`, and second@example.org waiting behind (applied a second
    later); both told (the emails delivered)."""
    first = full_with_one_waiting(system, start)
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


def two_waiting_then_moved_a_week(system: System) -> tuple[datetime, Any, dict[str, Any]]:
    """:func:`two_waiting`, and the small course's definition with its session a week later
    (:func:`small_course_moved`), not saved yet: the closing, the first waiting, and that
    definition."""
    start, closes, first, _ = two_waiting(system)
    return closes, first, small_course_moved(system, start, 7)


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


def saved_closing(system: System, definition: dict[str, Any]) -> datetime:
    """The small course saved as ``definition``: its applications' closing now."""
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 200
    return datetime.fromisoformat(system.course("small")["applications_close_at"])


def told_by_address(system: System, start: str) -> dict[str, list[Any]]:
    """The emails delivered now whose subject starts ``start``, by address."""
    told: dict[str, list[Any]] = {}
    for message in system.deliver_emails():
        if message.subject.startswith(start):
            for address in message.to:
                told.setdefault(address, []).append(message)
    return told


def counted(told: dict[str, list[Any]]) -> dict[str, int]:
    """How many of the emails :func:`told_by_address` found went to each address."""
    return {address: len(messages) for address, messages in told.items()}


def told_closed(system: System) -> tuple[datetime, datetime]:
    """The small course full with two waiting, both told at its closing that applications
    closed (their emails delivered): its start and its closing."""
    start, closes, _, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        system.deliver_emails()
    return start, closes


def queued(system: System, kind: EmailKind) -> list[EmailJob]:
    """The jobs of ``kind`` queued now, left on the queue for the mailer."""
    system.relay()
    url = system.resources.email_queue_url
    batch = system.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    jobs = [EmailJob.model_validate_json(m["Body"]) for m in batch.get("Messages", [])]
    return [job for job in jobs if job.kind is kind]
