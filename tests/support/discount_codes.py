"""A discount code as the repository keeps it, for tests: half off a course's price, one
promotion code on one coupon, each field changed by keyword."""

from __future__ import annotations

from booking.domain.billing import DiscountCode


def a_discount_code(**changes: object) -> DiscountCode:
    base = DiscountCode(
        code="HALF",
        course_id="course",
        promotion_code_id="promo_1",
        coupon_id="coupon_1",
        percent_off=50,
        currency="gbp",
    )
    return base.model_copy(update=changes)
