"""The waiting list goes first: every seat that comes free or is added is offered in the same
step, nobody jumps the queue, and an erased person leaves every queue, hold and offer."""

from __future__ import annotations

from typing import Any

from tests.integration.test_lifecycle import _course_definition
from tests.support.applications import session_id_of
from tests.support.system import System


def _full_course_with_two_waiting(system: System) -> dict[str, dict[str, Any]]:
    definition = _course_definition(system, capacity=2)
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    people: dict[str, dict[str, Any]] = {}
    for name in ("booked1", "booked2", "first", "second"):
        people[name] = system.apply(course_id="small", email=f"{name}@example.org").json()
    for name in ("booked1", "booked2"):
        system.pay(people[name]["checkout_url"])
        assert system.status_of(people[name])["status"] == "confirmed"
    assert [people[n]["status"] for n in ("first", "second")] == ["waitlisted", "waitlisted"]
    return people


def test_a_raised_capacity_is_offered_to_the_first_in_line_not_to_a_newcomer(
    system: System,
) -> None:
    people = _full_course_with_two_waiting(system)
    raised = system.admin("PUT", "/courses/small", json_body=_course_definition(system, capacity=3))
    assert raised.status == 200
    assert system.status_of(people["first"])["status"] == "offered"  # at once, not at the sweep
    assert system.status_of(people["second"])["waitlist_position"] == 1
    assert raised.json()["places_left"] == 0
    assert raised.json()["status"] == "full"

    newcomer = system.apply(course_id="small", email="newcomer@example.org").json()
    assert newcomer["status"] == "waitlisted"
    assert system.status_of(newcomer)["waitlist_position"] == 2
    assert system.course("small")["places_left"] == 0


def test_a_freed_seat_never_goes_to_a_newcomer_while_someone_waits(system: System) -> None:
    people = _full_course_with_two_waiting(system)
    cancelled = system.cancel(people["booked1"]["application_id"], refund=None)
    assert cancelled.status == 200
    assert system.status_of(people["first"])["status"] == "offered"
    newcomer = system.apply(course_id="small", email="newcomer@example.org").json()
    assert newcomer["status"] == "waitlisted"
    assert newcomer["checkout_url"] is None


def test_an_erased_person_leaves_the_queue_and_the_next_real_person_moves_up(
    system: System,
) -> None:
    people = _full_course_with_two_waiting(system)
    erased = system.admin("DELETE", "/people/first@example.org")
    assert erased.status == 200
    assert system.status_of(people["first"])["status"] == "cancelled"
    assert system.status_of(people["second"])["waitlist_position"] == 1

    system.cancel(people["booked1"]["application_id"], refund=None)
    assert system.status_of(people["second"])["status"] == "offered"
    assert system.status_of(people["first"])["status"] == "cancelled"  # never offered anything
    assert system.course("small")["places_left"] == 0


def test_erasing_someone_holding_an_offer_passes_the_seat_on_at_once(system: System) -> None:
    people = _full_course_with_two_waiting(system)
    system.cancel(people["booked1"]["application_id"], refund=None)
    assert system.status_of(people["first"])["status"] == "offered"
    assert system.admin("DELETE", "/people/first@example.org").status == 200
    assert system.status_of(people["second"])["status"] == "offered"
    assert system.course("small")["places_left"] == 0


def test_erasing_someone_mid_checkout_frees_the_seat_and_closes_the_checkout(
    system: System,
) -> None:
    definition = _course_definition(system, capacity=1)
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    paying = system.apply(course_id="small", email="paying@example.org").json()
    waiting = system.apply(course_id="small", email="waiting@example.org").json()
    assert system.admin("DELETE", "/people/paying@example.org").status == 200
    assert system.status_of(waiting)["status"] == "offered"
    assert (
        system.checkout_session(session_id_of(paying))["status"] == "expired"
    )  # nobody can pay for the withdrawn hold
