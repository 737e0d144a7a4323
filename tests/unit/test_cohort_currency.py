"""The one rule for a cohort's currency (``domain.cohort_currency``): every booking state
holding an amount in it counts (retest13 N3), an ended booking's bursary or code does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import AppliedDiscount
from booking.domain.cohort_currency import (
    BURSARY,
    CHECKOUT,
    DISCOUNT,
    INVOICE,
    PAID,
    currency_change_refusal,
    money_held,
)
from booking.domain.payment_record import CheckoutRef
from tests.support.applications import an_application, an_invoice

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
S = ApplicationStatus
CODE = AppliedDiscount(code="HALF", promotion_code_id="promo_1", percent_off=50)


def _checkout(expires: datetime) -> CheckoutRef:
    return CheckoutRef(session_id="cs_1", url="https://c", expires_at=expires, attempt=1)


@pytest.mark.parametrize(
    ("application", "held"),
    [
        (an_application(S.CONFIRMED, at=NOW, amount_paid=20000), PAID),
        (
            an_application(
                S.AWAITING_PAYMENT, at=NOW, checkout=_checkout(NOW + timedelta(hours=1))
            ),
            CHECKOUT,
        ),
        (an_application(S.EXPIRED, at=NOW, checkout=_checkout(NOW + timedelta(hours=1))), CHECKOUT),
        (an_application(S.AWAITING_INVOICE_PAYMENT, at=NOW, invoice=an_invoice(at=NOW)), INVOICE),
        (an_application(S.CONFIRMED, at=NOW, bursary=20000), BURSARY),
        (an_application(S.PENDING_REVIEW, at=NOW, discount=CODE), DISCOUNT),
        (an_application(S.PENDING_REVIEW, at=NOW), None),
        (an_application(S.EXPIRED, at=NOW, checkout=_checkout(NOW - timedelta(hours=1))), None),
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
