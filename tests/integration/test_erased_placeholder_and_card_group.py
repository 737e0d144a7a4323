"""The address every erased record carries, and a card group whose manager is erased, through
the real handlers, moto and the Stripe stand-in: the forms refuse the
placeholder (and any address of a reserved domain) as an address nobody is reached at; an
erased booking is cancelled and refunded whoever else holds that address, one person's and a
group place's; an unpaid card group's checkout is expired at Stripe before its manager's
erasure ends it, and a checkout paid meanwhile keeps the booking."""

from __future__ import annotations

import pytest

from booking.domain.application import ERASED_EMAIL
from booking.domain.application import ApplicationStatus as S
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupStatus
from tests.support.applications import an_application, answers_of
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    book,
    booking_body,
    colleague_applies,
    paid_group,
    places_left,
)
from tests.support.invoiced import INVOICED
from tests.support.system import COURSE_ID, System

PERSON = "gone@example.org"
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
    booked = system.booked(email=PERSON)
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    _squatter(system, COURSE_ID)
    placeholder = system.apply(email=ERASED_EMAIL)
    assert placeholder.status == 422, placeholder.body
    assert RESERVED in placeholder.json()["error"]["fields"]["email"]
    system.webhook_replies.clear()
    cancelled = system.cancel(booked["application_id"])
    assert cancelled.status == 200, cancelled.body
    stored = system.stored(booked)
    assert (stored.status, stored.amount_refunded) == (S.REFUNDED, 20000)
    assert system.webhook_replies, "Stripe told of the refund"
    assert {reply.status for reply in system.webhook_replies} == {200}


@pytest.mark.parametrize("event", ["delivered", "lost"])
def test_erasing_an_unpaid_card_groups_manager_expires_its_checkout_then_ends_it(
    system: System, event: str
) -> None:
    """The expiry's event from Stripe comes before the erasure's save (said as the erasure's
    ending), or never (the erasure's save ends the booking itself)."""
    left = places_left(system, COURSE_ID)
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    assert group["status"] == "awaiting_payment"
    system.deliver_emails()
    system.lose_webhooks = event == "lost"
    answer = system.admin("DELETE", f"/people/{MANAGER}")
    system.lose_webhooks = False
    assert answer.status == 200, answer.body
    [ended] = answer.json()["group_bookings"]
    assert ended["checkout_expired"] is True
    assert ended["invoice_voided"] is False
    assert ended["seats_released"] == 2
    said = answer.json()["said"][1]
    assert "its unpaid card checkout was expired at Stripe, so the booking ended" in said
    assert "its 2 places went back to the course" in said
    session = system.checkout_session(group["pay_url"])
    assert session["status"] == "expired"
    stored = system.stored_group(group)
    assert stored.status is GroupStatus.LAPSED
    assert stored.ended_because is GroupEnding.PERSON_ERASED
    assert places_left(system, COURSE_ID) == left
    # The erased manager's open tab cannot pay it any more.
    assert system.pay(group["pay_url"]).status != 200
    assert system.ports.groups.get_group(group["group_id"]).status is GroupStatus.LAPSED  # type: ignore[union-attr]
    overview = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()
    [shown] = [g for g in overview["groups"] if g["group_id"] == group["group_id"]]
    said_there = shown["status_said"]
    assert "manager was erased before paying, so its card checkout was expired" in said_there
    assert "invoice" not in said_there
    assert not any(MANAGER in m.to for m in system.deliver_emails())


def test_a_card_group_paid_before_its_managers_erasure_could_expire_it_stands(
    system: System,
) -> None:
    left = places_left(system, COURSE_ID)
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    system.hold_webhooks = True  # paid at Stripe; its event not yet here
    assert system.pay(group["pay_url"]).status == 200
    answer = system.admin("DELETE", f"/people/{MANAGER}")
    assert answer.status == 200, answer.body
    [kept] = answer.json()["group_bookings"]
    assert kept["checkout_expired"] is False
    assert kept["seats_released"] == 0
    assert "had been paid meanwhile, so the booking stands" in answer.json()["said"][1]
    system.hold_webhooks = False
    for body, headers in system.pending:
        assert system.webhook(body, headers).status == 200
    stored = system.stored_group(group)
    assert stored.status is GroupStatus.PAID
    assert stored.manager.email == ERASED_EMAIL
    assert places_left(system, COURSE_ID) == left - 2


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
    cancelled = system.cancel(colleague.application_id)
    assert cancelled.status == 200, cancelled.body
    after = system.stored_group(group)
    assert after.places[0].released
    assert after.places[0].refund_id is not None
