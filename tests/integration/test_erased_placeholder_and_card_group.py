"""The address every erased record carries, through the real handlers, moto and the Stripe
stand-in (retest10 R10-10): the forms refuse the placeholder (and any address of a reserved
domain) as an address nobody is reached at; an erased booking is cancelled and refunded
whoever else holds that address, one person's and a group place's."""

from __future__ import annotations

import pytest

from booking.domain.application import ERASED_EMAIL
from booking.domain.application import ApplicationStatus as S
from tests.integration.test_group_bookings import (
    COLLEAGUES,
    booking_body,
    colleague_applies,
    paid_group,
    places_left,
)
from tests.support.applications import an_application, answers_of
from tests.support.invoiced import INVOICED
from tests.support.system import COURSE_ID, System

PERSON = "gone@example.org"
MANAGER = "florence@example.org"
RESERVED = "reserved for addresses nobody can be reached at"


@pytest.mark.parametrize("address", [ERASED_EMAIL, "ERASED@Invalid.Example", "jo@mail.invalid"])
def test_the_forms_refuse_an_address_of_a_reserved_domain_on_its_field(
    system: System, address: str
) -> None:
    places = places_left(system, COURSE_ID)
    refused = system.apply(email=address)
    assert refused.status == 422, refused.body
    reason = refused.json()["error"]["fields"]["email"]
    assert "our email service cannot deliver to addresses at" in reason
    assert RESERVED in reason
    page = system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        form={"name": "Jo", "email": address, "consent": "on"},
        headers={"accept": "text/html"},
    )
    assert page.status == 422
    assert RESERVED in page.body
    named = {"name": "Jo Bloggs", "email": address}
    for body in (
        booking_body(colleagues=[named]),
        booking_body(manager_email=address, colleagues=COLLEAGUES[:1]),
    ):
        group = system.api("POST", f"/courses/{COURSE_ID}/group-bookings", json_body=body)
        assert group.status == 422, group.body
        assert RESERVED in group.body
    assert system.applications() == []
    assert places_left(system, COURSE_ID) == places


def test_an_erased_booking_is_cancelled_and_refunded_whoever_holds_the_placeholder(
    system: System,
) -> None:
    """An application under the placeholder (made before the forms refused it) no longer
    blocks the organisers' cancel of an erased booking: its refund is recorded and Stripe's
    events about it are applied (never answered 500)."""
    booked = system.apply(email=PERSON).json()
    assert system.pay(booked["checkout_url"]).status == 200
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    _squatter(system, COURSE_ID)
    placeholder = system.apply(email=ERASED_EMAIL)
    assert placeholder.status == 422, placeholder.body
    assert RESERVED in placeholder.json()["error"]["fields"]["email"]
    system.webhook_replies.clear()
    cancelled = system.admin(
        "POST", f"/applications/{booked['application_id']}/cancel", json_body={"refund": True}
    )
    assert cancelled.status == 200, cancelled.body
    stored = system.ports.repository.get_application(booked["application_id"])
    assert stored is not None
    assert (stored.status, stored.amount_refunded) == (S.REFUNDED, 20000)
    assert system.webhook_replies, "Stripe told of the refund"
    assert {reply.status for reply in system.webhook_replies} == {200}


def _squatter(system: System, course_id: str) -> None:
    """An application under the placeholder, as one made before the forms refused it."""
    squatter = an_application(
        S.AWAITING_PAYMENT,
        at=system.now(),
        app_id="squatter",
        course_id=course_id,
        answers=answers_of(ERASED_EMAIL),
    )
    system.ports.repository.save(squatter, None)


def test_an_erased_colleagues_booking_on_a_group_place_is_cancelled_by_the_organisers(
    invoiced: System,
) -> None:
    """The group path: the colleague who applied through their link and the manager both
    erased, the organisers give the place up; the placeholder's holder does not refuse it."""
    system = invoiced
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    colleague_applies(system, group)
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])
    for person in (MANAGER, COLLEAGUES[0]["email"]):
        assert system.admin("DELETE", f"/people/{person}").status == 200
    _squatter(system, INVOICED)
    cancelled = system.admin(
        "POST", f"/applications/{colleague.application_id}/cancel", json_body={"refund": True}
    )
    assert cancelled.status == 200, cancelled.body
    after = system.ports.groups.get_group(group["group_id"])
    assert after is not None
    assert after.places[0].released
    assert after.places[0].refund_id is not None
