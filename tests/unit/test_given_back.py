"""Money given back by hand (``domain.given_back``): a cancelled booking's payment received
outside Stripe, recorded as returned the way it came, up to what is left, on a day neither in the
future nor before the payment arrived, once per press; counted as refunded from then on by the
course's money and the timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course_money import course_money
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.given_back import GiveBackAsked, asked_from, given_back, left_to_give_back
from booking.domain.groups import GroupBooking
from booking.domain.money import Money
from booking.domain.payment_received import PaymentReceived, ReceivedHow
from booking.domain.timeline import EntryKind, changes
from booking.domain.wording import timeline_text
from tests.support.applications import an_invoice, an_invoiced_application
from tests.support.group_bookings import group_give_back, group_paid_off_stripe

S = ApplicationStatus
SENT = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 4, 20, 10, tzinfo=UTC)
ZONE = "Europe/London"
BANK = ReceivedHow.BANK_TRANSFER


def _paid_off_stripe(status: ApplicationStatus = S.CANCELLED, **received: object) -> Application:
    """A booking whose £200.00 invoice, sent on 1 March 2027, was marked paid outside Stripe."""
    said = PaymentReceived.model_validate(received) if received else None
    invoice = an_invoice(at=SENT, status="paid", received=said, paid_at=SENT)
    return an_invoiced_application(status, at=SENT, invoice=invoice, amount_paid=20000)


def _give(application: Application, pence: int, day: date, press: str = "p1") -> Application:
    return given_back(application, GiveBackAsked(pence, day, BANK), press, now=NOW, timezone=ZONE)


def test_given_back_in_two_parts_counts_as_refunded_and_leaves_nothing_kept() -> None:
    first = _give(_paid_off_stripe(), 5000, date(2027, 4, 2))
    assert (left_to_give_back(first), first.amount_kept, first.money_returned) == (
        15000,
        15000,
        5000,
    )
    both = _give(first, 15000, date(2027, 4, 20), press="p2")

    assert (left_to_give_back(both), both.amount_kept, both.money_returned) == (0, 0, 20000)
    money = course_money([both], Money(amount=20000))
    assert (money.paid, money.refunded, money.net) == (20000, 20000, 0)
    assert (money.paid_off_stripe, money.given_back_by_hand) == (20000, 20000)


@pytest.mark.parametrize(
    ("first", "give", "recorded"),
    [
        (lambda: _give(_paid_off_stripe(), 5000, date(2027, 4, 2)), _give, "given_back"),
        (
            lambda: group_give_back(group_paid_off_stripe(), 15000, date(2027, 5, 3)),
            group_give_back,
            "returned_by_hand",
        ),
    ],
    ids=["a person's booking", "a group's"],
)
def test_the_same_press_again_is_one_record(
    first: Callable[[], Application | GroupBooking],
    give: Callable[..., Application | GroupBooking],
    recorded: str,
) -> None:
    once = first()
    asked = getattr(once, recorded)[0]
    again = give(once, asked.amount, asked.given_on)

    assert again is once
    assert len(getattr(again, recorded)) == 1


def test_more_than_is_left_is_refused_beside_the_amount() -> None:
    part = _give(_paid_off_stripe(), 15000, date(2027, 4, 2))

    with pytest.raises(InvalidInput) as refused:
        _give(part, 5001, date(2027, 4, 2), press="p2")

    assert refused.value.fields["amount"].startswith("give at most £50.00")


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2027, 4, 21), "cannot be in the future"),
        (date(2027, 2, 28), "cannot be before the payment arrived, on Monday 1 March 2027"),
    ],
)
def test_a_day_in_the_future_or_before_the_payment_is_refused(day: date, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _give(_paid_off_stripe(), 5000, day)

    assert why in refused.value.fields["given_on"]


def test_the_day_the_organiser_said_it_arrived_is_the_earliest() -> None:
    arrived_later = _paid_off_stripe(received_on="2027-03-10")

    with pytest.raises(InvalidInput) as refused:
        _give(arrived_later, 5000, date(2027, 3, 9))

    assert "on Wednesday 10 March 2027" in refused.value.fields["given_on"]
    assert _give(arrived_later, 5000, date(2027, 3, 10)).money_returned == 5000


@pytest.mark.parametrize("status", [S.CONFIRMED, S.AWAITING_INVOICE_PAYMENT])
def test_a_booking_not_cancelled_is_refused_in_words(status: ApplicationStatus) -> None:
    with pytest.raises(Conflict) as refused:
        _give(_paid_off_stripe(status), 5000, date(2027, 4, 2))

    assert refused.value.code == "nothing_to_give_back"


def test_a_booking_paid_at_stripe_has_nothing_to_give_back_by_hand() -> None:
    at_stripe = _paid_off_stripe().model_copy(update={"payment_intent": "pi_1"})

    with pytest.raises(Conflict) as refused:
        _give(at_stripe, 5000, date(2027, 4, 2))

    assert "holds no money paid outside Stripe" in refused.value.message


def test_the_timeline_says_it_was_given_back_by_hand_with_its_day_and_way() -> None:
    before = _paid_off_stripe()
    after = _give(before, 5000, date(2027, 4, 2))

    [entry] = changes(before, after)

    assert (entry.kind, entry.amount) == (EntryKind.REFUND, 5000)
    said = timeline_text(entry, "gbp", ZONE)
    assert said == (
        "Given back by hand, outside Stripe (by bank transfer, on Friday 2 April 2027): £50.00"
    )


def test_what_is_typed_is_read_or_refused_naming_each_field() -> None:
    given = {"amount": 5000, "given_on": "2027-04-02", "method": "cheque"}
    assert asked_from(given) == GiveBackAsked(5000, date(2027, 4, 2), ReceivedHow.CHEQUE)

    with pytest.raises(InvalidInput) as refused:
        asked_from({"amount": "50", "given_on": "2 April", "method": "paypal"})

    assert set(refused.value.fields) == {"amount", "given_on", "method"}
