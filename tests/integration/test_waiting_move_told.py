"""What the person and the organisers are told of a booking whose move waits on a full cohort's
waiting list, through the handlers on moto and the Stripe stand-in:
one email when it joins the list, its place in that list's one line, and a move whose end has
passed shown as over before the sweep ends it."""

from __future__ import annotations

from datetime import timedelta

from booking.services.lifecycle import sweep
from tests.support.cohorts import ADA, BOB, CAROL, DAN, Cohorts, ada_booked_beside_a_full_cohort
from tests.support.page_text import text_of
from tests.support.system import System


def test_the_person_is_emailed_once_when_their_booking_joins_the_waiting_list(
    system: System,
) -> None:
    cohorts, ada = ada_booked_beside_a_full_cohort(system)

    waiting = cohorts.waits(ada["application_id"])["waiting_move"]
    cohorts.waits(ada["application_id"])  # asked again: the same move, no second email

    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    full = waiting["to_course_name"]
    assert told.subject.startswith(f"Your booking is on the waiting list of {full} (")
    said = " ".join(told.text.split())
    assert f"We have put your booking on the waiting list of {full}" in said
    assert "Your place on Moving Leadership, from " in said
    assert "stays yours meanwhile" in said
    assert "nothing has been charged" in said
    assert "we will move your booking and email you" in said
    assert "your booking stays where it is, and we will tell you" in said


def test_a_waiting_move_is_told_its_place_in_the_one_line(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    carol = system.apply("move-full", email=CAROL).json()  # waited first
    ada = cohorts.book("move-spring", ADA)
    cohorts.waits(ada["application_id"])
    dan = system.apply("move-full", email=DAN).json()  # behind the move

    waiting = system.status_of(ada)["waiting_move"]

    assert waiting["position"] == 2
    assert system.status_of(carol)["waitlist_position"] == 1
    assert system.status_of(dan)["waitlist_position"] == 3
    assert cohorts.record(ada["application_id"])["waiting_move"]["position"] == 2
    assert f"You are on the waiting list of {waiting['to_course_name']}: you are number 2" in (
        text_of(system.status_page(ada))
    )


def test_a_waiting_move_whose_end_has_passed_shows_as_over_before_the_sweep(
    system: System,
) -> None:
    cohorts, ada = ada_booked_beside_a_full_cohort(system)
    cohorts.waits(ada["application_id"])
    cohorts.emails()
    # Past the end (spring's first day, the earlier), no sweep run yet.
    system.clock_offset = cohorts.spring_start - system.now().date() + timedelta(days=1)

    assert system.status_of(ada)["waiting_move"] is None
    assert "Waiting for a place on" not in text_of(system.status_page(ada))
    roster = system.admin("GET", "/courses/move-full/applications").json()
    assert [r for r in roster if r["moving_in"] is not None] == []
    # The sweep then ends it and tells the person why, once.
    sweep(system.ports, system.now())
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "No place came free for you on Moving Leadership, from " in " ".join(told.text.split())
    assert "before your own cohort began, so your booking stays on" in " ".join(told.text.split())
