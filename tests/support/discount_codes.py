"""A discount code as the repository keeps it, for tests: half off a course's price, one
promotion code on one coupon, each field changed by keyword; and the rule of a code's use as it
was before a hold ending unpaid gave the use back, to store applications as that rule did."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from booking.domain import limits
from booking.domain.application import ON_THE_WAY, Application
from booking.domain.application import ApplicationStatus as S
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


def _held_before_the_deploy(application: Application) -> bool:
    """``holds_code_use`` as it was: an expired hold kept its use."""
    return application.discount is not None and (
        application.status in ON_THE_WAY
        or application.status is S.CONFIRMED
        or application.booked_at is not None
    )


@contextmanager
def code_use_as_before_the_deploy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While held, ``limits.holds_code_use`` is the rule as it was before the deploy (an expired
    hold kept its code's use): what is saved meanwhile is stored as that rule stored it."""
    with monkeypatch.context() as before:
        before.setattr(limits, "holds_code_use", _held_before_the_deploy)
        yield
