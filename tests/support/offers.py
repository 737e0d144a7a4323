"""A place offered from the waiting list, as several tests begin."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from tests.support.applications import session_id_of
from tests.support.system import System


def first_offered(system: System) -> tuple[Any, Any]:
    """A one-place course ``small``, offers held 48 h: the holder's checkout expires, the first
    waiting is offered the place, the second waits on. The two, as applied."""
    system.small_course()
    holder = system.apply(course_id="small").json()
    first = system.apply(course_id="small", email="first@example.org").json()
    second = system.apply(course_id="small", email="second@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(first)["status"] == "offered"
    assert system.status_of(second)["status"] == "waitlisted"
    return first, second


def offer_taken_up(system: System) -> tuple[Any, Any]:
    """:func:`first_offered`, then the first pays for the place offered from their own page:
    their booking confirmed, the second still waiting. The two, as applied."""
    first, second = first_offered(system)
    system.pay(system.restart_checkout(first).json()["checkout_url"])
    assert system.status_of(first)["status"] == "confirmed"
    return first, second


def seat_offered(system: System) -> dict[str, Any]:
    """The small course's one seat offered to first@example.org, waiting behind a holder whose
    checkout then expired: their application's answer."""
    system.small_course()
    holder = system.apply(course_id="small").json()
    first: dict[str, Any] = system.apply(course_id="small", email="first@example.org").json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    return first


def seat_offered_at(system: System, moment: datetime) -> dict[str, Any]:
    """As :func:`seat_offered` on the small course already loaded, the clock frozen: both
    applied a minute before ``moment``, the holder's checkout expired at ``moment`` (the seat
    offered if it may be then); first@example.org's application's answer."""
    with time_machine.travel(moment - timedelta(minutes=1), tick=False):
        holder = system.apply(course_id="small").json()
        first: dict[str, Any] = system.apply(course_id="small", email="first@example.org").json()
    with time_machine.travel(moment, tick=False):
        system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    return first
