"""A refund made at Stripe of a group booking's payment: the pure rule
(``domain.group_refunds``), its two reports in any order, again, and the system's own refunds
told apart by their id or their request's key."""

from __future__ import annotations

import itertools

import pytest

from booking.domain.errors import Conflict
from booking.domain.group_endings import GroupEnding
from booking.domain.group_refunds import (
    all_given_back,
    made_here,
    place_refund_key,
    refund_reported,
    refunded_at_stripe,
    refuse_once_refunded,
)
from booking.domain.groups import GroupBooking, paid, share_of_place
from booking.domain.payments import RefundEvent
from tests.support.group_bookings import NOW, group

NOBODY: frozenset[int] = frozenset()


def paid_group(**changes: object) -> GroupBooking:
    return paid(group(), "pi_1", NOW).model_copy(update={"outbox": (), **changes})


def by_id(event_id: str, refund_id: str, amount: int, **more: object) -> RefundEvent:
    return RefundEvent(event_id, "pi_1", refund_id=refund_id, refund_amount=amount, **more)  # type: ignore[arg-type]


def by_charge(event_id: str, total: int, **more: object) -> RefundEvent:
    return RefundEvent(event_id, "pi_1", charge_amount_refunded=total, **more)  # type: ignore[arg-type]


def test_a_partial_refund_at_stripe_is_recorded_and_the_booking_stands() -> None:
    reported = refund_reported(paid_group(), by_id("evt_1", "re_1", 20000), NOW, NOBODY)
    assert (reported.newly, reported.ended) == (20000, False)
    recorded = reported.group
    assert (recorded.amount_refunded, recorded.ended_because, recorded.places_kept) == (
        20000,
        None,
        3,
    )
    assert refunded_at_stripe(recorded) == 20000
    assert share_of_place(recorded) == 20000  # a give-up refunds what is left of a place
    # The manager told of the part, and that the places stand, once.
    [told] = recorded.outbox
    assert (told.reason, told.amount, told.places_kept) == ("refunded_in_part_at_stripe", 20000, 3)
    again = refund_reported(recorded, by_charge("evt_2", 20000), NOW, NOBODY).group
    assert again.outbox == recorded.outbox


def test_the_two_reports_of_refunds_in_any_order_and_again_reach_one_record() -> None:
    events = [
        by_id("evt_a", "re_1", 20000),
        by_charge("evt_b", 20000),
        by_id("evt_c", "re_2", 10000),
        by_charge("evt_d", 30000),
    ]
    seen = set()
    for order in itertools.permutations(events):
        current = paid_group()
        for event in (*order, *order):
            current = refund_reported(current, event, NOW, NOBODY).group
        seen.add((current.amount_refunded, current.ended_because))
    assert seen == {(30000, None)}


def test_a_full_refund_ends_the_places_nobody_holds_and_tells_the_manager_once() -> None:
    whole = by_charge("evt_1", 60000)
    reported = refund_reported(paid_group(), whole, NOW, frozenset({2}))
    ended = reported.group
    assert (reported.ended, reported.held) == (True, (2,))
    assert ended.ended_because is GroupEnding.REFUNDED_AT_STRIPE
    assert [p.released for p in ended.places] == [True, False, True]
    assert ended.seats_held == 1  # the seat the colleague holds stays
    told = [job for job in ended.outbox if job.kind.value == "group_changed"]
    assert len(told) == 1
    assert (told[0].amount, told[0].group_places, told[0].places_kept) == (60000, (1, 3), 1)
    gone = [job for job in ended.outbox if job.kind.value == "group_place_given_up"]
    assert len(gone) == 2
    assert {job.group_place for job in gone} == {1, 3}
    assert {job.reason for job in gone} == {"refunded_at_stripe"}  # told why
    again = refund_reported(ended, by_id("evt_2", "re_1", 60000), NOW, frozenset({2}))
    assert (again.ended, again.group.outbox) == (False, ended.outbox)  # ended once
    with pytest.raises(Conflict):
        refuse_once_refunded(ended)


def test_the_systems_own_refunds_are_told_apart_by_id_or_key() -> None:
    given_up = paid_group(refunds={"re_own": 20000})
    assert made_here(given_up, by_id("evt_1", "re_own", 20000))
    key = place_refund_key("g1", 2, 20000)
    assert made_here(given_up, by_charge("evt_2", 40000, idempotency_key=key))
    assert made_here(given_up, by_id("evt_3", "re_new", 20000, idempotency_key=key))
    assert not made_here(given_up, by_id("evt_4", "re_dash", 20000))
    assert not made_here(given_up, by_charge("evt_5", 40000, idempotency_key="dash-uuid"))
    # A refund at Stripe beside a share refunded here: counted once each, in either report.
    after = refund_reported(given_up, by_id("evt_6", "re_dash", 20000), NOW, NOBODY).group
    assert after.amount_refunded == 40000
    after = refund_reported(after, by_charge("evt_7", 40000), NOW, NOBODY).group
    assert (after.amount_refunded, refunded_at_stripe(after)) == (40000, 20000)


def test_a_places_refund_key_is_the_same_request_only_for_the_same_amount() -> None:
    """A share refused and asked again from what is left is a new request
    (Stripe refuses a key reused with other parameters); a retry of the same one is not."""
    assert place_refund_key("g1", 2, 20000) == place_refund_key("g1", 2, 20000)
    assert place_refund_key("g1", 2, 20000) != place_refund_key("g1", 2, 10000)
    assert place_refund_key("g1", 2, 20000) != place_refund_key("g1", 3, 20000)


def test_a_failed_refund_at_stripe_no_longer_counts() -> None:
    recorded = refund_reported(paid_group(), by_id("evt_1", "re_1", 20000), NOW, NOBODY).group
    failed = by_id("evt_2", "re_1", 20000, refund_succeeded=False)
    assert refund_reported(recorded, failed, NOW, NOBODY).group.amount_refunded == 0


def test_a_payment_all_gone_back_by_any_path_ends_the_booking() -> None:
    """£500 refunded at Stripe and the last £100 by a place's share given up is
    a payment all gone back, as the whole £600 at Stripe is; a booking whose every place was
    given up has nothing left to end."""
    mostly_at_stripe = refund_reported(paid_group(), by_id("evt_1", "re_d", 50000), NOW, NOBODY)
    assert not all_given_back(mostly_at_stripe.group)
    released = mostly_at_stripe.group.place(1).model_copy(update={"released": True})
    last_share = mostly_at_stripe.group.with_place(released, NOW).model_copy(
        update={"refunds": {"re_own": 10000}}
    )
    assert all_given_back(last_share)
    # The same facts heard the other way round: the share first, then the dashboard's refund.
    share_first = paid_group(refunds={"re_own": 10000}).with_place(released, NOW)
    reported = refund_reported(share_first, by_id("evt_2", "re_d", 50000), NOW, NOBODY)
    assert reported.ended
    assert reported.group.ended_because is GroupEnding.REFUNDED_AT_STRIPE
    every_place = tuple(p.model_copy(update={"released": True}) for p in paid_group().places)
    shares = {f"re_{n}": 20000 for n in (1, 2, 3)}
    assert not all_given_back(paid_group(places=every_place, refunds=shares))
