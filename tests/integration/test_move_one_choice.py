"""The console's page moving a booking to another cohort, when only one cohort can take it:
that cohort is chosen already (GOV.UK's advice for a question with one possible answer: show
it as the answer), still a radio button the form sends, so *Move the booking* moves it at
once; with two or more the organiser chooses. Through the real handlers on moto and the
Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta

from tests.support.cohorts import ADA, BOB, Cohorts, cohort_definition
from tests.support.console import signed_in
from tests.support.courses import monday_after
from tests.support.system import System

PROGRAMME = "one-choice"


def _cohorts(system: System) -> None:
    """Spring and summer, and a cohort of one place that Bob holds (it cannot take a move)."""
    first = monday_after(system.now().date() + timedelta(days=21))
    for weeks, name, capacity in ((0, "spring", 5), (4, "summer", 5), (8, "full", 1)):
        system.put_course(
            f"one-{name}",
            cohort_definition(
                first + timedelta(weeks=weeks), name, 20000, programme=PROGRAMME, capacity=capacity
            ),
        )
    system.booked("one-full", email=BOB)


def test_the_only_cohort_that_can_take_the_booking_is_chosen_already(system: System) -> None:
    _cohorts(system)
    ada = system.booked("one-spring", email=ADA)["application_id"]
    browser = signed_in(system)
    page = f"/console/applications/{ada}/transfer"

    assert browser.form(page, page)["to_course_id"] == "one-summer"
    moved = browser.press(page, page)

    assert moved.status == 303, moved.body
    assert system.admin("GET", f"/applications/{ada}").json()["course_id"] == "one-summer"


def test_with_two_cohorts_to_choose_from_none_is_chosen(system: System) -> None:
    cohorts = Cohorts(system)
    ada = cohorts.book("move-spring", ADA)["application_id"]
    page = f"/console/applications/{ada}/transfer"

    assert "to_course_id" not in signed_in(system).form(page, page)
