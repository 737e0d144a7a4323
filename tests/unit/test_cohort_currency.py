"""The one rule for a cohort's currency (``domain.cohort_currency``): every booking state
holding an amount in it counts, an ended booking's bursary or code does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import AppliedDiscount, DiscountCode
from booking.domain.cohort_currency import (
    BURSARY,
    CHECKOUT,
    DISCOUNT,
    GROUP_PAID,
    GROUP_REFUNDED,
    INVOICE,
    PAID,
    PRICED,
    REFUNDED,
    currency_change_refusal,
    group_money_held,
    money_held,
)
from booking.domain.group_place import GroupStatus
from booking.domain.money import Money
from booking.domain.payment_record import CheckoutRef
from booking.domain.statuses import ALLOWED_TRANSITIONS, STANDING
from tests.support.applications import an_application, an_invoice
from tests.support.group_bookings import group

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
S = ApplicationStatus
CODE = AppliedDiscount(code="HALF", promotion_code_id="promo_1", percent_off=50)


def _checkout(expires: datetime) -> CheckoutRef:
    return CheckoutRef(session_id="cs_1", url="https://c", expires_at=expires, attempt=1)


@pytest.mark.parametrize(
    ("application", "held"),
    [
        (an_application(S.CONFIRMED, at=NOW, amount_paid=20000), PAID),
        # Part of it given back: the rest is held.
        (an_application(S.CONFIRMED, at=NOW, amount_paid=20000, amount_refunded=5000), PAID),
        # Cancelled and refunded whole: it holds nothing, its payment and refund recorded in
        # the currency (counted among the "paid bookings").
        (an_application(S.CANCELLED, at=NOW, amount_paid=20000, amount_refunded=20000), REFUNDED),
        (
            an_application(
                S.AWAITING_PAYMENT,
                at=NOW,
                seat_held=True,
                checkout=_checkout(NOW + timedelta(hours=1)),
            ),
            CHECKOUT,
        ),
        # Its hold ended (the booking no longer waits on that checkout), but it
        # may open another at its price.
        (an_application(S.EXPIRED, at=NOW, checkout=_checkout(NOW + timedelta(hours=1))), PRICED),
        # Funded in full: its checkout closed, said as the bursary it is.
        (
            an_application(
                S.CONFIRMED,
                at=NOW,
                bursary=20000,
                checkout_history=(_checkout(NOW + timedelta(hours=1)),),
            ),
            BURSARY,
        ),
        (an_application(S.AWAITING_INVOICE_PAYMENT, at=NOW, invoice=an_invoice(at=NOW)), INVOICE),
        (an_application(S.CONFIRMED, at=NOW, bursary=20000), BURSARY),
        (an_application(S.PENDING_REVIEW, at=NOW, discount=CODE), DISCOUNT),
        # Under review, waiting or offered: asked for its price in GBP later.
        (an_application(S.PENDING_REVIEW, at=NOW), PRICED),
        (an_application(S.WAITLISTED, at=NOW), PRICED),
        (an_application(S.OFFERED, at=NOW), PRICED),
        (an_application(S.EXPIRED, at=NOW, checkout=_checkout(NOW - timedelta(hours=1))), PRICED),
        (an_application(S.DECLINED, at=NOW, bursary=20000, discount=CODE), None),
        (an_application(S.CANCELLED, at=NOW, invoice=an_invoice(at=NOW, status="void")), None),
    ],
)
def test_what_a_booking_holds_in_its_cohorts_currency(
    application: Application, held: tuple[str, str] | None
) -> None:
    assert money_held(application, NOW) == held


def test_the_refusal_counts_each_kind_in_words() -> None:
    held = [
        an_application(S.CONFIRMED, at=NOW, app_id="a", amount_paid=20000),
        an_application(S.CONFIRMED, at=NOW, app_id="b", amount_paid=20000),
        an_application(S.CONFIRMED, at=NOW, app_id="c", bursary=5000),
    ]
    refusal = currency_change_refusal("gbp", "usd", held, [], NOW)
    assert refusal is not None
    assert refusal[0].startswith(
        "this cohort has 2 paid bookings and 1 bursary granted in GBP, so its prices stay in GBP"
    )
    assert refusal[1].startswith("keep the currency GBP")
    assert currency_change_refusal("gbp", "gbp", held, [], NOW) is None
    assert currency_change_refusal("gbp", "usd", held[2:], [], NOW) is not None
    assert currency_change_refusal("gbp", "usd", [], [], NOW) is None


def test_every_status_that_may_still_lead_to_a_booking_counts() -> None:
    """Read from the state machine, not listed by hand: a status counts when
    a booking may still come of it; only the endings with no way back hold nothing."""
    for status in S:
        reaches = status is S.CONFIRMED or bool(ALLOWED_TRANSITIONS[status] & STANDING)
        assert (status in STANDING) is reaches, status
        held = money_held(an_application(status, at=NOW), NOW, "gbp")
        assert held == (PRICED if reaches else None), status
    assert set(S) - STANDING == {S.DECLINED, S.CANCELLED, S.REFUNDED}


def test_a_price_given_in_another_currency_is_not_counted_in_this_one() -> None:
    dollars = an_application(S.PENDING_REVIEW, at=NOW, price=Money(amount=20000, currency="usd"))
    assert money_held(dollars, NOW, "gbp") is None
    assert money_held(dollars, NOW, "usd") == PRICED


def test_a_move_into_the_cohort_is_counted_there() -> None:
    """A booking of another cohort moving in."""
    moving = an_application(S.CONFIRMED, at=NOW, course_id="other", amount_paid=20000)
    refusal = currency_change_refusal("gbp", "usd", [], [], NOW, moving_in=[moving, moving])
    assert refusal is not None
    assert refusal[0].startswith("this cohort has 2 moves into it waiting in GBP")


def _code(code: str, **terms: object) -> DiscountCode:
    return DiscountCode(
        code=code, course_id="course", promotion_code_id="p", coupon_id="c", **terms
    )


def test_a_code_of_an_amount_off_a_new_application_may_give_is_named() -> None:
    """An amount off is in the cohort's currency; a percentage, or a code no
    longer given, holds nothing in it."""
    amount = _code("FIFTY", amount_off=5000, currency="gbp")
    held = [
        amount,
        _code("HALF", percent_off=50),
        _code("GONE", amount_off=5000, currency="gbp", active=False),
        _code("OVER", amount_off=5000, currency="gbp", expires_at=NOW),
    ]
    refusal = currency_change_refusal("gbp", "usd", [], [], NOW, codes=held)
    assert refusal is not None
    assert refusal[0].startswith(
        "this cohort has the discount code FIFTY taking an amount off in GBP"
    )
    assert "expire FIFTY before changing it" in refusal[0]
    assert not any(name in refusal[0] for name in ("HALF", "GONE", "OVER"))
    assert currency_change_refusal("gbp", "usd", [], [], NOW, codes=held[1:]) is None


def test_a_refunded_booking_and_a_paid_group_are_said_as_they_are() -> None:
    """A booking cancelled and refunded whole was "paid", and a group's payment
    for its two places "1 paid booking"."""
    bookings = [
        an_application(S.CONFIRMED, at=NOW, app_id="a", amount_paid=20000),
        an_application(S.CANCELLED, at=NOW, app_id="b", amount_paid=20000, amount_refunded=20000),
    ]
    two_places = group(
        status=GroupStatus.PAID, checkout=None, places=group().places[:2], amount_paid=40000
    )
    open_one = group(group_id="g2")
    refusal = currency_change_refusal("gbp", "usd", bookings, [two_places, open_one], NOW)
    assert refusal is not None
    assert refusal[0].startswith(
        "this cohort has 1 paid booking, 1 booking refunded, 1 group booking paid (2 places) "
        "and 1 checkout open in GBP"
    ), refusal[0]
    assert group_money_held(two_places, NOW) == GROUP_PAID
    given_back = two_places.model_copy(update={"refunds": {"re_1": 40000}})
    assert group_money_held(given_back, NOW) == GROUP_REFUNDED
    refusal = currency_change_refusal("gbp", "usd", [], [given_back, given_back], NOW)
    assert refusal is not None
    assert refusal[0].startswith("this cohort has 2 group bookings refunded (4 places) in GBP")
