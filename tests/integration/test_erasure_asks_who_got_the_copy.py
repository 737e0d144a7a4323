"""An erasure asks to delete a copy exactly the addresses the copies went to, whatever the
organisers did to the course's facilitators since: not the list as it is at the
erasure, which may never have had the copy, or be empty. Through the real handlers (admin,
relay, mailer), moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from booking.adapters.dynamodb.schema import copy_key
from booking.domain.emails import OutgoingEmail
from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System

SPRING, SUMMER = "facilitator-spring@example.org", "facilitator-summer@example.org"
NEW_SPRING = "new-spring@example.org"
ASKED = "Please delete an application you were sent"


def _facilitators(system: System, course_id: str, *addresses: str) -> None:
    """The organisers change the cohort's facilitators, as the API takes it."""
    changed = {**system.course_file(course_id), "facilitators": list(addresses)}
    reply = system.admin("PUT", f"/courses/{course_id}", json_body=changed)
    assert reply.status == 200, reply.body


def _erased(system: System, cohorts: Cohorts) -> list[OutgoingEmail]:
    """Erase Ada; the requests to delete that went, every one of them."""
    assert system.admin("DELETE", f"/people/{ADA}").status == 200
    sent = cohorts.emails()
    asked = [m for m in sent if m.subject.startswith(ASKED)]
    assert asked == sent  # nothing else, to anyone
    return asked


def _to(asked: list[OutgoingEmail]) -> list[list[str]]:
    return sorted(sorted(m.to) for m in asked)


def _booked(cohorts: Cohorts, course_id: str = "move-spring") -> dict[str, Any]:
    """Ada's booking, its "New booking" sent to the cohort's facilitators as they were."""
    system = cohorts.system
    application: dict[str, Any] = system.booked(course_id, email=ADA)
    told = [m.to for m in cohorts.emails() if m.subject.startswith("New booking")]
    assert told == [[SPRING]]
    return application


def test_the_list_that_got_the_copy_is_asked_not_the_one_there_now(system: System) -> None:
    cohorts = Cohorts(system)
    booked = _booked(cohorts)
    _facilitators(system, "move-spring", NEW_SPRING)

    [asked] = _erased(system, cohorts)

    assert asked.to == [SPRING]  # who holds the copy; the new facilitator never heard of it
    assert asked.subject.endswith(f"({booked['reference']})")
    # Repeated, nobody is asked again.
    assert system.admin("DELETE", f"/people/{ADA}").status == 404
    assert cohorts.emails() == []


def test_a_list_emptied_since_the_copy_is_still_asked(system: System) -> None:
    cohorts = Cohorts(system)
    _booked(cohorts)
    _facilitators(system, "move-spring")  # nobody runs the cohort's list now

    assert _to(_erased(system, cohorts)) == [[SPRING]]


def test_a_moved_booking_asks_everyone_each_of_its_copies_went_to(system: System) -> None:
    """Booked on spring (its "New booking" to the first facilitator), spring's list changed,
    then moved to summer: spring's "moved away", which names the person, went to the new
    facilitator; summer's "moved to your cohort" to its own, whose list was emptied after. Each
    cohort is asked once, at every address a copy of its went to."""
    cohorts = Cohorts(system)
    booked = _booked(cohorts)
    _facilitators(system, "move-spring", NEW_SPRING)
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    facilitators = [m.to for m in cohorts.emails() if m.to != [ADA]]
    assert sorted(list(to) for to in facilitators) == sorted([[NEW_SPRING], [SUMMER]])
    _facilitators(system, "move-summer")

    asked = _erased(system, cohorts)

    assert _to(asked) == sorted([sorted([SPRING, NEW_SPRING]), [SUMMER]])
    assert all(m.subject.endswith(f"({booked['reference']})") for m in asked)


def test_a_copy_sent_before_its_addresses_were_recorded_asks_the_list_as_it_is(
    system: System,
) -> None:
    """A copy from before the mailer recorded whom it went to (its record taken out here, as
    none was written then): its cohort's list as it is now is asked, as before
    (docs/features/data-protection.md)."""
    cohorts = Cohorts(system)
    booked = _booked(cohorts)
    system.dynamodb.delete_item(
        TableName=system.resources.table_name,
        Key=copy_key(
            booked["application_id"], f"facilitator_copy:{booked['application_id']}:booked"
        ),
    )
    _facilitators(system, "move-spring", NEW_SPRING)

    assert _to(_erased(system, cohorts)) == [[NEW_SPRING]]
