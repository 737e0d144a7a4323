"""Discount codes: organisers make them (a Stripe coupon with a promotion code on it, and the
code's terms and uses kept beside its course); applicants give them on the form, and an unknown,
used-up or expired code is refused before anything is written. A use is claimed in the very
transaction that records the application (``booking.domain.limits``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.billing import (
    AppliedDiscount,
    DiscountCode,
    DiscountCodeDefinition,
    is_discount_code,
)
from booking.domain.course import Course
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.services.ports import DiscountCodeRequest, Ports

logger = Logger(child=True)

REFUSALS = {
    "unknown": "we do not recognise this discount code; check it, or leave it empty",
    "spent": "this discount code has been used up or has expired",
}


def refuse_code(reason: str) -> InvalidInput:
    """The 422 on ``discount_code`` for an unknown (``unknown``) or used-up (``spent``) code."""
    return InvalidInput("the discount code cannot be used", {"discount_code": REFUSALS[reason]})


def typed_code(typed: str) -> str | None:
    """The code as the applicant typed it, if it could be one (None: no code at all)."""
    code = typed.strip()
    if not code:
        return None
    if not is_discount_code(code):
        raise refuse_code("unknown")
    return code


def discount_for(
    course: Course, typed: str, found: DiscountCode | None, now: datetime
) -> AppliedDiscount | None:
    """The discount ``typed`` gives on ``course`` now (``found``: the course's code of those
    letters, read with the course), or the 422 on ``discount_code``."""
    if typed_code(typed) is None:
        return None
    if found is None:
        raise refuse_code("unknown")
    refusal = found.refusal(now, course.definition.price.currency)
    if refusal is not None:
        raise refuse_code(refusal)
    return found.applied()


def create_discount_code(
    ports: Ports, course_id: str, definition: DiscountCodeDefinition
) -> dict[str, Any]:
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    now = ports.clock()
    if definition.expires_at is not None and definition.expires_at <= now:
        raise InvalidInput(
            "the discount code needs attention", {"expires_at": "must be in the future"}
        )
    price = course.definition.price
    if definition.amount_off is not None and definition.amount_off > price.amount:
        raise InvalidInput(
            "the discount code needs attention",
            {"amount_off": f"Enter at most the price of a place, {price.in_minor_units()}"},
        )
    if ports.repository.get_discount_code(course_id, definition.code) is not None:
        raise refuse_existing(definition.code)
    made = ports.payments.create_promotion_code(
        DiscountCodeRequest(course_id=course_id, definition=definition, currency=price.currency)
    )
    code = DiscountCode(
        code=definition.code,
        course_id=course_id,
        promotion_code_id=made.promotion_code_id,
        coupon_id=made.coupon_id,
        percent_off=definition.percent_off,
        amount_off=definition.amount_off,
        currency=price.currency,
        max_uses=definition.max_uses,
        expires_at=definition.expires_at,
    )
    ports.repository.put_discount_code(code)
    logger.info(
        "discount code created",
        extra={"course_id": course_id, "promotion_code_id": made.promotion_code_id},
    )
    return code_view(code)


def refuse_existing(code: str) -> Conflict:
    return Conflict(f"the code {code!r} is already in use", code="discount_code_exists")


def code_view(code: DiscountCode) -> dict[str, Any]:
    """A code as organisers see it: its terms, and the uses held now (this system's count)."""
    return {
        "code": code.code,
        "course_id": code.course_id,
        "promotion_code_id": code.promotion_code_id,
        "percent_off": code.percent_off,
        "amount_off": code.amount_off,
        "currency": code.currency or "",  # the course's
        "max_uses": code.max_uses,
        "times_used": code.uses,
        "expires_at": code.expires_at.isoformat().replace("+00:00", "Z")
        if code.expires_at
        else None,
    }
