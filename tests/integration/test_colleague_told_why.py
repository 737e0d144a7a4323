"""A colleague sent a link for a group's place, who had not applied, is told why the place
ended in words true to the cause (``domain.colleague_told``): the manager gave it up, or the
booking's payment was refunded at Stripe, which is nobody's giving up. Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.groups import (
    COLLEAGUES,
    apply_through,
    give_up,
    manager_view,
    paid_card_group,
)
from tests.support.system import System

COURSE = "Compassionate Leadership Training"


def _to(system: System, sent: list[Any], number: int) -> Any:
    [told] = [m for m in sent if m.to == [COLLEAGUES[number - 1]["email"]]]
    return told


def test_a_colleague_whose_place_a_refund_at_stripe_released_is_told_of_the_refund(
    system: System,
) -> None:
    group = paid_card_group(system)
    link = manager_view(system, group)["places"][0]["apply_url"]
    assert apply_through(system, link, **COLLEAGUES[0]).status == 201
    system.deliver_emails()
    stored = system.stored_group(group)
    system.refund_at_stripe(stored.payment_intent, 60000)

    sent = system.deliver_emails()
    for number in (2, 3):
        told = _to(system, sent, number)
        assert told.subject.startswith("The place booked for you was released: ")
        for words in (" ".join(told.text.split()), told.html):
            assert (
                f"St Elsewhere NHS Trust had booked a place for you on {COURSE}, and the payment "
                "for that booking has been refunded, so the place, which you had not yet "
                "applied for, has been released. The link we sent you to apply for it no longer "
                "works."
            ) in words
            assert "given it up" not in words
            assert "given up" not in told.subject
    assert [m for m in sent if m.to == [COLLEAGUES[0]["email"]]] == []  # theirs stands


def test_a_colleague_whose_place_the_manager_gave_up_is_told_so(system: System) -> None:
    group = paid_card_group(system)
    assert give_up(system, group, 2).status == 200
    told = _to(system, system.deliver_emails(), 2)
    assert told.subject.startswith("Your place has been given up: ")
    assert (
        f"Florence Nightingale of St Elsewhere NHS Trust had booked a place for you on {COURSE} "
        "and has now given it up. The link we sent you to apply for it no longer works."
    ) in " ".join(told.text.split())
    assert "please ask Florence Nightingale" in told.text
