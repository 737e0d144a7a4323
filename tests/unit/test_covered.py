"""What covered the price of a place with nothing to pay, said from the recorded facts:
the reason, the console's and the CSV's words, and the timeline's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import AppliedDiscount
from booking.domain.course import Course, CourseDefinition
from booking.domain.covered import (
    covered_words,
    funded_by,
    left_to_pay_in_words,
    left_to_pay_now,
    owed_now,
    paid_by_said,
    payment_refusal,
    status_said,
    why_nothing_to_pay,
)
from booking.domain.money import Money
from booking.domain.timeline import EntryKind, changes
from booking.services.organisers import money_of
from tests.support.applications import an_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
PRICE = Money(amount=20000)
NHS50 = AppliedDiscount(code="NHS50", promotion_code_id="promo_1", amount_off=5000)


def place(status: S = S.CONFIRMED, **fields: object) -> Application:
    return an_application(status, at=NOW, price=PRICE).model_copy(update=fields)


def test_the_reason_says_what_covered_the_price() -> None:
    assert why_nothing_to_pay(place(discount=NHS50, bursary=15000), 20000) == "code_and_bursary"
    assert why_nothing_to_pay(place(discount=NHS50), 20000) == "covered_by_code"
    assert why_nothing_to_pay(place(discount=NHS50, bursary=20000), 20000) == "funded"
    assert why_nothing_to_pay(place(bursary=20000), 20000) == "funded"


def test_the_reason_and_the_rosters_name_what_covered_by_one_rule() -> None:
    """The status reason and the rosters' "Paid by" (read from the roster row's money) name
    the same things: a bursary that covers the price leaves the code nothing to take off."""
    said = {
        "funded": "Bursary",
        "code_and_bursary": "Bursary and discount code",
        "covered_by_code": "Discount code",
    }
    free = NHS50.model_copy(update={"amount_off": 20000})
    for fields in (
        {"discount": NHS50, "bursary": 15000},
        {"discount": free},
        {"bursary": 20000},
        {"discount": NHS50, "bursary": 20000},
        {"bursary": 25000},
    ):
        booked = place(**fields)
        row = {**money_of(booked, PRICE), "paid_by_group": ""}
        reason = why_nothing_to_pay(booked, PRICE.amount)
        assert funded_by(row) == said[reason] == paid_by_said(row), fields


def test_the_console_and_the_csv_say_each_with_its_amount() -> None:
    both = place(discount=NHS50, bursary=15000, status_reason="code_and_bursary")
    assert status_said(both, PRICE) == (
        "Confirmed (nothing left to pay: the discount code NHS50 (£50.00 off) and a bursary "
        "of £150.00)"
    )
    # A bursary counted first: a £100 code over a £150 bursary takes off the £50 left.
    big = NHS50.model_copy(update={"amount_off": 10000})
    assert covered_words(place(discount=big, bursary=15000), PRICE) == (
        "the discount code NHS50 (£50.00 off) and a bursary of £150.00"
    )
    # A place recorded before the reasons told them apart is said from its facts too.
    legacy = place(discount=NHS50, bursary=15000, status_reason="nothing_to_pay")
    assert status_said(legacy, PRICE) == status_said(both, PRICE)
    free = NHS50.model_copy(update={"amount_off": 20000})
    assert status_said(place(discount=free, status_reason="covered_by_code"), PRICE) == (
        "Confirmed (nothing left to pay: the discount code NHS50 (£200.00 off))"
    )
    assert status_said(place(S.CANCELLED, status_reason="refund_requested"), PRICE) == (
        "Cancelled (refund on its way)"
    )


def test_the_timeline_says_the_bursary_before_the_confirmation_it_caused() -> None:
    waiting = place(S.AWAITING_PAYMENT, discount=NHS50)
    booked = waiting.model_copy(
        update={
            "status": S.CONFIRMED,
            "bursary": 15000,
            "status_reason": "code_and_bursary",
            "updated_at": NOW + timedelta(minutes=1),
        }
    )
    assert [e.kind for e in changes(waiting, booked)] == [EntryKind.BURSARY, EntryKind.STATUS]
    # An application's beginning comes first: the code it was made with follows it.
    assert [e.kind for e in changes(None, waiting)] == [EntryKind.STATUS, EntryKind.DISCOUNT]


def _june(*, closed: bool = False, **counts: int) -> Course:
    """A course of two places whose applications are open at NOW (unless ``closed``), its
    seat counter as ``counts`` say."""
    definition = CourseDefinition.model_validate(
        {
            "title": "Compassionate Leadership",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 2,
            "closed": closed,
            "sessions": [{"date": "2027-06-02", "start_time": "15:00", "end_time": "17:00"}],
        }
    )
    return Course(course_id="june", definition=definition, **counts)


def test_nothing_is_left_to_pay_on_a_lapse_that_cannot_pay_again() -> None:
    """The status page's rule for every view (``left_to_pay_now``): an offer past its deadline
    owes nothing, before the sweep (read expired) and after applications close; an expired
    checkout on an open course owes the price, as it may pay again."""
    june = _june()
    offer = place(S.OFFERED, offer_expires_at=NOW - timedelta(minutes=1), seat_held=True)
    shown = offer.model_copy(update={"status": S.EXPIRED, "status_reason": "offer_lapsed"})
    assert left_to_pay_now(offer, shown, june, NOW) == 0
    standing = place(S.OFFERED, offer_expires_at=NOW + timedelta(hours=1), seat_held=True)
    assert left_to_pay_now(standing, standing, june, NOW) == 20000
    lapsed = place(S.EXPIRED)
    assert left_to_pay_now(lapsed, lapsed, june, NOW) == 20000
    assert left_to_pay_now(lapsed, lapsed, _june(closed=True), NOW) == 0


def test_an_offer_the_sweep_ended_pays_again_only_while_a_newcomer_could_book() -> None:
    """Once the sweep ended a lapsed offer, it may start a payment again (and
    owes the price) only while a seat is free and nobody waits for it; otherwise its seat went
    to the next person, so it is refused as lapsed and owes nothing, as before the sweep."""
    swept = place(S.EXPIRED, status_reason="offer_lapsed")
    free = _june(seats_taken=1)
    assert (payment_refusal(swept, free, NOW), left_to_pay_now(swept, swept, free, NOW)) == (
        None,
        20000,
    )
    for taken in (_june(seats_taken=2), _june(seats_taken=1, waiting=1), None):
        assert payment_refusal(swept, taken, NOW) == "offer_lapsed"
    for taken in (_june(seats_taken=2), _june(seats_taken=1, waiting=1)):
        assert left_to_pay_now(swept, swept, taken, NOW) == 0
    # Another lapse (a checkout's) is not an offer's: the checkout says whether a seat is left.
    assert payment_refusal(place(S.EXPIRED), _june(seats_taken=2), NOW) is None


def test_left_to_pay_in_words_names_the_lapse() -> None:
    words = {"left_to_pay": 0, "currency": "gbp", "status": "expired"}
    assert left_to_pay_in_words({**words, "status_reason": "offer_lapsed"}) == (
        "nothing (the offer lapsed)"
    )
    assert left_to_pay_in_words(words) == "nothing (the payment lapsed)"
    assert left_to_pay_in_words({**words, "status": "confirmed"}) == "£0.00"


def test_nothing_is_owed_yet_while_waiting_for_a_place_or_a_review() -> None:
    """The rosters count what is owed now (``owed_now``): nothing while
    waiting for a place or a review, the price once it is asked (an offer, a checkout)."""
    june = _june()
    for status in (S.WAITLISTED, S.PENDING_REVIEW):
        waiting = place(status)
        assert waiting.left_to_pay(PRICE) == 20000  # what the place would cost them
        assert owed_now(waiting, waiting, june, NOW) == 0
    offered = place(S.OFFERED, offer_expires_at=NOW + timedelta(hours=1), seat_held=True)
    assert owed_now(offered, offered, june, NOW) == 20000
    words = {"left_to_pay": 0, "currency": "gbp"}
    assert left_to_pay_in_words({**words, "status": "waitlisted"}) == (
        "nothing yet (until a place is offered)"
    )
    assert left_to_pay_in_words({**words, "status": "pending_review"}) == (
        "nothing yet (until the application is approved)"
    )
    unpaid = {"amount_paid": 0, "left_to_pay": 0, "bursary": 0, "payment_method": "card"}
    assert paid_by_said(unpaid) == ""  # paid nothing, owes nothing: no way of paying chosen
    assert paid_by_said({**unpaid, "left_to_pay": 20000}) == "Card"
