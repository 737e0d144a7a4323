"""An offered place says why it is offered: the organisers approved the application, or a place
came free for the first on the waiting list (the offer email is worded from this)."""

from __future__ import annotations

from booking.domain.emails import EmailKind
from booking.services import applications, courses, lifecycle
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.use_case_steps import answers, course_definition, paid


def test_an_approval_offers_the_place_as_approved_and_a_freed_place_as_freed() -> None:
    ports = fake_ports(Clock())
    courses.put_course(ports, "c2", course_definition(capacity=1, approval=True))
    first = applications.submit_application(ports, "c2", answers("p0@example.org"))
    second = applications.submit_application(ports, "c2", answers("p1@example.org"))
    lifecycle.approve(ports, first.application_id)  # a place: offered as approved
    lifecycle.approve(ports, second.application_id)  # the course is full: waiting list
    applications.start_checkout(ports, first.application_id, first.token)
    paid(ports, first.application_id)
    lifecycle.cancel(ports, first.application_id, refund=False)  # frees the place for p1

    offers = {
        job.application_id: job.reason
        for job in repo(ports).written_emails
        if job.kind is EmailKind.OFFER
    }
    assert offers == {first.application_id: "approved", second.application_id: "place_freed"}
