"""The console's cancel confirmation says only what the cancel's emails do: no
"the course's facilitator is told" for a course with no facilitators, nor for an erased
person's booking (the mailer sends neither); and a move waiting for its difference, whose
held place on the dearer cohort goes back with the cancel, is said. Through the real handlers
and moto."""

from __future__ import annotations

from typing import Any

from tests.support.cohorts import ada_moving_to_winter
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

TOLD = "told the participant has withdrawn"


def _paid_on(system: System, course_id: str, email: str, **fields: Any) -> dict[str, Any]:
    definition = system.one_session_file(capacity=3, **fields)
    assert system.admin("PUT", f"/courses/{course_id}", json_body=definition).status == 201
    application = system.booked(course_id, email=email)
    system.deliver_emails()
    return application


def _cancelled_as_said(system: System, application: dict[str, Any]) -> tuple[str, list[Any]]:
    """The confirmation's words (refund ticked), then the cancel pressed: what it sent."""
    browser = signed_in(system)
    path = f"/console/applications/{application['application_id']}/cancel"
    words = text_of(browser.get(f"{path}?refund=on").body)
    assert browser.press(f"{path}?refund=on", path).status == 303
    return words, system.deliver_emails()


def test_no_facilitator_is_said_told_on_a_course_with_none(system: System) -> None:
    booked = _paid_on(system, "nobody-facilitates", "paid@example.org", facilitators=[])

    words, sent = _cancelled_as_said(system, booked)

    assert TOLD not in words
    assert "is emailed that it is cancelled" in words
    assert [e.to for e in sent] == [["paid@example.org"]]


def test_no_facilitator_is_said_told_of_an_erased_person(system: System) -> None:
    booked = _paid_on(
        system, "erased-booking", "gone@example.org", facilitators=["fac@example.org"]
    )
    assert system.admin("DELETE", "/people/gone@example.org").status == 200
    system.deliver_emails()

    words, sent = _cancelled_as_said(system, booked)

    assert TOLD not in words
    assert sent == []


def test_a_facilitated_course_still_says_them_told(system: System) -> None:
    booked = _paid_on(system, "facilitated", "paid@example.org", facilitators=["fac@example.org"])

    words, sent = _cancelled_as_said(system, booked)

    assert f"The course's facilitator is {TOLD}" in words
    assert ["fac@example.org"] in [e.to for e in sent]


def test_no_facilitator_is_said_told_when_their_address_is_no_longer_mailed(
    system: System,
) -> None:
    """The confirmation and the mailer ask one rule (``facilitators_copies.facilitators_mailed``):
    a facilitator whose address bounced is sent nothing, so the page does not say them told."""
    booked = _paid_on(system, "bounced", "paid@example.org", facilitators=["fac@example.org"])
    system.ports.repository.suppress_address("fac@example.org", "bounce", system.now())

    words, sent = _cancelled_as_said(system, booked)

    assert TOLD not in words
    assert [e.to for e in sent] == [["paid@example.org"]]


def test_a_move_waiting_for_its_difference_is_said_to_end_with_it(system: System) -> None:
    cohorts, app_id, _ = ada_moving_to_winter(system)
    assert cohorts.places_left("move-winter") == 4  # its place held there
    cohorts.emails()

    words, _ = _cancelled_as_said(system, {"application_id": app_id})

    assert "The place held for its move, which waits for its payment, ends with it" in words
    assert "free for the next person to book" in words
    assert cohorts.places_left("move-winter") == 5
