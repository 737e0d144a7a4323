"""What a repository stores when it saves an application or a group booking, and what it
refuses when it saves a course: the rules the DynamoDB adapters and the tests' fakes both keep
(``repository_port``: "returns what was stored"), so that a fake cannot drift from what the
table holds.

A save stores the next version (each write expects the version it read: ``previous``, None when
nothing is stored yet) and an empty outbox (its emails are written beside it, on their way); a
group's save claims its colleagues' enrolments too (``domain.enrolments``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.errors import Conflict

if TYPE_CHECKING:  # the mailer's cold start saves applications and never reads a group
    from booking.domain.course import Course, CourseDefinition
    from booking.domain.groups import GroupBooking

# A course's save writes its session rows in one transaction with the course, and a
# transaction holds at most 100 actions: the course's own and one per row.
MAX_SESSION_ROWS = 99


def next_version(previous: Application | GroupBooking | None) -> int:
    """The version a save writes over ``previous`` (1 for the first)."""
    return previous.version + 1 if previous else 1


def stored_application(new: Application, previous: Application | None) -> Application:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied."""
    return new.model_copy(update={"version": next_version(previous), "outbox": ()})


def stored_group(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied, its
    enrolments claimed."""
    return new.model_copy(
        update={"version": next_version(previous), "outbox": (), "enrolments_claimed": True}
    )


def places_given_up(new: GroupBooking, previous: GroupBooking | None) -> list[int]:
    """The places a group's save gives up (released in ``new``, not in ``previous``): the
    save holds only while nobody fills each of them (``GroupStore.place_holder``)."""
    before = {p.number for p in previous.places if p.released} if previous else set()
    return [p.number for p in new.places if p.released and p.number not in before]


def session_rows_refusal(stored_rows: int, rows: int) -> Conflict | None:
    """Why a course's save cannot write ``rows`` session rows over the ``stored_rows`` it
    replaces (each is written or cleared in the one transaction), or None."""
    if max(stored_rows, rows) <= MAX_SESSION_ROWS:
        return None
    return Conflict(
        f"a course may have at most {MAX_SESSION_ROWS} sessions", code="too_many_sessions"
    )


def capacity_refusal(stored: Course | None, definition: CourseDefinition) -> Conflict | None:
    """Why ``definition`` cannot replace the ``stored`` course (None: new): it would hold
    fewer places than are taken already, which would overbook; or None."""
    if stored is None or stored.seats_taken <= definition.capacity:
        return None
    return Conflict(
        "capacity cannot be lower than the places already taken", code="capacity_below_taken"
    )
