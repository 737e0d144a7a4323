"""Discount codes: organisers make them (as Stripe promotion codes on a coupon); applicants
give them on the form, and an unknown or used-up code is refused before anything is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.billing import AppliedDiscount, DiscountCodeDefinition, is_discount_code
from booking.domain.course import Course
from booking.domain.errors import InvalidInput, NotFound
from booking.services.ports import DiscountCodeRequest, Ports

logger = Logger(child=True)

REFUSALS = {
    "unknown": "we do not recognise this discount code; check it, or leave it empty",
    "spent": "this discount code has been used up or has expired",
}


def discount_for(ports: Ports, course: Course, code: str, now: datetime) -> AppliedDiscount | None:
    """The discount a code gives on ``course`` now, or InvalidInput on ``discount_code``."""
    typed = code.strip()
    if not typed:
        return None
    found = ports.payments.find_promotion_code(typed) if is_discount_code(typed) else None
    definition = course.definition
    refusal = (
        found.refusal(now, course.course_id, definition.price.currency) if found else "unknown"
    )
    if refusal is not None or found is None:
        raise InvalidInput(
            "the discount code cannot be used", {"discount_code": REFUSALS[refusal or "unknown"]}
        )
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
    made = ports.payments.create_promotion_code(
        DiscountCodeRequest(course_id=course_id, definition=definition, currency=price.currency)
    )
    logger.info(
        "discount code created",
        extra={"course_id": course_id, "promotion_code_id": made.promotion_code_id},
    )
    return {
        "code": made.code,
        "course_id": course_id,
        "promotion_code_id": made.promotion_code_id,
        "percent_off": made.percent_off,
        "amount_off": made.amount_off,
        "currency": price.currency,
        "max_uses": made.max_redemptions,
        "times_used": made.times_redeemed,
        "expires_at": made.expires_at.isoformat().replace("+00:00", "Z")
        if made.expires_at
        else None,
    }
