"""A dispute's record merges Stripe's events in any order (``domain.disputes``): balance
transactions kept by id, a status that only moves forward, the words organisers read."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from booking.domain.course_money import money_figures
from booking.domain.disputes import (
    DisputeEvent,
    DisputeRecord,
    PaymentRefunds,
    PlaceHeld,
    dispute_fees,
    dispute_words,
    with_dispute,
)

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
    disputes: tuple[DisputeRecord, ...] = ()
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
    said = dispute_words(disputes[0], "Europe/London", {}, place=PlaceHeld.CANCELLABLE)
    assert said.startswith(
        "Payment disputed by the payer's bank on Thursday 10 June 2027: the payer says they did "
        "not make this payment (fraud). The bank has taken the payment back (a chargeback): "
        "Stripe holds £200.00 until Friday 2 July 2027."
    )
    assert "The place has not been taken away" in said


@pytest.mark.parametrize("status", ["warning_needs_response", "warning_under_review"])
def test_an_open_inquiry_is_said_to_have_taken_nothing_yet(status: str) -> None:
    """A bank's inquiry withdraws nothing: only the chargeback it may become would."""
    disputes, _ = with_dispute((), _event(status))
    said = dispute_words(disputes[0], "Europe/London", {}, place=PlaceHeld.CANCELLABLE)
    assert (
        "The payer's bank has asked about this payment (an inquiry, not yet a chargeback): "
        "nothing has been taken yet, but it may become a chargeback, taking the £200.00 back, "
        "if it is not answered by Friday 2 July 2027."
    ) in said, said
    assert "Stripe holds" not in said
    assert disputes[0].withdrawn == 0


def test_an_open_inquiry_of_a_refunded_payment_says_a_chargeback_would_pay_twice() -> None:
    disputes, _ = with_dispute((), _event("warning_needs_response"))
    refunded = {"pi_1": PaymentRefunds(taken=20000, refunded=20000)}
    said = dispute_words(disputes[0], "Europe/London", refunded, place=PlaceHeld.CANCELLABLE)
    assert "so a chargeback would pay them twice: respond on Stripe's dashboard by" in said
    assert "the bank would pay them" not in said


@pytest.mark.parametrize("inquiry", ["warning_needs_response", "warning_under_review"])
def test_an_inquiry_the_bank_escalates_becomes_the_chargeback(inquiry: str) -> None:
    """The same Dispute moves on from an inquiry to a chargeback, whichever inquiry status it
    had; an inquiry's event come late never undoes the chargeback."""
    disputes, _ = with_dispute((), _event(inquiry))
    disputes, first = with_dispute(disputes, _event("needs_response", ("txn_out", -20000)))
    disputes, _ = with_dispute(disputes, _event(inquiry))
    [record] = disputes
    assert (record.status, record.withdrawn, first) == ("needs_response", 20000, False)
    assert "(a chargeback): Stripe holds £200.00" in dispute_words(
        record, "Europe/London", {}, place=PlaceHeld.CANCELLABLE
    )


def test_an_inquiry_closed_then_a_chargeback_of_it_is_said_as_the_chargeback() -> None:
    """Should Stripe hold the same Dispute as a chargeback after its inquiry closed, the record
    says what was taken, never "none of the £200.00 was taken" beside a figure counting it;
    the closed inquiry's event come late changes nothing."""
    disputes, _ = with_dispute((), _event("warning_needs_response"))
    disputes, _ = with_dispute(disputes, _event("warning_closed"))
    disputes, _ = with_dispute(disputes, _event("needs_response", ("txn_out", -20000)))
    disputes, _ = with_dispute(disputes, _event("warning_closed"))
    [record] = disputes
    assert (record.status, record.withdrawn) == ("needs_response", 20000)
    said = dispute_words(record, "Europe/London", {}, place=PlaceHeld.CANCELLABLE)
    assert "(a chargeback): Stripe holds £200.00" in said
    assert "none of the £200.00 was taken" not in said


def _fee_event(status: str, *moves: tuple[str, int, int]) -> DisputeEvent:
    """A dispute event whose balance transactions carry Stripe's fee: (id, amount, fee)."""
    return replace(
        _event(status, *((txn, amount) for txn, amount, _ in moves)),
        event_id=f"evt_fee_{status}_{len(moves)}",
        fees=tuple((txn, fee) for txn, _, fee in moves),
    )


FEE_WON = (
    _fee_event("needs_response"),
    _fee_event("needs_response", ("txn_out", -20000, 2000)),
    _fee_event("won", ("txn_out", -20000, 2000), ("txn_back", 20000, 0)),
)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_dispute_fee_is_counted_once_and_kept_when_won(order: tuple[int, ...]) -> None:
    """Stripe's fee comes with the withdrawal's balance transaction (£20 in the UK) and is
    not given back when the dispute is won: counted once by its transaction's id, whatever
    order and however many times the events come."""
    disputes: tuple[DisputeRecord, ...] = ()
    for index in (*order, *order):
        disputes, _ = with_dispute(disputes, FEE_WON[index])
    [record] = disputes
    assert (record.status, record.withdrawn, record.fee) == ("won", 0, 2000)
    assert dispute_fees(disputes) == 2000
    said = dispute_words(record, "Europe/London", {}, place=PlaceHeld.CANCELLABLE)
    assert said.endswith(
        "The dispute was won: the £200.00 came back from the bank. Stripe charged a £20.00 "
        "dispute fee, kept whatever the outcome."
    )


def test_a_fee_given_back_by_stripe_is_not_counted() -> None:
    """Where Stripe's pricing gives the fee back on a won dispute, the reversal carries it
    negative: what is counted is what Stripe's balance transactions say, never a constant."""
    disputes, _ = with_dispute(
        (), _fee_event("won", ("txn_out", -20000, 1500), ("txn_back", 20000, -1500))
    )
    assert (disputes[0].fee, dispute_fees(disputes)) == (0, 0)
    assert "dispute fee" not in dispute_words(
        disputes[0], "Europe/London", {}, place=PlaceHeld.CANCELLABLE
    )


def test_the_money_counts_disputes_and_their_fees_apart_from_refunds() -> None:
    """The course's figures: what the bank took, and Stripe's fee, each a figure of its own
    in pounds, both out of net, refunds untouched."""
    figures = {
        "currency": "gbp",
        "paid": 40000,
        "refunded": 0,
        "disputed": 20000,
        "dispute_fees": 2000,
        "net": 18000,
    }
    said = dict(money_figures(figures))
    assert said["Taken back by payers' banks (disputes)"] == "£200.00"
    assert said["Stripe's dispute fees (kept whatever the outcome)"] == "£20.00"
    assert said["Refunded"] == "£0.00"
    assert said["Net (paid in less refunded, disputed and dispute fees)"] == "£180.00"
    quiet = dict(money_figures({**figures, "disputed": 0, "dispute_fees": 0, "net": 40000}))
    assert "Stripe's dispute fees (kept whatever the outcome)" not in quiet
    assert quiet["Net (paid in less refunded)"] == "£400.00"


def _words_for(event: DisputeEvent, taken: int, refunded: int, place: PlaceHeld) -> str:
    """What the organisers are told of ``event``'s dispute of a payment of ``taken`` pence of
    which ``refunded`` was refunded before, paying for a booking that holds ``place``."""
    [record] = with_dispute((), event)[0]
    payments = {"pi_1": PaymentRefunds(taken, refunded)}
    return dispute_words(record, "Europe/London", payments, place=place)


@pytest.mark.parametrize(
    ("taken", "refunded", "said"),
    [
        (20000, 0, "The place has not been taken away (a dispute may be won): respond"),
        (
            20000,
            20000,
            "£200.00 of this payment was refunded to the payer already, so the bank "
            "would pay them twice: respond on Stripe's dashboard by Friday 2 July 2027",
        ),
        (
            30000,
            15000,
            "so the bank would pay them £50.00 of it twice: respond on Stripe's "
            "dashboard by Friday 2 July 2027 with the refund as evidence, and with evidence for "
            "the rest. The place has not been taken away",
        ),
        (40000, 20000, "The place has not been taken away (a dispute may be won): respond"),
    ],
)
def test_a_payment_refunded_before_its_dispute_is_answered_with_the_refund(
    taken: int, refunded: int, said: str
) -> None:
    """What the payer would have twice is the part of the disputed sum refunded already: all
    of it, some of it (the rest is disputed as any payment is), or none (the bank disputes
    only what was not refunded)."""
    words = _words_for(_event("needs_response"), taken, refunded, PlaceHeld.CANCELLABLE)
    assert said in words
    assert ("refunded to the payer already" in words) is (refunded + 20000 > taken)


@pytest.mark.parametrize(
    ("taken", "refunded", "said"),
    [
        (20000, 0, "so there is nothing to cancel: respond with evidence on Stripe's dashboard."),
        (
            20000,
            20000,
            "so the bank would pay them twice: respond on Stripe's dashboard by Friday 2 July "
            "2027 with the refund as evidence. The booking holds no place any more",
        ),
        (
            30000,
            15000,
            "so the bank would pay them £50.00 of it twice: respond on Stripe's dashboard by "
            "Friday 2 July 2027 with the refund as evidence, and with evidence for the rest. "
            "The booking holds no place any more",
        ),
    ],
)
def test_a_dispute_of_a_booking_holding_no_place_never_advises_cancelling_it(
    taken: int, refunded: int, said: str
) -> None:
    """A booking cancelled, or a group's with every place released, holds nothing to cancel:
    whatever was refunded of the payment (none, all, part), its words say so and keep the
    refund's own advice, never "The place has not been taken away" nor to cancel it."""
    words = _words_for(_event("needs_response"), taken, refunded, PlaceHeld.GONE)
    assert said in words
    assert "The booking holds no place any more (cancelled, or its places given up" in words
    assert "has not been taken away" not in words
    assert "cancel it in" not in words
    assert "cancel the place" not in words


@pytest.mark.parametrize(
    ("taken", "refunded", "said"),
    [
        (20000, 0, ""),
        (
            20000,
            20000,
            "£200.00 of this payment had been refunded to the payer already, so they were paid "
            "twice (by the refund and by their bank).",
        ),
        (
            30000,
            15000,
            "£150.00 of this payment had been refunded to the payer already, so they were paid "
            "£50.00 of it twice (by the refund and by their bank).",
        ),
    ],
)
def test_a_lost_dispute_of_a_refunded_payment_says_the_payer_was_paid_twice(
    taken: int, refunded: int, said: str
) -> None:
    """The bank kept what the organisers had refunded already: the payer has it twice, and
    only the organisers can take it up with them."""
    words = _words_for(_event("lost", ("txn_out", -20000)), taken, refunded, PlaceHeld.GONE)
    assert "The dispute was lost: the bank kept the £200.00." in words
    assert said in words
    assert ("for the organisers to take up with the payer" in words) is bool(said)


@pytest.mark.parametrize(("taken", "refunded"), [(20000, 0), (40000, 20000)])
def test_a_group_place_its_manager_decides_is_never_said_to_be_cancelled_in_the_console(
    taken: int, refunded: int
) -> None:
    """The console offers no cancel of a group's place while its manager is there: the words
    say whose the place is, and that the manager cannot give it up while the dispute holds
    the payment."""
    words = _words_for(
        _event("needs_response", ("txn_out", -20000)), taken, refunded, PlaceHeld.MANAGERS
    )
    assert "The place has not been taken away (a dispute may be won)" in words
    assert "only the group's manager can give up" in words
    assert "the organisers' console offers no cancel of it" in words
    assert "the manager cannot give it up while the dispute holds the payment" in words
    assert "cancel the place in" not in words
    assert "cancel it in" not in words
