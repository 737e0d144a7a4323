"""Paying for a waiting-list offer that lapsed is refused in words, with when: the
place was held until its deadline and went back to the course, for the next person waiting.
It had answered a bare 409 ``course_full``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from booking.domain.wording import moment_when
from booking.services.lifecycle import sweep
from tests.support.offers import first_offered
from tests.support.system import System


def _pay(system: System, application: Any, how: str = "checkout") -> Any:
    path = f"/applications/{application['application_id']}/{how}"
    return system.api("POST", f"{path}?token={application['token']}")


def test_paying_an_offer_that_lapsed_says_so_with_when(system: System) -> None:
    first, second = first_offered(system)
    deadline = system.status_of(first)["offer_expires_at"]
    system.clock_offset += timedelta(hours=49)
    sweep(system.ports, system.now())
    assert system.status_of(second)["status"] == "offered"  # the place went on
    reply = _pay(system, first)
    error = reply.refused(409, "offer_lapsed")
    assert error["message"].startswith("this offer has lapsed: the place was held for you until ")
    assert "went back to the course for the next person" in error["message"]
    said = moment_when(datetime.fromisoformat(deadline), system.course("small")["timezone"])
    assert f"until {said} and was not booked by then" in error["message"]
    assert system.status_of(first)["status"] == "expired"  # nothing changed


def test_an_offer_past_its_deadline_before_the_sweep_says_when_too(system: System) -> None:
    first, _ = first_offered(system)
    system.clock_offset += timedelta(hours=49)
    reply = _pay(system, first)
    reply.refused(409, "offer_lapsed")
    assert "was held for you until " in reply.json()["error"]["message"]
