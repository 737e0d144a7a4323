"""A dispute's record merges Stripe's events in any order (``domain.disputes``): balance
transactions kept by id, a status that only moves forward, the words organisers read."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from booking.domain.disputes import DisputeEvent, dispute_words, with_dispute

OPENED = datetime(2027, 6, 10, 9, 0, tzinfo=UTC)
DUE = datetime(2027, 7, 1, 23, 59, tzinfo=UTC)


def _event(status: str, *movements: tuple[str, int]) -> DisputeEvent:
    return DisputeEvent(
        event_id=f"evt_{status}_{len(movements)}",
        dispute_id="du_1",
        payment_intent="pi_1",
        charge="ch_1",
        amount=20000,
        currency="gbp",
        status=status,
        reason="fraudulent",
        created=OPENED,
        evidence_due_by=DUE,
        movements=movements,
    )


WON = (
    _event("needs_response"),
    _event("needs_response", ("txn_out", -20000)),
    _event("under_review", ("txn_out", -20000), ("txn_back", 20000)),
    _event("won", ("txn_out", -20000), ("txn_back", 20000)),
)


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_any_order_of_a_won_disputes_events_ends_won_with_nothing_withdrawn(
    order: tuple[int, ...],
) -> None:
    disputes: tuple = ()
    firsts = []
    for index in order:
        disputes, first = with_dispute(disputes, WON[index])
        firsts.append(first)
    [record] = disputes
    assert (record.status, record.withdrawn) == ("won", 0)
    assert firsts == [True, False, False, False]  # told once


def test_a_lost_dispute_holds_the_money_withdrawn_whatever_came_late() -> None:
    disputes, _ = with_dispute((), _event("lost", ("txn_out", -20000)))
    disputes, first = with_dispute(disputes, _event("needs_response"))
    [record] = disputes
    assert (record.status, record.withdrawn, first) == ("lost", 20000, False)


def test_an_open_dispute_is_said_in_words_with_its_deadline() -> None:
    disputes, _ = with_dispute((), _event("needs_response", ("txn_out", -20000)))
    said = dispute_words(disputes[0], "Europe/London")
    assert said.startswith(
        "Payment disputed by the payer's bank on Thursday 10 June 2027: the payer says they did "
        "not make this payment (fraud); Stripe holds £200.00 until Friday 2 July 2027."
    )
    assert "The place has not been taken away" in said
