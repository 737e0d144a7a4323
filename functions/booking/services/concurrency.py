"""Optimistic updates: read, decide, write conditionally; on a lost race, do it all again.

Every write of an application expects the version it read (``Repository.save`` raises
``StaleWrite`` otherwise). Whoever loses re-reads and decides afresh, so concurrent requests,
webhooks and sweeps converge on one outcome. This is the one loop that does it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto
from typing import Final, Literal, TypeVar

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import Conflict, DependencyUnavailable, NotFound, StaleWrite
from booking.services.ports import Ports

A = TypeVar("A")  # the state a step decides from
T = TypeVar("T")  # what it answers
MAX_ATTEMPTS = 5


def concurrent_update() -> Exception:
    """For people: the thing they asked about kept changing under them; retrying will do."""
    return Conflict("this application changed meanwhile; please retry", code="concurrent_update")


def busy_for_stripe() -> Exception:
    """For webhooks: answer 5xx, so Stripe redelivers the event later."""
    return DependencyUnavailable("the application is being updated concurrently; retry")


class _Unread(Enum):
    UNREAD = auto()


UNREAD: Final = _Unread.UNREAD


def retried(
    step: Callable[[A], T],
    read: Callable[[], A],
    *,
    first: A | Literal[_Unread.UNREAD] = UNREAD,
    attempts: int = MAX_ATTEMPTS,
    exhausted: Callable[[], Exception] = concurrent_update,
) -> T:
    """Run ``step`` on the state it is given until its write does not lose a race.

    ``step`` decides from the state passed to it and writes; it reads nothing itself. It is
    given ``first`` (what the caller has read already) or else ``read()``, and after each lost
    race (``StaleWrite``) a fresh ``read()``."""
    current = read() if first is UNREAD else first
    for attempt in range(attempts):
        try:
            return step(current)
        except StaleWrite:
            if attempt + 1 < attempts:
                current = read()
    raise exhausted()


def load_application(ports: Ports, application_id: str) -> Application:
    application = ports.repository.get_application(application_id) if application_id else None
    if application is None:
        raise NotFound(f"no application {application_id!r}")
    return application


def course_of(ports: Ports, application: Application) -> Course:
    """The course ``application`` is on (404 if it was deleted meanwhile)."""
    course = ports.repository.get_course(application.course_id)
    if course is None:
        raise NotFound("the course of this application no longer exists")
    return course
