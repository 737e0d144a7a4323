"""Each place counted once, and the same way, in every view: the
console's course list, the course page, the public JSON (``places_left``: what a newcomer may
book; ``places_not_taken``: the places no seat holds), the transfer choices and the CLI. A
lapsed offer's seat is held until the sweep releases it; a place freed when nobody can be
offered it is not taken, though no newcomer may book it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.offer_ends import LEAST_TIME_TO_ACT
from tests.support.cli import at_the_terminal
from tests.support.console import signed_in
from tests.support.offers import seat_offered, seat_offered_at
from tests.support.page_text import text_of
from tests.support.system import System


def _free_on_the_course_list(system: System) -> str:
    """The Free cell of the course "small" on the console's first page."""
    row = signed_in(system).get("/console").body
    row = row[row.index("/console/courses/small") :]
    return row.split('<td class="num">')[3].split("<", 1)[0]


def _row_on_the_course_list(system: System) -> str:
    """The row of the course "small" on the console's first page, as its text reads."""
    page = signed_in(system).get("/console").body
    row = page[page.index("/console/courses/small") :]
    return text_of(row[: row.index("</tr>")])


# What every organiser view says of the place freed ten minutes before applications close
# ("Full, no places left" and "Full" beside "1 left" and "Free 1 of 1").
NOT_TAKEN = "1 place not taken (too late to offer it from the waiting list; nobody new can take it)"


def _place_freed_too_late(system: System, *, before: Callable[[], object] = list) -> datetime:
    """The one place of "small" freed ten minutes before applications close (its checkout
    expired), with someone waiting, after ``before`` ran: the moment it was freed."""
    start = system.small_course()
    freed = start - CHECKOUT_HOLD - LEAST_TIME_TO_ACT + timedelta(minutes=5)
    with time_machine.travel(freed - timedelta(minutes=1), tick=False):
        before()
    seat_offered_at(system, freed)
    return freed


def test_a_place_nobody_can_be_offered_is_free_though_no_newcomer_may_book_it(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A place freed ten minutes before applications close, with someone waiting: nobody can
    be offered it, so a newcomer's ``places_left`` is 0, but it is not taken, and the CLI said
    it was ("Places: 1 of 1 taken, 0 left", from the newcomer's count)."""
    run = at_the_terminal(system, monkeypatch, capsys)
    with time_machine.travel(_place_freed_too_late(system), tick=False):
        course = system.course("small")
        assert (course["status"], course["places_left"]) == ("full", 0)
        assert course["places_not_taken"] == 1
        assert _free_on_the_course_list(system) == "1 of 1"
        page = text_of(signed_in(system).get("/console/courses/small").body)
        assert "Places 0 of 1 booked, 1 free" in page
        code, out = run("course", "small")
        assert code == 0, out
        assert "Places: 0 of 1 booked, 1 free" in out
        # Each view's state says the same of it, in the same words, never "Full".
        assert f"Status: {NOT_TAKEN}" in out
        assert f"Status {NOT_TAKEN}, 1 waiting" in page
        assert f"{NOT_TAKEN}, 1 waiting" in _row_on_the_course_list(system)
        code, out = run("courses")
        assert code == 0, out
        line = next(line for line in out.splitlines() if "[small]" in line)
        assert f"[small]: {NOT_TAKEN}, 0 of 1 booked, 1 free; £" in line, line
        assert "no places left" not in line
        # The public page and JSON stay as a newcomer reads them: full, too soon for an offer.
        assert course["no_more_offers"] is True
        public = text_of(system.api("GET", "/courses/small", headers={"accept": "text/html"}).body)
        assert "too soon for a place to be offered" in public


def test_a_cohort_offered_to_a_booking_moving_says_its_place_not_taken_alike(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The transfer choices of a booking on another cohort say "small"'s state in the same
    words as its other views (JSON ``no_more_offers``, the console's choice, the CLI's), and
    the places this booking could take there: none ("1 place left" beside
    "nobody new can take it")."""
    booked: dict[str, Any] = {}

    def book_on_the_other_cohort() -> None:
        booked.update(system.apply(email="mover@example.org").json())
        system.pay(booked["checkout_url"])

    run = at_the_terminal(system, monkeypatch, capsys)
    with time_machine.travel(
        _place_freed_too_late(system, before=book_on_the_other_cohort), tick=False
    ):
        mover = booked["application_id"]
        reply = system.admin("GET", f"/applications/{mover}/transfer-choices")
        [choice] = [c for c in reply.json()["cohorts"] if c["course_id"] == "small"]
        assert (choice["status"], choice["places_not_taken"]) == ("full", 1)
        assert (choice["places_for_this_booking"], choice["waiting"]) == (0, 1)
        assert choice["no_more_offers"] is True
        said = f"{NOT_TAKEN}, 1 waiting, 0 places left; £"
        page = text_of(signed_in(system).get(f"/console/applications/{mover}/transfer").body)
        assert said in page
        code, out = run("transfer", booked["reference"])
        assert code == 0, out
        line = next(line for line in out.splitlines() if line.startswith("small:"))
        assert f"; {said}" in line, line
        assert "1 place left" not in page + out


def test_a_lapsed_offers_seat_is_taken_in_every_view_until_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = at_the_terminal(system, monkeypatch, capsys)
    first = seat_offered(system)
    system.clock_offset += timedelta(hours=49)  # past the offer's deadline; no sweep yet
    assert system.status_of(first)["status"] == "expired"
    course = system.course("small")
    assert (course["places_left"], course["places_not_taken"]) == (0, 0)
    assert _free_on_the_course_list(system) == "0 of 1"
    code, out = run("course", "small")
    assert code == 0, out
    # The console's words, by its rule: the lapsed offer's seat is held, not booked.
    assert "Places: 0 of 1 booked, 1 held for someone who has not paid yet, 0 free" in out
    assert "Places 0 of 1 booked, 1 held for someone who has not paid yet, 0 free" in text_of(
        signed_in(system).get("/console/courses/small").body
    )
    system.scheduled_run(system.now())
    course = system.course("small")
    assert (course["places_left"], course["places_not_taken"]) == (1, 1)
    assert _free_on_the_course_list(system) == "1 of 1"
