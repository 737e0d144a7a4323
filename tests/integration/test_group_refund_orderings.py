"""A group's payment given back whole by a refund made at Stripe's dashboard together with the
system's own refund of a place's share: the booking's state is a function of the facts, never
of their order nor of who gave the last of the money back: a
payment all gone back ends the booking (its places nobody holds released, the manager told
once), whether a place given up or the dashboard took the last of it, and an event about a
refund already recorded (redelivered, or a ``refund.updated`` / second ``refund.created`` /
``charge.refunded`` carrying the amounts already recorded) changes nothing. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.domain.group_endings import GroupEnding
from tests.support.exploration import seeded
from tests.support.groups import (
    COLLEAGUES,
    apply_through,
    give_up,
    manager_view,
    paid_card_group,
)
from tests.support.held_events import events_held
from tests.support.system import System

MANAGER = "florence@example.org"


def _dashboard_events(system: System, payment: str) -> list[dict[str, Any]]:
    """Stripe's events about refunds of ``payment`` not asked from here (no request key)."""
    found = []
    for event in system.standin.events():
        if event["type"] not in ("charge.refunded", "refund.created", "refund.updated"):
            continue
        request = event.get("request") or {}
        if request.get("idempotency_key"):
            continue
        if event["data"]["object"].get("payment_intent") == payment:
            found.append(event)
    return found


def _signed_again(system: System, event: dict[str, Any], kind: str, suffix: str) -> Any:
    """``event`` sent again as Stripe would for a refund it holds (``kind``, a new event id)."""
    copy = json.loads(json.dumps(event))
    copy["id"] = f"{event['id']}_{suffix}"
    copy["type"] = kind
    body = json.dumps(copy).encode()
    return system.signed_webhook(body)


def _state(system: System, group: dict[str, Any]) -> tuple[Any, ...]:
    stored = system.stored_group(group)
    return (
        stored.status.value,
        stored.ended_because,
        stored.amount_refunded,
        tuple(place.released for place in stored.places),
    )


ENDED = ("paid", GroupEnding.REFUNDED_AT_STRIPE, 60000, (True, True, True))


def _manager_subjects(system: System) -> list[str]:
    return sorted(m.subject.split(":")[0] for m in system.deliver_emails() if MANAGER in m.to)


def test_a_give_up_taking_the_last_of_the_payment_ends_the_booking(system: System) -> None:
    """£500 of £600 refunded at Stripe (the places stand), then a place given up
    takes the last £100: the booking ends as the same £100 refunded at the dashboard ends it,
    its other places released, their links dead, the manager told once of each change."""
    group = paid_card_group(system)  # 3 places, £600
    payment = system.stored_group(group).payment_intent
    assert payment is not None, "the group was paid"
    system.refund_at_stripe(payment, 50000)  # all but £100: "the places stand"
    told = [m for m in system.deliver_emails() if MANAGER in m.to]
    assert len(told) == 1
    assert "the places stand" in " ".join(told[0].text.split()).lower()
    link = manager_view(system, group)["places"][1]["apply_url"]

    assert give_up(system, group, 1).status == 200  # £100 of its share left to give back
    assert _state(system, group) == ENDED
    stored = system.stored_group(group)
    assert (sum(stored.refunds.values()), sum(stored.refunds_at_stripe.values())) == (10000, 50000)
    assert manager_view(system, group)["ended_because"] == "refunded_at_stripe"
    sent = system.deliver_emails()
    assert sorted(m.subject.split(":")[0] for m in sent if MANAGER in m.to) == [
        "A place given up",
        "The payment was refunded",
    ]
    released = [m for m in sent if "place booked for you was released" in m.subject.lower()]
    assert len(released) == 2  # the colleagues of places 2 and 3, sent links, told once each
    # A colleague's link no longer takes anyone: no place stands on money all given back.
    late = apply_through(system, link, **COLLEAGUES[1])
    assert late.status == 409, late.body
    assert late.json()["error"]["code"] == "place_cancelled"
    dashboard = _dashboard_events(system, payment)
    assert {e["type"] for e in dashboard} == {"refund.created", "charge.refunded"}
    for event in dashboard:
        for kind in ("refund.updated", "refund.created", "charge.refunded"):
            if kind == "refund.updated" and event["type"] != "refund.created":
                continue
            assert _signed_again(system, event, kind, kind.replace(".", "_")).status == 200
    assert _state(system, group) == ENDED
    assert _manager_subjects(system) == []


def test_the_same_last_part_refunded_at_the_dashboard_ends_it_the_same(system: System) -> None:
    """The control of the test above: the last £100 refunded at the dashboard instead of by the
    give-up: the same booking, its places released, as above."""
    group = paid_card_group(system)
    payment = system.stored_group(group).payment_intent
    system.refund_at_stripe(payment, 50000)
    system.deliver_emails()
    system.refund_at_stripe(payment, 10000)
    assert _state(system, group)[:3] == ENDED[:3]
    assert _manager_subjects(system) == ["The payment was refunded"]


def test_a_give_up_racing_a_dashboard_part_refund_gives_back_what_is_left(system: System) -> None:
    """The dashboard's refund not heard yet when the place is given up: Stripe's
    refunds are read back, what is left of the share given back, 200 in the manager's words,
    and, the payment all gone back, the booking ends; the dashboard's events,
    when they come, and again, change nothing."""
    group = paid_card_group(system)
    payment = system.stored_group(group).payment_intent
    assert payment is not None, "the group was paid"
    held = events_held(system, lambda: system.refund_at_stripe(payment, 50000))

    given = give_up(system, group, 1)
    assert given.status == 200, given.body
    assert _state(system, group) == ENDED  # it took the last of the payment
    words = [" ".join(m.text.split()) for m in system.deliver_emails() if MANAGER in m.to]
    assert any(
        "its share of the payment is £200.00, of which £100.00 had already been refunded at "
        "Stripe, and the other £100.00 is being refunded" in w
        for w in words
    )
    for body, headers in held + list(reversed(held)):
        assert system.webhook(body, headers).status == 200
    for event in _dashboard_events(system, payment):
        if event["type"] == "refund.created":
            assert _signed_again(system, event, "refund.updated", "again").status == 200
    assert _state(system, group) == ENDED
    assert [m for m in system.deliver_emails() if MANAGER in m.to] == []


# The facts, in any order: the dashboard's refund's two events, places 1 and 2 given up, a
# ``refund.updated`` about the same refund, and both events delivered again.
STEPS = ("refund.created", "charge.refunded", "give_up_1", "give_up_2", "refund.updated", "again")
_EXAMPLES = itertools.count()


@seeded(17_06)
@settings(
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order=st.permutations(STEPS))
def test_one_state_whatever_the_order_of_the_same_facts(system: System, order: list[str]) -> None:
    """A paid group of 3 (£600); Stripe's dashboard refunds £500 (its events held); then the
    facts in ``order``: the group ends as the same booking every time, the
    first place given up taking the £100 left, every place released, the manager told once of
    each change, each colleague once."""
    example = next(_EXAMPLES)  # each example's colleagues their own people
    colleagues = [
        {**colleague, "email": f"example{example}.{colleague['email']}"}
        for colleague in COLLEAGUES[:3]
    ]
    group = paid_card_group(system, colleagues=colleagues)
    payment = system.stored_group(group).payment_intent
    caused = events_held(system, lambda: system.refund_at_stripe(payment, 50000))
    held = {json.loads(body)["type"]: (body, headers) for body, headers in caused}
    assert set(held) == {"refund.created", "charge.refunded"}

    for step in order:
        if step.startswith("give_up_"):
            given = give_up(system, group, int(step.rsplit("_", 1)[1]))
            assert given.status == 200, given.body
        elif step == "refund.updated":
            created = json.loads(held["refund.created"][0])
            assert _signed_again(system, created, "refund.updated", "updated").status == 200
        elif step == "again":
            for body, headers in held.values():
                assert system.webhook(body, headers).status == 200
        else:
            assert system.webhook(*held[step]).status == 200

    assert _state(system, group) == ENDED
    stored = system.stored_group(group)
    assert sum(stored.refunds_at_stripe.values()) == 50000
    assert sum(stored.refunds.values()) == 10000
    sent = system.deliver_emails()
    assert sorted(m.subject.split(":")[0] for m in sent if MANAGER in m.to) == [
        "A place given up",
        "Part of the payment was refunded",
        "The payment was refunded",
    ]
    told = sorted(to for m in sent for to in m.to if to.startswith(f"example{example}."))
    assert told == sorted(c["email"] for c in colleagues)  # each colleague once
