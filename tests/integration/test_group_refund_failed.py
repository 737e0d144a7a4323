"""A place's share refunded when the manager gives it up, which Stripe then says failed (the
card or account could not take it back): kept once per refund as the anomaly a one-person
refund's failure is (``refund_failed_at_stripe``), the group's figures no longer count it as
given back, and the organisers read "Refund failed" on the group's card, in its JSON and in the
CLI (group refunds once recorded no failure at all). Through the handlers, moto and
the Stripe stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_refunds_pending import _settled_at_stripe
from tests.support.cli import connect
from tests.support.console import signed_in
from tests.support.groups import give_up, paid_card_group
from tests.support.stripe_events import sent
from tests.support.system import COURSE_ID, System

FAILED = "Refund failed at Stripe: £200.00 is still to give back to the employer by hand"


def _line(system: System, group: dict[str, Any]) -> dict[str, Any]:
    lines = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()["groups"]
    [line] = [line for line in lines if line["group_id"] == group["group_id"]]
    return dict(line)


def _anomalies(system: System, kind: str) -> list[Any]:
    return [a for a in system.ports.repository.anomalies() if a.kind == kind]


def test_a_places_share_whose_refund_failed_is_one_anomaly_and_shown_as_failed(
    system: System, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    group = paid_card_group(system)
    assert give_up(system, group, 3).status == 200
    stored = system.stored_group(group)
    [refund_id] = stored.refunds
    assert _line(system, group)["refunded_said"] == "£200.00"

    told = _settled_at_stripe(system, refund_id, "failed")
    first = sent(system, told)
    again = sent(system, {**told, "id": f"evt_again_{refund_id}"})  # the same failure, again

    assert first["action"] == "refund_recorded", first
    assert again["action"] == "ignore", again
    [anomaly] = _anomalies(system, "refund_failed_at_stripe")
    assert anomaly.event_id == f"refund_failed_at_stripe-{refund_id}"
    assert anomaly.details["group_id"] == group["group_id"]
    assert anomaly.details["refund_id"] == refund_id
    assert system.stored_group(group).refunds_failed == (refund_id,)
    line = _line(system, group)
    assert (line["refunded_said"], line["refund_failed_said"]) == ("£0.00", FAILED)
    said = signed_in(system).words(f"/console/courses/{COURSE_ID}/group-bookings")
    assert f"Refund failed {FAILED}" in said
    connect(system, monkeypatch)
    code, listed = run("group-bookings", COURSE_ID)
    assert code == 0, listed
    assert FAILED in listed


def test_a_failure_said_of_a_share_stripe_holds_as_succeeded_is_not_believed(
    system: System,
) -> None:
    """As for one person's refund: a "failed" Stripe does not hold is read back and ignored."""
    group = paid_card_group(system)
    assert give_up(system, group, 3).status == 200
    [refund_id] = system.stored_group(group).refunds
    told = _settled_at_stripe(system, refund_id, "succeeded")
    told["data"]["object"]["status"] = "failed"  # made up: Stripe holds it succeeded

    sent(system, {**told, "id": f"evt_made_up_{refund_id}"})

    assert system.stored_group(group).refunds_failed == ()
    assert _anomalies(system, "refund_failed_at_stripe") == []
    assert _line(system, group)["refund_failed_said"] == ""


def test_a_failed_share_is_not_counted_once_a_dashboard_refund_was_recorded(
    system: System,
) -> None:
    """A dashboard refund of £50 recorded (Stripe's running total then £250,
    counting the share's £200), and the share's refund then fails: given back is £50, not
    £250, and the card says both the £50 and the £200 still to give back by hand."""
    group = paid_card_group(system)
    assert give_up(system, group, 3).status == 200
    [refund_id] = system.stored_group(group).refunds
    system.refund_at_stripe(system.stored_group(group).payment_intent, 5000)
    assert system.stored_group(group).amount_refunded == 25000

    sent(system, _settled_at_stripe(system, refund_id, "failed"))

    assert system.stored_group(group).amount_refunded == 5000
    line = _line(system, group)
    assert (line["refunded_said"], line["refund_failed_said"]) == ("£50.00", FAILED)
