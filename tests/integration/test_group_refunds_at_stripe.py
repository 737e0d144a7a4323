"""A refund made at Stripe (its dashboard, not asked from here) of a manager's group booking's
payment, by card or by the employer's invoice, in full or in part: recorded on the group,
counted in the course's money, a full one ending the booking's unused places, the organisers
shown it; Stripe's two events for it in either order, and again, reach the same state. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
from typing import Any

from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    apply_through,
    book,
    give_up,
    manager_view,
    paid_card_group,
    pay_invoice,
    places_left,
)
from tests.support.held_events import events_held
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.system import COURSE_ID, System


def _anomalies(system: System) -> list[tuple[str, dict[str, str]]]:
    return [(a.kind, dict(a.details)) for a in system.ports.repository.anomalies()]


def _resend(system: System, event: dict[str, Any]) -> int:
    """Stripe delivers ``event`` again: the webhook's status."""
    assert system.stripe_local("POST", f"/events/{event['id']}/resend").status == 200
    assert system.answered[-1][0] == event["id"]
    return system.answered[-1][1]


def _refund_events(system: System) -> list[dict[str, Any]]:
    return [
        e for e in system.standin.events() if e["type"] in ("charge.refunded", "refund.created")
    ]


def test_a_card_group_refunded_in_full_at_stripe_ends_its_unused_places(system: System) -> None:
    group = paid_card_group(system)
    places = manager_view(system, group)["places"]
    taken = apply_through(system, places[0]["apply_url"], **COLLEAGUES[0])
    assert taken.status == 201, taken.body
    left = places_left(system, COURSE_ID)
    system.deliver_emails()
    payment = system.stored_group(group).payment_intent

    system.refund_at_stripe(payment, 60000)

    replies = [r.json() for r in system.webhook_replies[-2:]]
    assert [r["action"] for r in replies] == ["refund_recorded", "refund_recorded"]
    stored = system.stored_group(group)
    assert (stored.amount_paid, stored.amount_refunded) == (60000, 60000)
    assert stored.ended_because == "refunded_at_stripe"
    assert [p.released for p in stored.places] == [False, True, True]  # place 1 is held
    assert places_left(system, COURSE_ID) == left + 2  # the seats of the unused places back
    late = apply_through(system, places[1]["apply_url"], **COLLEAGUES[1])
    assert late.status == 409, late.body  # its link no longer books a place
    assert _anomalies(system) == [
        (
            "group_refunded_with_places_held",
            {
                "group_id": group["group_id"],
                "payment_intent": payment,
                "amount_paid": "60000",
                "amount_refunded": "60000",
                "places": "1",
            },
        )
    ]
    money = system.totals(COURSE_ID)
    assert (money["paid"], money["refunded"], money["group_places"]) == (60000, 60000, 1)
    sent = system.deliver_emails()
    to_manager = [m for m in sent if "florence@example.org" in m.to]
    assert len(to_manager) == 1
    assert to_manager[0].subject.startswith("The payment was refunded: the places were released")
    assert "£600.00" in to_manager[0].text
    assert "places 2 and 3, which nobody had taken, were released" in to_manager[0].text
    assert "The 1 place your colleagues already hold stays theirs for now" in to_manager[0].text
    gone = [m for m in sent if COLLEAGUES[1]["email"] in m.to]
    assert len(gone) == 1  # told their link no longer works

    for event in _refund_events(system):  # again, and in the other order
        assert _resend(system, event) == 200
    for event in reversed(_refund_events(system)):
        assert _resend(system, event) == 200
    assert system.stored_group(group).amount_refunded == 60000
    assert len(_anomalies(system)) == 1
    assert [m for m in system.deliver_emails() if "florence@example.org" in m.to] == []
    substituted = system.api(
        "POST",
        f"/groups/{group['group_id']}/places/1/substitute?token={group['token']}",
        json_body={"name": "Someone Else", "email": "someone@example.org", "consent": True},
    )
    assert substituted.status == 409, substituted.body  # nobody else for money given back


def test_an_invoice_group_refunded_in_part_then_in_full_at_stripe(system: System) -> None:
    invoiced_cohort(system, capacity=5)
    group: dict[str, Any] = book(system, **BILLING).json()
    pay_invoice(system, group)
    payment = system.stored_group(group).payment_intent
    system.deliver_emails()

    system.refund_at_stripe(payment, 20000)  # a part: the booking stands
    stored = system.stored_group(group)
    assert (stored.amount_refunded, stored.ended_because, stored.places_kept) == (20000, None, 3)
    assert [kind for kind, _ in _anomalies(system)] == ["group_refunded_in_part_at_stripe"]
    money = system.totals(INVOICED)
    assert (money["paid"], money["refunded"]) == (60000, 20000)
    assert "£200.00 of its payment refunded at Stripe" in str(
        system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()
    )
    for event in reversed(_refund_events(system)):  # again, the other way round: no change
        assert _resend(system, event) == 200
    assert system.stored_group(group).amount_refunded == 20000
    assert len(_anomalies(system)) == 1

    # The manager gives place 3 up: its share is what is left, £200; then Stripe refunds the
    # rest from its dashboard, and the booking ends.
    assert give_up(system, group, 3).status == 200
    assert system.stored_group(group).amount_refunded == 40000
    system.refund_at_stripe(payment, 20000)
    stored = system.stored_group(group)
    assert (stored.amount_refunded, stored.ended_because) == (60000, "refunded_at_stripe")
    assert stored.places_kept == 0
    money = system.totals(INVOICED)
    assert (money["paid"], money["refunded"], money["group_places"]) == (60000, 60000, 0)
    ended = [m for m in system.deliver_emails() if m.subject.startswith("The payment was refunded")]
    # The manager's and the billing contact's, each to them alone.
    assert sorted(list(m.to) for m in ended) == [
        [BILLING["billing_email"]],
        ["florence@example.org"],
    ]


def test_a_give_up_after_a_refund_at_stripe_says_what_was_left(system: System) -> None:
    group = paid_card_group(system)
    payment = system.stored_group(group).payment_intent
    system.refund_at_stripe(payment, 50000)  # all but £100 of the £600
    system.deliver_emails()
    assert give_up(system, group, 1).status == 200
    # Place 1 took the last £100: the payment all gone back, the booking ended and its other
    # places released with it, so place 2 given up after is a repeat.
    assert give_up(system, group, 2).status == 200
    stored = system.stored_group(group)
    assert stored.amount_refunded == 60000  # £100 for place 1, nothing left for place 2
    assert [place.released for place in stored.places] == [True, True, True]
    words = [
        " ".join(m.text.split()) for m in system.deliver_emails() if "florence@example.org" in m.to
    ]
    assert any(
        "its share of the payment is £200.00, of which £100.00 had already been refunded at "
        "Stripe, and the other £100.00 is being refunded" in w
        for w in words
    )
    assert any("has been refunded in full" in w for w in words)
    assert not any("nothing had been paid for it" in w for w in words)
    assert len(words) == 2  # the place given up, and the booking's end: nothing for place 2


def test_the_systems_own_refund_of_a_place_is_not_a_refund_at_stripe(system: System) -> None:
    group = paid_card_group(system)
    assert give_up(system, group, 1).status == 200
    for event in _refund_events(system):
        assert _resend(system, event) == 200
        assert system.webhook_replies[-1].json()["action"] == "ignore"
    stored = system.stored_group(group)
    assert (stored.amount_refunded, stored.refunds_at_stripe) == (20000, {})
    assert _anomalies(system) == []


def test_a_full_refunds_two_events_first_heard_the_other_way_round(system: System) -> None:
    group = paid_card_group(system)
    payment = system.stored_group(group).payment_intent
    held = events_held(system, lambda: system.refund_at_stripe(payment, 60000))
    kinds = [json.loads(body)["type"] for body, _ in held]
    assert kinds == ["refund.created", "charge.refunded"]
    for body, headers in reversed(held):
        assert system.webhook(body, headers).status == 200
    stored = system.stored_group(group)
    assert (stored.amount_refunded, stored.ended_because) == (60000, "refunded_at_stripe")
    assert stored.places_kept == 0
    assert _anomalies(system) == []  # nobody held a place: nothing left to settle
    said = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()
    assert "refunded in full at Stripe" in str(said)
    console = signed_in(system).words(f"/console/courses/{COURSE_ID}/group-bookings")
    assert "Ended: its payment was refunded in full at Stripe (not from here)" in console
    assert manager_view(system, group)["ended_because"] == "refunded_at_stripe"
    told = [m for m in system.deliver_emails() if "florence@example.org" in m.to]
    assert len(told) == 1
