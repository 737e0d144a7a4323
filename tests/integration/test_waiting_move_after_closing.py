"""A seat freed after a cohort's applications close (31 minutes before its start), through the
handlers on moto and the Stripe stand-in (``services.waitlist.offer_free_places``): nobody who
applied could pay for it any more, so the applicants waiting are passed over, and the first
booking whose move waits there and needs no payment takes it (joinable until the cohort
begins); a move that would ask a difference ends unmoved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.cohorts import (
    ADA,
    BOB,
    Cohorts,
    cohort_definition,
    moved_onto,
    organiser_cancels,
)
from tests.support.system import System

CAROL = "carol@example.org"


def _closed_with_one_waiting(
    system: System, price: int, joined_before: timedelta = timedelta(minutes=30)
) -> tuple[Cohorts, str, str, dict[str, Any]]:
    """Bob holds move-full's one place and Carol applied behind him; Ada is booked on a later
    cohort at ``price``, and her move joined move-full's waiting list (behind Carol)
    ``joined_before`` its start; the clock is then 30 minutes before move-full begins
    (applications closed). Bob's, Ada's ids and Carol's application."""
    cohorts = Cohorts(system)
    later = cohort_definition(cohorts.spring_start + timedelta(weeks=20), "later", price)
    system.put_course("move-later", later)
    bob = cohorts.book("move-full", BOB)["application_id"]
    carol: dict[str, Any] = system.apply("move-full", email=CAROL).json()
    assert carol["status"] == "waitlisted"
    ada = cohorts.book("move-later", ADA)["application_id"]
    full = system.stored_course("move-full")
    system.clock_offset += full.first_start() - joined_before - system.now()
    waited = system.admin(
        "POST",
        f"/applications/{ada}/transfer",
        json_body={"to_course_id": "move-full", "wait": True},
    )
    assert waited.status == 200, waited.body
    system.clock_offset += full.first_start() - timedelta(minutes=30) - system.now()
    cohorts.emails()
    return cohorts, bob, ada, carol


def test_a_cheaper_waiting_move_takes_the_seat_an_applicant_could_no_longer_pay_for(
    system: System,
) -> None:
    cohorts, bob, ada, carol = _closed_with_one_waiting(system, 25000)

    organiser_cancels(system, bob)

    moved_onto(cohorts, ada, "move-full")
    assert cohorts.places_left("move-full") == 0
    assert system.status_of(carol)["status"] == "waitlisted"  # never offered what it cannot pay
    [moved] = cohorts.emails_to(ADA)
    assert moved.subject.startswith("Your booking has moved")


def test_a_dearer_waiting_move_ends_unmoved_once_payment_is_closed(system: System) -> None:
    cohorts, bob, ada, carol = _closed_with_one_waiting(system, 15000, timedelta(hours=2))

    organiser_cancels(system, bob)

    record = cohorts.record(ada)
    assert (record["course_id"], record["waiting_move"], record["pending_move"]) == (
        "move-later",
        None,
        None,
    )
    assert cohorts.places_left("move-full") == 1
    assert system.status_of(carol)["status"] == "waitlisted"
    [told] = cohorts.emails_to(ADA)
    assert "not moved" in told.subject


def test_a_dearer_move_cannot_join_a_waiting_list_once_its_difference_cannot_be_paid(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    system.put_course(
        "move-later", cohort_definition(cohorts.spring_start + timedelta(weeks=20), "later", 15000)
    )
    cohorts.book("move-full", BOB)
    ada = cohorts.book("move-later", ADA)["application_id"]
    full = system.stored_course("move-full")
    system.clock_offset += full.first_start() - timedelta(minutes=30) - system.now()
    refused = system.admin(
        "POST",
        f"/applications/{ada}/transfer",
        json_body={"to_course_id": "move-full", "wait": True},
    )
    assert (refused.status, refused.json()["error"]["code"]) == (409, "course_closed"), refused.body
    assert cohorts.record(ada)["waiting_move"] is None
