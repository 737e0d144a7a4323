"""Acts that end or replace an open card checkout expire it at Stripe before their save
(``services.checkout_expiry``), through the real handlers, moto and the
Stripe stand-in, with the person or the manager paying it just before Stripe is asked: a
group's place given up (one of two, and the last), the organisers' cancel and an erasure. The
payment is kept and the act refused in words (the erasure stands and says the booking stands),
never taken and given back whole; its event handled inside Stripe's answer or after the act's.
Stripe unanswered: refused in words, nothing changed, and the next press completes the act."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from tests.support.groups import COLLEAGUES, book, give_up, manager_view, places_left
from tests.support.stripe_events import stripe_moved
from tests.support.system import COURSE_ID, System

PERSON = "payer@example.org"
BEING_RECORDED = "has arrived and is being recorded: nothing was changed"


def _paid_as_it_is_expired(
    system: System, monkeypatch: pytest.MonkeyPatch, *, event_held: bool
) -> None:
    """The checkout is paid at Stripe just before the act asks Stripe to expire it; its event
    is handled at once (inside Stripe's answer) or held until the test delivers it."""
    payments = system.ports.payments
    stripes_expire = payments.expire_checkout

    def paid_first(session_id: str) -> str:
        system.hold_webhooks = event_held
        paid = system.pay_session(session_id)
        system.hold_webhooks = False
        assert paid.status == 200, paid.body
        return stripes_expire(session_id)

    monkeypatch.setattr(payments, "expire_checkout", paid_first)


def _held_events_delivered(system: System) -> None:
    held, system.pending = list(system.pending), []
    for body, headers in held:
        assert system.webhook(body, headers).status == 200


def _card_group(system: System, places: int) -> dict[str, Any]:
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:places]).json()
    assert group["status"] == "awaiting_payment", group
    system.deliver_emails()
    return dict(group)


@pytest.mark.parametrize("event_held", [False, True])
@pytest.mark.parametrize("places", [2, 1])
def test_a_group_place_given_up_while_the_manager_pays_is_refused_the_payment_kept(
    system: System, monkeypatch: pytest.MonkeyPatch, places: int, event_held: bool
) -> None:
    """One place of two (a new checkout would be made for the other) or the last place: the
    card payment of every place is kept, nothing given back, nothing asked again."""
    left = places_left(system, COURSE_ID)
    group = _card_group(system, places)
    _paid_as_it_is_expired(system, monkeypatch, event_held=event_held)

    reply = give_up(system, group, 1)

    refused = reply.refused(409, "payment_being_recorded")
    assert "your card payment " + BEING_RECORDED in refused["message"]
    _held_events_delivered(system)
    view = manager_view(system, group)
    assert view["status"] == "paid", view
    assert all(place["state"] != "released" for place in view["places"])
    assert stripe_moved(system, group["group_id"]) == (places * 20000, 0)
    assert places_left(system, COURSE_ID) == left - places
    assert not [e for e in system.deliver_emails() if "given back" in e.subject.lower()]


def test_a_group_place_given_up_unpaid_expires_the_old_checkout_before_the_new_one(
    system: System,
) -> None:
    group = _card_group(system, 2)
    old = system.checkout_session(group["pay_url"])

    reply = give_up(system, group, 1)

    assert reply.status == 200, reply.body
    view = reply.json()
    assert (view["status"], view["places_kept"]) == ("awaiting_payment", 1)
    assert system.checkout_session(old["id"])["status"] == "expired"
    assert system.checkout_session(view["pay_url"])["status"] == "open"
    stored = system.stored_group(group)
    assert stored.checkout is not None
    assert not stored.checkout.expiring


@pytest.mark.parametrize("event_held", [False, True])
def test_the_organisers_cancel_while_the_person_pays_is_refused_the_payment_kept(
    system: System, monkeypatch: pytest.MonkeyPatch, event_held: bool
) -> None:
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]
    system.deliver_emails()
    _paid_as_it_is_expired(system, monkeypatch, event_held=event_held)

    reply = system.cancel(app_id, refund=True)

    refused = reply.refused(409, "payment_being_recorded")
    assert "card payment " + BEING_RECORDED in refused["message"]
    _held_events_delivered(system)
    assert system.status_of(application)["status"] == "confirmed"
    assert system.standin.money_moved()[app_id] == (20000, 0)
    stored = system.stored(application)
    assert stored.checkout is None or not stored.checkout.expiring


@pytest.mark.parametrize("event_held", [False, True])
def test_an_erasure_while_the_person_pays_keeps_the_paid_booking_and_says_so(
    system: System, monkeypatch: pytest.MonkeyPatch, event_held: bool
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]
    system.deliver_emails()
    _paid_as_it_is_expired(system, monkeypatch, event_held=event_held)

    reply = system.admin("DELETE", f"/people/{PERSON}")

    assert reply.status == 200, reply.body
    [erased] = reply.json()["applications"]
    assert (erased["paid_meanwhile"], erased["seat_released"]) == (True, False)
    said = reply.json()["said"][1]
    assert (
        "its card checkout had been paid meanwhile, so the booking stands: cancel it with a "
        "refund to give it back" in said
    )
    assert "went back to the course" not in said
    _held_events_delivered(system)
    stored = system.stored(application)
    assert stored.status.value == "confirmed"
    assert stored.erased_at is not None
    assert system.standin.money_moved()[app_id] == (20000, 0)
    assert places_left(system, COURSE_ID) == left - 1


def test_an_erasure_of_an_unpaid_checkout_expires_it_first_and_releases_the_place(
    system: System,
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()

    reply = system.admin("DELETE", f"/people/{PERSON}")

    assert reply.status == 200, reply.body
    [erased] = reply.json()["applications"]
    assert (erased["paid_meanwhile"], erased["seat_released"]) == (False, True)
    assert system.checkout_session(application["checkout_url"])["status"] == "expired"
    assert system.stored(application).status.value == "cancelled"
    assert places_left(system, COURSE_ID) == left


def test_a_cancel_stripe_does_not_answer_is_refused_in_words_and_the_next_press_completes(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]
    system.deliver_emails()
    with monkeypatch.context() as patched:
        _unanswered(system, patched)
        first = system.cancel(app_id, refund=False)

    assert first.status == 503, first.body
    assert "did not answer when asked to close the open card checkout" in first.body
    assert system.status_of(application)["status"] == "awaiting_payment"
    assert places_left(system, COURSE_ID) == left - 1

    again = system.cancel(app_id, refund=False)

    assert again.status == 200, again.body
    assert system.status_of(application)["status"] == "cancelled"
    assert system.checkout_session(application["checkout_url"])["status"] == "expired"
    assert places_left(system, COURSE_ID) == left
    # Stripe's expiry event, handled inside its answer, ended nothing: the cancel did, once.
    told = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert [s for s in told if "has been cancelled" in s] == told, told
    assert len(told) == 1, told


def _unanswered(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    def timed_out(session_id: str) -> str:
        raise DependencyUnavailable("Stripe timed out")

    monkeypatch.setattr(system.ports.payments, "expire_checkout", timed_out)


def test_an_erasure_stripe_does_not_answer_erases_nothing_and_the_next_press_completes(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    with monkeypatch.context() as patched:
        _unanswered(system, patched)
        first = system.admin("DELETE", f"/people/{PERSON}")

    assert first.status == 503, first.body
    assert "did not answer when asked to close the open card checkout" in first.body
    assert system.admin("GET", f"/people/{PERSON}").status == 200  # nothing erased yet
    assert system.status_of(application)["status"] == "awaiting_payment"

    again = system.admin("DELETE", f"/people/{PERSON}")

    assert again.status == 200, again.body
    [erased] = again.json()["applications"]
    assert (erased["paid_meanwhile"], erased["seat_released"]) == (False, True)
    assert system.checkout_session(application["checkout_url"])["status"] == "expired"
    assert places_left(system, COURSE_ID) == left


def test_a_group_give_up_stripe_does_not_answer_changes_nothing_and_the_next_press_completes(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = _card_group(system, 2)
    with monkeypatch.context() as patched:
        _unanswered(system, patched)
        first = give_up(system, group, 1)

    assert first.status == 503, first.body
    assert "did not answer when asked to close the open card checkout" in first.body
    assert manager_view(system, group)["places_kept"] == 2

    again = give_up(system, group, 1)

    assert again.status == 200, again.body
    assert again.json()["places_kept"] == 1
    assert system.checkout_session(group["pay_url"])["status"] == "expired"
    assert system.checkout_session(again.json()["pay_url"])["status"] == "open"
