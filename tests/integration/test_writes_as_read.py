"""Every write acts on what the reads say: an offer read as lapsed (before the
sweep ends it, and after) and an application on a course whose applications have closed take no
place through an organiser's bursary; the refusal is a 409 in words, nothing is written or
emailed, and the console offers no bursary then (``domain.offer_ends.place_refusal``). Through
the real handlers, the clock frozen (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.services.lifecycle import sweep
from tests.support.closing import full_with_one_waiting
from tests.support.console import signed_in
from tests.support.offers import seat_offered, seat_offered_at
from tests.support.page_text import text_of
from tests.support.system import System

BURSARY_BUTTON = "Grant a bursary"


def _offered_until_closing(system: System) -> tuple[datetime, Any]:
    """A small course's place offered to the first waiting an hour before it starts: held
    until applications close (``CHECKOUT_HOLD`` before the start)."""
    start = system.small_course()
    freed = start - timedelta(hours=1)
    first = seat_offered_at(system, freed)
    with time_machine.travel(freed, tick=False):
        assert system.status_of(first)["status"] == "offered"
        system.deliver_emails()
    return start - CHECKOUT_HOLD, first


def _refused_untouched(system: System, application: Any, code: str) -> str:
    """A full bursary for ``application``: refused with ``code``, nothing written or emailed;
    its words."""
    before = system.stored(application["application_id"])
    refused = system.grant_bursary(application, 20000)
    assert refused.status == 409, refused.body
    error = refused.json()["error"]
    assert error["code"] == code
    assert system.stored(application["application_id"]) == before
    assert [m for m in system.deliver_emails() if m.to == ["first@example.org"]] == []
    page = signed_in(system).get(f"/console/applications/{application['application_id']}").body
    assert BURSARY_BUTTON not in text_of(page)
    return str(error["message"])


def test_a_bursary_for_an_offer_lapsed_at_closing_is_refused_before_the_sweep_and_after(
    system: System,
) -> None:
    closes, first = _offered_until_closing(system)
    with time_machine.travel(closes - timedelta(minutes=5), tick=False):  # still offered
        page = signed_in(system).get(f"/console/applications/{first['application_id']}").body
        assert BURSARY_BUTTON in text_of(page)
    with time_machine.travel(closes + timedelta(seconds=15), tick=False):  # no sweep yet
        assert system.stored(first["application_id"]).status.value == "offered"
        assert system.status_of(first)["status"] == "expired"
        said = _refused_untouched(system, first, "offer_lapsed")
        assert "this offer lapsed on" in said
        assert "nothing was changed and nobody was emailed" in said
        sweep(system.ports, closes + timedelta(seconds=15))
        system.deliver_emails()
        assert system.stored(first["application_id"]).status.value == "expired"
        _refused_untouched(system, first, "offer_lapsed")


def test_a_bursary_for_an_offer_past_its_deadline_is_refused_while_the_course_is_open(
    system: System,
) -> None:
    first = seat_offered(system)
    assert system.status_of(first)["status"] == "offered"
    system.deliver_emails()
    system.clock_offset += timedelta(hours=49)  # past its deadline; no sweep yet
    assert system.stored(first["application_id"]).status.value == "offered"
    _refused_untouched(system, first, "offer_lapsed")


def test_a_bursary_once_applications_closed_is_refused_for_the_waiting_list(
    system: System,
) -> None:
    start = system.small_course()
    first = full_with_one_waiting(system, start)
    system.deliver_emails()
    with time_machine.travel(start - CHECKOUT_HOLD, tick=False):  # closed; no sweep yet
        said = _refused_untouched(system, first, "course_closed")
        assert said.startswith("applications for this course closed on ")
