"""The console's first page counts each of a course's seats once, a manager's group booking's
places too: booked (paid), held (its checkout or invoice not paid yet) or free, adding up to the
capacity, a seat held for a move to a dearer cohort too.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain import seat_counts
from booking.domain.application import Application
from booking.domain.limits import Holding, holdings
from booking.services import console
from booking.services.lifecycle import sweep
from booking.services.reading import stored_applications
from tests.support.cohorts import ADA, PROGRAMME, Cohorts, ada_moving_to_winter
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, book, colleague_applies, pay_invoice
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import System


def _counts(system: System) -> tuple[int, int, int, int]:
    summaries = console.course_summaries(system.ports)
    found = next(s for s in summaries if s.course.course_id == INVOICED)
    course = found.course
    return (found.confirmed, found.holds, course.places_left, course.definition.capacity)


def test_a_groups_places_are_held_while_unpaid_then_booked(system: System) -> None:
    invoiced_cohort(system, capacity=6)
    group: dict[str, Any] = book(system, **BILLING, colleagues=COLLEAGUES[:2]).json()
    assert _counts(system) == (0, 2, 4, 6)
    pay_invoice(system, group)
    assert _counts(system) == (2, 0, 4, 6)
    paid: dict[str, Any] = system.api(
        "GET", f"/groups/{group['group_id']}?token={group['token']}"
    ).json()
    colleague_applies(system, paid, 1)  # the colleague's booking takes the group's seat
    assert _counts(system) == (2, 0, 4, 6)
    card: dict[str, Any] = book(system, course=INVOICED, colleagues=COLLEAGUES[2:]).json()
    assert card["status"] == "awaiting_payment"
    booked, held, free, capacity = _counts(system)
    assert (booked, held) == (2, 1)
    assert booked + held + free == capacity


def test_the_first_page_shows_them(system: System) -> None:
    invoiced_cohort(system, capacity=6)
    book(system, **BILLING, colleagues=COLLEAGUES[:2])
    page = signed_in(system).get("/console")
    assert page.status == 200
    row = page.body[page.body.index(f"/console/courses/{INVOICED}") :]
    cells = [c.split("<", 1)[0] for c in row.split('<td class="num">')[1:4]]
    assert cells[:2] == ["0", "2"]


def _seats(system: System, course_id: str) -> tuple[int, int, int, int]:
    found = next(
        s for s in console.course_summaries(system.ports) if s.course.course_id == course_id
    )
    course = found.course
    return (found.confirmed, found.holds, course.places_left, course.definition.capacity)


def test_a_seat_held_for_a_move_to_a_dearer_cohort_is_held_there(system: System) -> None:
    """The seat a dearer move holds on the cohort it is to join (its difference
    not paid yet) is counted there as held, not in no column; then booked once paid."""
    _, _, pending = ada_moving_to_winter(system)

    assert _seats(system, "move-winter") == (0, 1, 4, 5)
    assert _seats(system, "move-spring") == (1, 0, 4, 5)  # it stands there meanwhile
    # The programme's page counts its cohorts' seats alike.
    winter = next(
        c
        for c in console.programme_overview(system.ports, PROGRAMME).cohorts
        if c.course.course_id == "move-winter"
    )
    assert (winter.confirmed, winter.holds) == (0, 1)

    assert system.pay(pending["pay_url"]).status == 200
    assert _seats(system, "move-winter") == (1, 0, 4, 5)
    assert _seats(system, "move-spring") == (0, 0, 5, 5)


def test_a_dearer_moves_seat_goes_back_when_it_lapses(system: System) -> None:
    ada_moving_to_winter(system)
    assert _seats(system, "move-winter") == (0, 1, 4, 5)

    sweep(system.ports, system.now() + timedelta(minutes=40))

    assert _seats(system, "move-winter") == (0, 0, 5, 5)
    assert _seats(system, "move-spring") == (1, 0, 4, 5)


def test_each_application_is_read_once_for_every_course_counted(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page counts every course's seats from one pass over every
    cohort's applications (for the moves between them), not one pass per course: each
    application's holdings are read once, however many courses there are."""
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(booked, "move-winter").status == 200
    courses = console.course_summaries(system.ports)
    stored = sum(len(stored_applications(system.ports, s.course)) for s in courses)
    assert len(courses) > 1
    assert stored > 0
    read: list[str] = []
    counted = holdings  # the rule itself; seat_counts' name for it is patched below

    def reading(application: Application | None) -> frozenset[Holding]:
        read.append(application.application_id if application else "")
        return counted(application)

    monkeypatch.setattr(seat_counts, "holdings", reading)

    again = console.course_summaries(system.ports)

    assert len(read) == stored == len(set(read))
    winter = next(s for s in again if s.course.course_id == "move-winter")
    assert (winter.confirmed, winter.holds) == (0, 1)  # the move's seat, counted there
