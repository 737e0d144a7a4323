"""One person, one place on a cohort, for a booking whose move waits there:
the move claims the person's one place on the cohort it is to join in the same save that
puts it on that cohort's list (``domain.enrolments``), so they cannot apply there meanwhile,
a move cannot wait where they already applied, and the claim goes when the move ends.
Through the handlers on moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.cohorts import (
    ADA,
    BOB,
    Cohorts,
    ada_moving_to_winter,
    organiser_cancels,
    waiting_count,
)
from tests.support.system import System


def _ada_waits_for_the_full_cohort(system: System) -> tuple[Cohorts, str, str]:
    cohorts = Cohorts(system)
    bob = cohorts.book("move-full", BOB)["application_id"]
    ada = cohorts.book("move-spring", ADA)["application_id"]
    cohorts.waits(ada)
    cohorts.emails()
    return cohorts, str(bob), str(ada)


def _applications_of(system: System, course_id: str, email: str) -> list[str]:
    found = system.admin("GET", f"/courses/{course_id}/applications").json()
    return [a["application_id"] for a in found if a["email"] == email and a["moving_in"] is None]


def test_a_person_whose_booking_waits_to_move_there_cannot_apply_there(system: System) -> None:
    cohorts, bob, ada = _ada_waits_for_the_full_cohort(system)

    refused = system.apply("move-full", email=ADA)

    refused.refused(409, "already_applied")
    assert _applications_of(system, "move-full", ADA) == []  # nothing written
    assert waiting_count(system, "move-full") == 1  # the waiting move alone
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "is waiting to move to Moving Leadership, from" in told.text
    # The seat that frees goes to the booking that waited, once: one place, one payment.
    organiser_cancels(system, bob)
    record = cohorts.record(ada)
    assert (record["course_id"], record["waiting_move"]) == ("move-full", None)
    assert record["amount_paid"] == 20000


def test_a_move_cannot_wait_where_the_person_already_applied(system: System) -> None:
    cohorts = Cohorts(system)
    cohorts.book("move-full", BOB)
    ada = cohorts.book("move-spring", ADA)["application_id"]
    assert system.apply("move-full", email=ADA).json()["status"] == "waitlisted"

    refused = system.admin(
        "POST",
        f"/applications/{ada}/transfer",
        json_body={"to_course_id": "move-full", "wait": True},
    )

    refused.refused(409, "already_applied")
    assert "already has an application for Moving Leadership" in refused.json()["error"]["message"]
    assert cohorts.record(ada)["waiting_move"] is None
    assert waiting_count(system, "move-full") == 1  # her own application only


def test_the_claim_goes_with_the_move_withdrawn_and_stays_with_the_move_made(
    system: System,
) -> None:
    _cohorts, _bob, ada = _ada_waits_for_the_full_cohort(system)
    assert system.admin("POST", f"/applications/{ada}/transfer/withdraw").status == 200

    again = system.apply("move-full", email=ADA)

    assert again.status == 201, again.body
    assert again.json()["status"] == "waitlisted"


def test_a_moved_booking_keeps_its_one_place_on_the_cohort_it_joined(system: System) -> None:
    cohorts, bob, ada = _ada_waits_for_the_full_cohort(system)
    organiser_cancels(system, bob)
    assert cohorts.record(ada)["course_id"] == "move-full"

    assert system.apply("move-full", email=ADA).status == 409
    back = system.apply("move-spring", email=ADA)
    assert back.status == 201, back.body  # the cohort it left is free to apply to again


def test_a_dearer_move_waiting_for_its_difference_holds_the_persons_place_there(
    system: System,
) -> None:
    _, _, pending = ada_moving_to_winter(system)
    assert pending["to_course_id"] == "move-winter"

    refused = system.apply("move-winter", email=ADA)

    refused.refused(409, "already_applied")
    assert _applications_of(system, "move-winter", ADA) == []


def test_withdrawing_a_move_that_no_longer_waits_says_no_move_is_waiting(system: System) -> None:
    """The withdraw route ends a waiting move too, so its refusal names both."""
    _cohorts, _bob, ada = _ada_waits_for_the_full_cohort(system)
    assert system.admin("POST", f"/applications/{ada}/transfer/withdraw").status == 200

    again = system.admin("POST", f"/applications/{ada}/transfer/withdraw")

    error = again.refused(409, "no_move_pending")
    assert error["message"] == "no move of this booking is waiting (for payment or for a seat)"
