"""A move to a full cohort that joins its waiting list, if the organiser chooses (issue 21),
through the handlers on moto and the Stripe stand-in (``domain.waiting_moves``).

The cohorts are ``tests.integration.test_transfers``'s: ``move-full`` holds one person, at the
same price as spring; winter costs £50 more. The organiser asks with ``wait: true``; the booking
keeps its seat and waits in the one order with the people who applied there; a seat freeing
there moves it (or asks for the difference), and withdrawing, cancelling, erasing or a cohort
beginning ends it.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from booking.domain.wording import cohort_name, moment_when
from booking.services.lifecycle import sweep
from booking.services.waiting_moves import offer_seat
from tests.support.cohorts import (
    ADA,
    BOB,
    CAROL,
    DAN,
    Cohorts,
    ada_booked_beside_a_full_cohort,
    bob_on_full_ada_on_spring,
    calendars_of,
    moved_onto,
    organiser_cancels,
    waiting_count,
)
from tests.support.console import signed_in
from tests.support.page_text import day_as_emailed, text_of
from tests.support.system import System


def test_a_full_cohort_is_refused_unless_the_organiser_chooses_its_waiting_list(
    system: System,
) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)

    refused = cohorts.move(ada, "move-full")
    refused.refused(409, "course_full")
    choices = system.admin("GET", f"/applications/{ada}/transfer-choices").json()["cohorts"]
    assert [c["course_id"] for c in choices if c["can_wait"]] == ["move-full"]

    waiting = cohorts.waits(ada)

    # The booking stays where it is, with its seat; it waits on the full cohort's list.
    assert (waiting["course_id"], waiting["status"]) == ("move-spring", "confirmed")
    assert waiting["waiting_move"]["to_course_id"] == "move-full"
    assert cohorts.places_left("move-spring") == 4
    assert waiting_count(system, "move-full") == 1
    # Asking again is the same waiting move, in its first place in line; never a second.
    again = cohorts.waits(ada)
    assert again["waiting_move"] == waiting["waiting_move"]
    assert waiting_count(system, "move-full") == 1
    # Nor may it ask for another move meanwhile.
    other = cohorts.move(ada, "move-summer")
    other.refused(409, "move_waiting")
    # A cohort with a place free needs no waiting list.
    free = system.admin(
        "POST",
        f"/applications/{bob}/transfer",
        json_body={"to_course_id": "move-summer", "wait": True},
    )
    free.refused(409, "course_not_full")
    bad = system.admin(
        "POST",
        f"/applications/{ada}/transfer",
        json_body={"to_course_id": "move-full", "wait": "yes"},
    )
    assert bad.status == 422
    assert bad.json()["error"]["fields"] == {"wait": "true or false"}


def test_a_freed_seat_moves_the_first_waiting_booking_in_one_step(system: System) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)
    # Someone applies there after the move was asked: behind it in the one line.
    carol = system.apply("move-full", email=CAROL).json()
    assert carol["status"] == "waitlisted"
    assert system.status_of(carol)["waitlist_position"] == 2
    cohorts.emails()

    organiser_cancels(system, bob)

    moved_onto(cohorts, ada, "move-full")
    assert cohorts.places_left("move-spring") == 5
    assert cohorts.places_left("move-full") == 0
    assert system.status_of(carol)["status"] == "waitlisted"
    assert system.status_of(carol)["waitlist_position"] == 1
    assert waiting_count(system, "move-full") == 1
    sent = cohorts.emails()
    [moved] = [m for m in sent if m.to == [ADA]]
    assert moved.subject.startswith("Your booking has moved")
    assert set(calendars_of(moved)) == {"invite.ics", "cancel.ics"}
    told = {address for m in sent for address in m.to}
    assert {"facilitator-spring@example.org", "facilitator-full@example.org"} <= told


def test_an_applicant_who_waited_first_is_offered_the_seat_first(system: System) -> None:
    cohorts = Cohorts(system)
    bob = cohorts.book("move-full", BOB)["application_id"]
    carol = system.apply("move-full", email=CAROL).json()
    ada = cohorts.book("move-spring", ADA)["application_id"]
    cohorts.waits(ada)

    organiser_cancels(system, bob)

    assert system.status_of(carol)["status"] == "offered"
    record = cohorts.record(ada)
    assert record["course_id"] == "move-spring"
    assert record["waiting_move"]["to_course_id"] == "move-full"


def test_a_dearer_full_cohort_asks_for_the_difference_when_its_seat_frees(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    system.put_course("move-winter", {**cohorts.files["move-winter"], "capacity": 1})
    bob = cohorts.book("move-winter", BOB)["application_id"]
    ada = cohorts.book("move-spring", ADA)["application_id"]
    cohorts.waits(ada, "move-winter")
    cohorts.emails()  # its joining the list told

    organiser_cancels(system, bob)

    record = cohorts.record(ada)
    assert (record["course_id"], record["waiting_move"]) == ("move-spring", None)
    pending = record["pending_move"]
    assert (pending["to_course_id"], pending["difference"]) == ("move-winter", 5000)
    assert cohorts.places_left("move-winter") == 0  # held for the move
    [link] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert pending["pay_url"] in link.text

    assert system.pay(pending["pay_url"]).status == 200

    record = cohorts.record(ada)
    assert (record["course_id"], record["pending_move"]) == ("move-winter", None)
    assert cohorts.places_left("move-spring") == 5


def test_withdrawn_the_booking_leaves_the_list_and_the_person_is_told(system: System) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)
    cohorts.emails()

    withdrawn = system.admin("POST", f"/applications/{ada}/transfer/withdraw")

    assert withdrawn.status == 200, withdrawn.body
    assert withdrawn.json()["waiting_move"] is None
    assert waiting_count(system, "move-full") == 0
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "not moved" in told.subject
    # It names the cohort it was to join (and the one it stays on), and that nothing was taken.
    full = system.course("move-full")["sessions"][0]["start"][:10]
    assert "taken your booking off the waiting list of Moving Leadership" in told.text
    assert day_as_emailed(full) in told.text
    assert "Nothing has been charged for the move" in told.text
    again = system.admin("POST", f"/applications/{ada}/transfer/withdraw")
    again.refused(409, "no_move_pending")
    # The seat freeing later is nobody's in particular: a newcomer may take it.
    organiser_cancels(system, bob)
    assert cohorts.record(ada)["course_id"] == "move-spring"
    assert cohorts.places_left("move-full") == 1


def test_cancelled_while_waiting_its_place_in_line_goes(system: System) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)

    organiser_cancels(system, ada)

    record = cohorts.record(ada)
    assert (record["status"], record["waiting_move"]) == ("refunded", None)
    assert waiting_count(system, "move-full") == 0
    organiser_cancels(system, bob)
    assert cohorts.places_left("move-full") == 1
    assert cohorts.record(ada)["course_id"] == "move-spring"


def test_erased_while_waiting_its_place_in_line_goes(system: System) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)

    erased = system.admin("DELETE", f"/people/{ADA}")

    assert erased.status == 200, erased.body
    assert cohorts.record(ada)["waiting_move"] is None
    assert waiting_count(system, "move-full") == 0
    organiser_cancels(system, bob)
    assert cohorts.record(ada)["course_id"] == "move-spring"


def test_two_seats_freeing_at_once_move_the_booking_once(system: System) -> None:
    cohorts = Cohorts(system)
    system.put_course("move-full", {**cohorts.files["move-full"], "capacity": 2})
    bob = cohorts.book("move-full", BOB)["application_id"]
    carol = cohorts.book("move-full", CAROL)["application_id"]
    ada = cohorts.book("move-spring", ADA)["application_id"]
    dan = cohorts.book("move-summer", DAN)["application_id"]
    cohorts.waits(ada)
    cohorts.waits(dan)
    stale = system.ports.repository.get_application(ada)
    course = system.ports.repository.get_course("move-full")
    assert stale is not None
    assert course is not None

    organiser_cancels(system, bob)
    organiser_cancels(system, carol)

    assert cohorts.record(ada)["course_id"] == "move-full"
    assert cohorts.record(dan)["course_id"] == "move-full"
    assert cohorts.places_left("move-full") == 0
    assert (cohorts.places_left("move-spring"), cohorts.places_left("move-summer")) == (5, 5)
    # The same freed seat offered to Ada again from a list read before (a second sweep racing
    # the first) finds her moved already: nothing moves twice, no seat is claimed twice.
    assert offer_seat(system.ports, stale, course) is False
    assert cohorts.record(ada)["transfers"][-1]["to_course_id"] == "move-full"
    assert len(cohorts.record(ada)["transfers"]) == 1
    assert cohorts.places_left("move-full") == 0


def test_the_cohort_beginning_ends_the_wait_and_the_person_is_told(system: System) -> None:
    cohorts, booked = ada_booked_beside_a_full_cohort(system)
    ada = booked["application_id"]
    waiting = cohorts.waits(ada)["waiting_move"]
    cohorts.emails()

    sweep(system.ports, system.now() + timedelta(days=1))
    assert cohorts.record(ada)["waiting_move"]["asked_at"] == waiting["asked_at"]  # not yet
    system.clock_offset = cohorts.spring_start - system.now().date() + timedelta(days=1)
    sweep(system.ports, system.now())

    assert cohorts.record(ada)["waiting_move"] is None
    assert waiting_count(system, "move-full") == 0
    [told] = [m for m in cohorts.emails() if m.to == [ADA]]
    assert "not moved" in told.subject


def test_the_persons_page_says_a_waiting_or_a_pending_move(system: System) -> None:
    cohorts, ada = ada_booked_beside_a_full_cohort(system)
    assert cohorts.record(ada["application_id"])["waiting_move"] is None
    assert system.status_of(ada)["waiting_move"] is None

    cohorts.waits(ada["application_id"])

    seen = system.status_of(ada)
    waiting = seen["waiting_move"]
    assert waiting["to_course_id"] == "move-full"
    assert waiting["to_course_name"].startswith("Moving Leadership, from ")
    assert seen["pending_move"] is None
    page = text_of(system.status_page(ada))
    assert f"Waiting for a place on {waiting['to_course_name']}" in page
    assert "Your place here stays yours meanwhile" in page

    withdrawn = system.admin("POST", f"/applications/{ada['application_id']}/transfer/withdraw")
    assert withdrawn.status == 200
    assert cohorts.move(ada["application_id"], "move-winter").status == 200

    seen = system.status_of(ada)
    pending = seen["pending_move"]
    assert seen["waiting_move"] is None
    assert (pending["to_course_id"], pending["difference"]) == ("move-winter", 5000)
    assert pending["pay_url"]
    page = text_of(system.status_page(ada))
    until = moment_when(
        datetime.fromisoformat(pending["expires_at"].replace("Z", "+00:00")), "Europe/London"
    )
    assert f"Your move to {pending['to_course_name']}" in page
    assert f"held for you until {until} (UK time)" in page
    assert "Pay £50.00 and move" in page
    raw = system.status_page(ada)
    assert f'href="{html.escape(pending["pay_url"])}"' in raw


def test_the_console_joins_the_waiting_list_and_the_full_cohort_shows_who_waits(
    system: System,
) -> None:
    cohorts, ada = ada_booked_beside_a_full_cohort(system)
    browser = signed_in(system)
    app_page = f"/console/applications/{ada['application_id']}"

    choices = browser.get(f"{app_page}/transfer")
    assert "Join its waiting list" in choices.body
    joined = browser.press(
        f"{app_page}/transfer", f"{app_page}/transfer", {"to_course_id": "move-full", "wait": "yes"}
    )

    assert joined.status == 303, joined.body
    assert joined.headers["location"] == app_page
    page = browser.words(app_page)
    assert "Move waiting for a place" in page
    assert "On the waiting list of Moving Leadership, from" in page
    full = browser.words("/console/courses/move-full")
    assert "Moving here from other cohorts" in full
    assert (
        f"{ada['reference']} Ada Lovelace: On the waiting list: a move from another cohort" in full
    )
    rows = system.admin("GET", "/courses/move-full/applications").json()
    assert [(r["reference"], r["moving_in"]) for r in rows][-1] == (
        ada["reference"],
        {
            "kind": "waiting",
            "from_course_id": "move-spring",
            "since": cohorts.record(ada["application_id"])["waiting_move"]["asked_at"],
        },
    )
    assert rows[0]["moving_in"] is None

    withdrawn = browser.press(app_page, f"{app_page}/transfer/withdraw")
    assert withdrawn.status == 303
    assert cohorts.record(ada["application_id"])["waiting_move"] is None


def test_a_dearer_moves_held_seat_shows_on_the_cohort_it_is_held_on(
    system: System, run: Any
) -> None:
    cohorts = Cohorts(system)
    ada = cohorts.book("move-spring", ADA)
    assert cohorts.move(ada["application_id"], "move-winter").status == 200

    code, listed = run("roster", "move-winter")

    assert code == 0, listed
    # The cohort it moves from as organisers read it (its title and first day), not its id.
    spring = _named(system, "move-spring")
    said = f"{ada['reference']}  Ada Lovelace <{ADA}>  seat held for a move from {spring} ("
    assert said in listed
    assert "move-spring" not in listed
    browser = signed_in(system)
    winter = browser.words("/console/courses/move-winter")
    assert "A place here held for its move, until the difference is paid" in winter


def test_the_cli_joins_a_full_cohorts_waiting_list(system: System, run: Any) -> None:
    cohorts, ada = ada_booked_beside_a_full_cohort(system)

    code, listed = run("transfer", ada["reference"])
    assert code == 0, listed
    [full] = [line for line in listed.splitlines() if line.startswith("move-full")]
    assert "--wait joins its waiting list" in full
    code, said = run("transfer", ada["reference"], "--to", "move-full", "--wait")

    assert code == 0, said
    assert "on the waiting list of Moving Leadership, from" in said
    assert cohorts.record(ada["application_id"])["waiting_move"]["to_course_id"] == "move-full"
    code, said = run("roster", "move-full")
    assert f"on the waiting list: a move from {_named(system, 'move-spring')}" in said
    code, said = run("transfer", ada["reference"], "--wait")
    assert code == 2


def test_a_cancel_racing_the_offer_gives_the_seat_to_the_next_in_line(system: System) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)
    carol = system.apply("move-full", email=CAROL).json()
    listed = system.ports.repository.get_application(ada)  # the list the offer will read
    course = system.ports.repository.get_course("move-full")
    assert listed is not None
    assert course is not None

    organiser_cancels(system, ada)
    organiser_cancels(system, bob)

    # The offer made from the list read before the cancel takes nothing; the seat went to the
    # next in line, once.
    assert offer_seat(system.ports, listed, course) is False
    assert cohorts.record(ada)["course_id"] == "move-spring"
    assert system.status_of(carol)["status"] == "offered"
    assert cohorts.places_left("move-full") == 0


def _named(system: System, course_id: str) -> str:
    course = system.stored_course(course_id)
    return cohort_name(course)
