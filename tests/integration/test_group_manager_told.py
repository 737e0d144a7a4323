"""The manager is told of what happens to their booking after it was made: a place's share
refunded, the invoice reissued for the places kept, the hold lapsing unpaid, places released
at the deadline, a payment given back whole; each once, each describing its own event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import stripe

from booking.domain.group_events import GroupEvent
from booking.domain.group_stripe_events import GroupMove
from booking.services.group_payments import _manager_told_of
from tests.support.groups import (
    COLLEAGUES,
    book,
    colleague_applies,
    give_up,
    given_up_over_a_payment,
    paid_group,
    paid_group_with_an_apply_by,
    the_apply_by_passes,
)
from tests.support.held_events import events_held
from tests.support.invoiced import BILLING, INVOICED
from tests.support.stripe_client import Answer
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

MANAGER = ["florence@example.org"]


def _told(system: System) -> list[Any]:
    """The manager's emails (the billing contact of an invoice whose money goes back gets its
    own: ``domain.payer``)."""
    return [e for e in system.deliver_emails() if e.to[:1] == MANAGER]


def _cancel(system: System, group: dict[str, Any], number: int) -> Any:
    reply = give_up(system, group, number)
    assert reply.status == 200, reply.body
    return reply.json()


def test_a_place_given_up_after_paying_tells_the_manager_its_refund_once(system: System) -> None:
    group = paid_group(system)
    system.deliver_emails()
    _cancel(system, group, 2)
    [told] = _told(system)
    assert told.to == MANAGER  # the billing contact has its own
    assert told.subject == (
        "A place given up: Compassionate Leadership Training, from Monday 7 June 2027"
    )
    assert "Place 2 of your booking" in told.text
    assert "£200.00" in told.text
    assert group["manager_url"] in told.text
    _cancel(system, group, 2)  # a repeat: no second email
    assert _told(system) == []


def test_a_place_given_up_before_the_invoice_is_paid_tells_the_new_invoice(system: System) -> None:
    group = book(system, **BILLING).json()
    system.deliver_emails()
    _cancel(system, group, 3)
    [told] = _told(system)
    assert told.to == MANAGER  # nothing paid: Stripe sends the billing contact the invoice
    assert told.subject.startswith("A new invoice for the places kept")
    flat = " ".join(told.text.split())
    assert "for the 2 places kept (£400.00)" in flat
    _cancel(system, group, 2)  # the second reissue is its own event
    [again] = _told(system)
    assert "for the 1 place kept (£200.00)" in " ".join(again.text.split())


def test_a_card_hold_that_lapses_unpaid_tells_the_manager(system: System) -> None:
    with system.standin.webhooks_held():
        group = book(system).json()
    system.deliver_emails()
    system.clock_offset += timedelta(hours=1)
    with system.standin.webhooks_held():
        system.scheduled_run(system.now())
    [told] = _told(system)
    assert told.subject.startswith("Not paid in time: the places were released")
    assert "the payment by card was not made before the checkout expired" in told.text
    assert f"/courses/{INVOICED}/group-booking" in told.text
    system.scheduled_run(system.now() + timedelta(hours=1))
    assert _told(system) == []
    assert group["status"] == "awaiting_payment"


def test_places_released_at_the_deadline_tell_the_manager_which_and_what_is_refunded(
    system: System,
) -> None:
    group = paid_group_with_an_apply_by(system)
    colleague_applies(system, group)
    system.deliver_emails()
    the_apply_by_passes(system, group)
    [told] = _told(system)
    assert told.subject.startswith("Places nobody applied for were released")
    flat = " ".join(told.text.split())
    assert "Nobody applied for places 2 and 3, so they were released and £400.00" in flat
    assert "The places your colleagues applied for are theirs." in flat  # place 1 applied
    system.scheduled_run(system.now() + timedelta(hours=1))
    assert _told(system) == []
    places = _overview(system, group)["places"]
    assert [p["state_said"] for p in places] == [
        "Confirmed",
        "Released at the apply-by date: nobody applied",
        "Released at the apply-by date: nobody applied",
    ]


def test_a_booking_nobody_applied_for_says_so_and_never_that_colleagues_applied(
    system: System,
) -> None:
    group = paid_group_with_an_apply_by(system, colleagues=COLLEAGUES[:2])
    _cancel(system, group, 1)  # the manager gives place 1 up; nobody applies for place 2
    system.deliver_emails()
    the_apply_by_passes(system, group)
    [told] = _told(system)
    flat = " ".join(told.text.split())
    assert "Nobody applied for place 2, so it was released and £200.00" in flat
    assert "applied for are theirs" not in flat + told.html
    # Said once: nobody applied, then what the booking holds now.
    assert "The booking now holds no places." in flat
    assert flat.count("Nobody applied") == 1
    line = _overview(system, group)
    assert line["status_said"] == (
        "Paid; every place given up or released at the apply-by date since"
    )
    assert [p["state_said"] for p in line["places"]] == [
        "Given up",
        "Released at the apply-by date: nobody applied",
    ]


def _overview(system: System, group: dict[str, Any]) -> dict[str, Any]:
    found = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    [line] = [g for g in found if g["group_id"] == group["group_id"]]
    return dict(line)


def test_a_lapse_after_a_payment_was_given_back_says_what_went_back(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old checkout paid while a place was given up: that payment went back whole; the
    new checkout is never paid. The lapse never says nothing was taken."""
    group = book(system).json()
    late_payment = events_held(system, lambda: system.pay(str(group["pay_url"])))
    assert given_up_over_a_payment(system, group, 3, monkeypatch).status == 200
    for body, headers in late_payment:
        assert system.webhook(body, headers).status == 200
    system.deliver_emails()
    system.clock_offset += timedelta(hours=1)
    with system.standin.webhooks_held():
        system.scheduled_run(system.now())
    [told] = _told(system)
    flat = " ".join(told.text.split())
    assert "Nothing has been taken" not in flat
    assert "A payment of £600.00 that came for it on a checkout or invoice it no longer used" in (
        flat
    )
    line = _overview(system, group)
    assert line["status_said"] == (
        "Lapsed: its card payment was not made before the checkout expired, so its places were "
        "released; a payment it could not take (£600.00) was refunded in full"
    )
    assert line["ended_because"] == "checkout_expired"
    assert {p["state_said"] for p in line["places"][:2]} == {
        "Released: the booking ended before it was paid"
    }


def test_a_payment_given_back_whole_is_told_with_its_amount(system: System) -> None:
    paid = paid_group(system)
    # Read once its emails went: a colleague's link sent records its date on the group.
    system.deliver_emails()
    group = system.stored_group(paid)
    given_back = {"pi_second": 60000}
    told = _manager_told_of(group, GroupMove.REFUND, "pi_second", given_back, "paid_twice")
    [job] = [j for j in told.outbox if j.reason == GroupEvent.PAYMENT_RETURNED.value]
    assert job.amount == 60000
    assert job.returned_because == "paid_twice"
    assert _manager_told_of(group, GroupMove.IGNORE, "pi_second", {}, None) == group
    system.ports.groups.save_group(told, group)
    sent = system.deliver_emails()
    [email] = [e for e in sent if e.to[:1] == MANAGER]
    assert email.subject.startswith("A payment given back")
    said = " ".join(email.text.split())
    assert "A payment of £600.00 for your booking" in said
    # The reason recorded when it came, not a list of guesses, to the manager and to the
    # billing contact in its own message.
    [payers] = [e for e in sent if e.to == [BILLING["billing_email"]]]
    for told_why in (said, " ".join(payers.text.split()), " ".join(payers.html.split())):
        assert "could not be kept (the booking had already been paid, so this was a" in told_why
        assert " or it paid twice" not in told_why


def test_a_colleague_sent_a_link_is_told_when_their_place_is_given_up(system: System) -> None:
    group = paid_group(system)
    colleague_applies(system, group)
    system.deliver_emails()
    _cancel(system, group, 2)  # had a link, never applied
    _cancel(system, group, 1)  # applied: withdrawn, told by the cancellation email instead
    sent = system.deliver_emails()
    [gone] = [e for e in sent if e.to == [COLLEAGUES[1]["email"]]]
    assert gone.subject == (
        "Your place has been given up: Compassionate Leadership Training, from Monday 7 June 2027"
    )
    flat = " ".join(gone.text.split())
    assert "The link we sent you to apply for it no longer works" in flat
    assert group["places"][1]["apply_url"] not in gone.text
    [withdrawn] = [e for e in sent if e.to == [COLLEAGUES[0]["email"]]]
    assert "has been given up" not in withdrawn.subject
    _cancel(system, group, 2)  # a repeat: nobody told twice
    assert [e for e in system.deliver_emails() if e.to == [COLLEAGUES[1]["email"]]] == []


def test_places_released_over_two_runs_as_stripe_fell_silent_are_all_told(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the deadline each unfilled place's share is refunded at Stripe in turn. Stripe
    answered the first and then fell silent: that run released one place and left the rest
    for the next, which told the manager only of the places it released itself (never of the
    first, nor of its £200.00)."""
    group = paid_group_with_an_apply_by(system)
    system.deliver_emails()
    answer = system.stripe_http._answer
    refunds: list[str] = []

    def silent_after_one_refund(method: str, url: str, headers: Any, post_data: Any) -> Answer:
        if method == "post" and url.endswith("/v1/refunds"):
            refunds.append(url)
            if len(refunds) > 1:
                raise stripe.APIConnectionError("simulated: Stripe did not answer in time")  # type: ignore[no-untyped-call]
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", silent_after_one_refund)
    the_apply_by_passes(system, group)
    assert [p["state_said"] for p in _overview(system, group)["places"]].count(
        "Released at the apply-by date: nobody applied"
    ) == 1
    monkeypatch.setattr(system.stripe_http, "_answer", answer)
    system.scheduled_run(system.now() + timedelta(minutes=15))

    [told] = _told(system)
    flat = " ".join(told.text.split())
    assert "Nobody applied for places 1, 2 and 3, so they were released and £600.00" in flat
