"""How long an erasure waits for sends past their last check (``services.send_leases``): for a
lease while it lasts, never longer, and not at all when none is held."""

from __future__ import annotations

import dataclasses

from booking.services import applications, courses, people
from booking.services.ports import Ports
from booking.services.send_leases import LEASE_POLL, SEND_LEASE
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.applications import application_body
from tests.support.use_case_steps import course_definition

PERSON = "ada@example.org"


def _applied(clock: Clock) -> tuple[Ports, str]:
    """Ports whose pauses move ``clock``, and the application of PERSON they hold."""

    def pause(seconds: float) -> None:
        clock.advance(seconds=seconds)

    ports = dataclasses.replace(fake_ports(clock), pause=pause)
    courses.put_course(ports, "c1", course_definition())
    view = applications.submit_application(ports, "c1", application_body(email=PERSON))
    return ports, view.application_id


def test_a_lease_left_by_a_mailer_that_died_is_waited_for_until_it_lapses() -> None:
    clock = Clock()
    ports, application_id = _applied(clock)
    began = clock()
    repo(ports).send_leases[(application_id, "job-1")] = began + SEND_LEASE

    people.erase_person(ports, PERSON)

    assert began + SEND_LEASE <= clock() <= began + SEND_LEASE + LEASE_POLL


def test_an_erasure_with_no_send_in_flight_does_not_wait() -> None:
    clock = Clock()
    ports, application_id = _applied(clock)
    began = clock()
    repo(ports).send_leases[(application_id, "job-1")] = began  # lapsed already

    people.erase_person(ports, PERSON)

    assert clock() == began
