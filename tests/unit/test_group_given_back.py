"""Money given back by hand for a group (``domain.group_given_back``): a group paid outside
Stripe whose places were given up or released owes their shares back by hand; a record of it,
by the same rule as a person's booking, is capped at what is owed, dated neither in the future
nor before the payment arrived, made once per press, and counted as refunded by the course's
money and the group's card from then on."""

from __future__ import annotations

from datetime import date

import pytest

from booking.domain.course_money import course_money
from booking.domain.employer_share import owed_by_hand, owed_by_hand_words
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.group_figures import managers_status
from booking.domain.group_given_back import may_give_back_group
from booking.domain.groups import GroupBooking
from booking.domain.money import Money
from booking.domain.page_seen import group_seen
from tests.support.group_bookings import group_give_back, group_paid_off_stripe


def test_given_back_in_parts_is_taken_off_what_is_owed_and_counted_as_refunded() -> None:
    owing = group_paid_off_stripe()
    assert owed_by_hand(owing) == 40000

    first = group_give_back(owing, 15000, date(2027, 5, 3))
    both = group_give_back(first, 25000, date(2027, 5, 11), press="p2")

    assert owed_by_hand(first) == 25000
    assert owed_by_hand_words(first).startswith("£250.00 is owed back to the employer by hand")
    assert (owed_by_hand(both), owed_by_hand_words(both)) == (0, "")
    assert not may_give_back_group(both)
    money = course_money([], Money(amount=20000), [both])
    assert (money.paid, money.refunded, money.net) == (60000, 40000, 20000)
    assert (money.paid_off_stripe, money.given_back_by_hand) == (60000, 40000)
    [line] = money.group_lines
    assert (line.refunded, line.given_back_by_hand) == (40000, 40000)


def test_more_than_is_owed_a_day_in_the_future_or_before_the_payment_is_refused() -> None:
    owing = group_paid_off_stripe(received_on="2027-05-01")
    with pytest.raises(InvalidInput) as too_much:
        group_give_back(owing, 40001, date(2027, 5, 3))
    assert "give at most £400.00" in too_much.value.fields["amount"]
    with pytest.raises(InvalidInput) as future:
        group_give_back(owing, 100, date(2027, 5, 12))
    assert "in the future" in future.value.fields["given_on"]
    with pytest.raises(InvalidInput) as early:
        group_give_back(owing, 100, date(2027, 4, 30))
    assert "before the payment arrived" in early.value.fields["given_on"]


@pytest.mark.parametrize(
    ("group", "said"),
    [
        (group_paid_off_stripe(given_up=0), "no place of this group was given up or released"),
        (
            group_paid_off_stripe().model_copy(update={"payment_intent": "pi_1"}),
            "holds no payment received outside Stripe",
        ),
    ],
)
def test_nothing_owed_back_by_hand_is_refused_in_words(group: GroupBooking, said: str) -> None:
    with pytest.raises(Conflict) as refused:
        group_give_back(group, 100, date(2027, 5, 3))

    assert refused.value.code == "nothing_to_give_back"
    assert said in str(refused.value)


def test_all_given_back_already_says_so() -> None:
    done = group_give_back(group_paid_off_stripe(), 40000, date(2027, 5, 3))
    with pytest.raises(Conflict) as refused:
        group_give_back(done, 100, date(2027, 5, 3), press="p2")

    assert "recorded as given back already" in str(refused.value)


def test_a_record_changes_what_the_groups_card_was_seen_as() -> None:
    owing = group_paid_off_stripe()

    assert group_seen(group_give_back(owing, 100, date(2027, 5, 3))) != group_seen(owing)


def test_the_day_it_arrived_defaults_to_when_stripe_held_the_invoice_paid() -> None:
    owing = group_paid_off_stripe()
    with pytest.raises(InvalidInput):
        group_give_back(owing, 100, date(2027, 4, 30))
    assert group_give_back(owing, 100, date(2027, 5, 1)).returned_by_hand[0].amount == 100


def test_the_managers_words_say_it_was_given_back_once_all_of_it_was() -> None:
    every_place = group_paid_off_stripe(given_up=3)
    owing = managers_status(every_place, applying=True)
    done = managers_status(group_give_back(every_place, 60000, date(2027, 5, 3)), applying=True)

    assert owing.endswith("it is owed back by hand, to arrange with the course's organisers")
    assert done.endswith("the course's organisers have given it back by hand")
