"""Each place counted once, and the same way, in every view (hostile22 H5, review18 L5): the
console's course list, the course page, the public JSON (``places_left``: what a newcomer may
book; ``places_not_taken``: the places no seat holds), the transfer choices and the CLI. A
lapsed offer's seat is held until the sweep releases it; a place freed when nobody can be
offered it is not taken, though no newcomer may book it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from booking.domain.course import CHECKOUT_HOLD
from booking.domain.offer_ends import LEAST_TIME_TO_ACT
from tests.integration.test_nothing_owed_on_a_lapse import seat_offered, seat_offered_at
from tests.support.cli import at_the_terminal
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System


def _free_on_the_course_list(system: System) -> str:
    """The Free cell of the course "small" on the console's first page."""
    row = signed_in(system).get("/console").body
    row = row[row.index("/console/courses/small") :]
    return row.split('<td class="num">')[3].split("<", 1)[0]


def test_a_place_nobody_can_be_offered_is_free_though_no_newcomer_may_book_it(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A place freed ten minutes before applications close, with someone waiting: nobody can
    be offered it, so a newcomer's ``places_left`` is 0, but it is not taken, and the CLI said
    it was ("Places: 1 of 1 taken, 0 left", from the newcomer's count)."""
    start = system.small_course()
    freed = start - CHECKOUT_HOLD - LEAST_TIME_TO_ACT + timedelta(minutes=5)
    run = at_the_terminal(system, monkeypatch, capsys)
    seat_offered_at(system, freed)
    with time_machine.travel(freed, tick=False):
        course = system.course("small")
        assert (course["status"], course["places_left"]) == ("full", 0)
        assert course["places_not_taken"] == 1
        assert _free_on_the_course_list(system) == "1 of 1"
        page = text_of(signed_in(system).get("/console/courses/small").body)
        assert "Places 0 of 1 taken, 1 left" in page
        code, out = run("course", "small")
        assert code == 0, out
        assert "Places: 0 of 1 taken, 1 left" in out


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
    assert "Places: 1 of 1 taken, 0 left" in out
    system.scheduled_run(system.now())
    course = system.course("small")
    assert (course["places_left"], course["places_not_taken"]) == (1, 1)
    assert _free_on_the_course_list(system) == "1 of 1"
