"""What the organiser API's answers say, in words, shared by the verbs: a course by its title
and first day, whether it has ended, its places, an answer given as it came (``--json``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from booking.cli.client import read_json, segment, send
from booking.domain.seat_counts import SeatCounts, places_said
from booking.domain.wording import course_name, session_when, status_with_reason, status_words


def name_of(course: dict[str, Any]) -> str:
    """A course as the console names it: its title and first day (from the Course JSON)."""
    starts = [datetime.fromisoformat(s["start"]) for s in course.get("sessions") or []]
    if not starts:
        return str(course["title"])
    return course_name(course["title"], min(starts), course["timezone"])


def ended(course: dict[str, Any]) -> bool:
    """Whether every session of the course (from the Course JSON) is over by now."""
    ends = [datetime.fromisoformat(s["end"]) for s in course.get("sessions") or []]
    return bool(ends) and max(ends) <= datetime.now(UTC)


def places_of(places: dict[str, Any], capacity: int, *, is_over: bool = False) -> str:
    """A course's places as the console says them, by its one rule
    (``domain.seat_counts.places_said``), from the organiser API's count of them (``places``:
    booked, held and free, as a course and its totals carry it): "2 of 3 booked, 1 held for
    someone who has not paid yet, 0 free"."""
    seats = SeatCounts(booked=int(places["booked"]), held=int(places["held"]))
    return places_said(seats, capacity, int(places["free"]), ended=is_over)


def course_named(url: str, course_id: str) -> str:
    """A course as a person reads it: its title and first day (its id when it is gone)."""
    status, payload = send("GET", f"{url}/courses/{segment(course_id, 'course')}", None)
    if status >= 400:
        return course_id
    return name_of(read_json(payload))


def answered(answer: Any) -> str:
    """``--json``: the API's answer as it gave it, for scripts."""
    return json.dumps(answer, indent=2, ensure_ascii=False)


def instant(iso: str) -> datetime:
    """An API's ISO 8601 moment (``...Z``) as an aware datetime."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


class _SessionSpan(NamedTuple):
    start: datetime
    end: datetime


def session_said(session: dict[str, Any], timezone: str) -> str:
    """A session the API answered (its ``start`` and ``end``) as the console says it, in the
    course's clock: "Monday 7 June 2027, 15:00-17:00 BST"."""
    return session_when(_SessionSpan(instant(session["start"]), instant(session["end"])), timezone)


def status_in_words(answer: dict[str, Any]) -> str:
    """An application the API answered, its status in words: the API's own (``status_said``,
    which says a refund that failed at Stripe), else made from its status and reason."""
    said = answer.get("status_said")
    return (
        said
        if isinstance(said, str) and said
        else status_with_reason(answer["status"], answer.get("status_reason"))
    )


def roster_status_words(row: dict[str, Any]) -> str:
    """A roster row's status in a word or two: "Refund failed" for a booking whose refund
    failed at Stripe, its money still held (``refund_failed``), never "Refunded"."""
    return "Refund failed" if row.get("refund_failed") else status_words(row["status"])
