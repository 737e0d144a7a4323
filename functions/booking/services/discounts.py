"""Discount codes: organisers make them (a Stripe coupon with a promotion code on it, and the
code's terms and uses kept beside its course); applicants give them on the form, and an unknown,
used-up or expired code is refused before anything is written. A use is claimed in the very
transaction that records the application (``booking.domain.limits``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.billing import (
    OTHER_CURRENCY,
    AppliedDiscount,
    CodeRefusal,
    DiscountCode,
    DiscountCodeDefinition,
    PromotionCodeState,
    applied_discount,
    is_discount_code,
    left_too_little,
)
from booking.domain.course import Course
from booking.domain.errors import Conflict, DependencyUnavailable, InvalidInput, NotFound
from booking.domain.money import currency_named
from booking.domain.wording import cohort_name
from booking.services.access import existing_course
from booking.services.ports import DiscountCodeRequest, Ports

logger = Logger(child=True)

# Words for every reason a code is refused: total over ``CodeRefusal`` (a test holds that
# each reason has words, so no 422 is ever left empty). A code of another currency is said with its
# currency's name when it is known (``refuse_code``).
REFUSALS: dict[CodeRefusal, str] = {
    "unknown": "we do not recognise this discount code; check it, or leave it empty",
    "spent": "this discount code has been used up or has expired",
    OTHER_CURRENCY: (
        "this discount code is for courses priced in another currency, not this one; check it, "
        "or leave it empty"
    ),
}


def refuse_code(reason: CodeRefusal, code: DiscountCode | None = None) -> InvalidInput:
    """The 422 on ``discount_code`` for an unknown (``unknown``) or used-up (``spent``) code,
    or ``code``, one taking an amount off in another currency than the course's now."""
    said = REFUSALS[reason]
    if reason == OTHER_CURRENCY and code is not None and code.currency:
        said = (
            f"this discount code is for courses priced in {currency_named(code.currency)}, "
            "not this one; check it, or leave it empty"
        )
    return InvalidInput("the discount code cannot be used", {"discount_code": said})


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
        raise refuse_code(refusal, found)
    applied = found.applied()
    too_little = left_too_little(course.definition.price, 0, applied)
    if too_little is not None:
        raise InvalidInput("the discount code cannot be used", {"discount_code": too_little})
    return applied


def create_discount_code(
    ports: Ports, course_id: str, definition: DiscountCodeDefinition
) -> CodeStanding:
    course = existing_course(ports, course_id)
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
    # A code that would leave less than Stripe charges on the course's price is refused now,
    # not when an applicant gives it.
    too_little = left_too_little(price, 0, applied_discount(definition))
    if too_little is not None:
        field = "percent_off" if definition.percent_off is not None else "amount_off"
        raise InvalidInput("the discount code needs attention", {field: too_little})
    if ports.repository.get_discount_code(course_id, definition.code) is not None:
        raise refuse_existing(definition.code)
    # Our own record first: Stripe would refuse the promotion code only once the coupon for it
    # was made.
    elsewhere = _held_by_a_course(ports, definition.code, active_only=True)
    if elsewhere is not None:
        raise elsewhere
    try:
        made = ports.payments.create_promotion_code(
            DiscountCodeRequest(course_id=course_id, definition=definition, currency=price.currency)
        )
    except Conflict as exc:
        if exc.code != "discount_code_exists":
            raise
        raise _taken_elsewhere(ports, definition.code) from exc
    # Kept as the organiser defined it (every term), with what the provider made for it.
    code = DiscountCode(
        **definition.model_dump(),
        course_id=course_id,
        promotion_code_id=made.promotion_code_id,
        coupon_id=made.coupon_id,
        currency=price.currency,
    )
    ports.repository.put_discount_code(code)
    logger.info(
        "discount code created",
        extra={"course_id": course_id, "promotion_code_id": made.promotion_code_id},
    )
    # Made this moment: active at Stripe, and no payment has redeemed it yet.
    return CodeStanding(
        code.priced_in(price.currency), PromotionCodeState(active=True, times_redeemed=0)
    )


def _taken_elsewhere(ports: Ports, code: str) -> Conflict:
    """Stripe holds the letters for another course's code (its codes are one namespace,
    whatever their case): said where, as the console lists it, so the
    organiser is not told of a code their page does not show."""
    return _held_by_a_course(ports, code, active_only=False) or Conflict(
        f"the code {code!r} is already in use at Stripe, by no course here; choose another",
        code="discount_code_exists",
    )


def _held_by_a_course(ports: Ports, code: str, *, active_only: bool) -> Conflict | None:
    """The refusal naming the course whose code has ``code``'s letters, whatever their case;
    ``active_only``: only a code still given (Stripe refuses only letters an active promotion
    code has; an expired one's may be used again). None when no course has one."""
    for other in ports.repository.list_courses():
        for held in ports.repository.discount_codes(other.course_id):
            if held.code.lower() == code.lower() and (held.active or not active_only):
                return Conflict(
                    f"the code {code!r} is already in use on {cohort_name(other)} (as "
                    f"{held.code!r}): a code's letters can be used once across every course, "
                    "whatever their case; choose another",
                    code="discount_code_exists",
                )
    return None


def refuse_existing(code: str) -> Conflict:
    return Conflict(f"the code {code!r} is already in use", code="discount_code_exists")


@dataclass(frozen=True)
class CodeStanding:
    """A code as this system keeps it (its terms, the uses held, whether it may be given),
    beside what Stripe holds about its promotion code (None: Stripe did not answer)."""

    code: DiscountCode
    at_provider: PromotionCodeState | None


@dataclass(frozen=True)
class CourseCodes:
    """A course's discount codes, with how each stands."""

    course: Course
    codes: list[CodeStanding]
    # Stripe did not answer for some code: its figures from Stripe are not shown.
    provider_unavailable: bool


def course_codes(ports: Ports, course_id: str) -> CourseCodes:
    """A course's codes, in the order of their letters, each with its uses left (this
    system's count, which is what limits it) and what Stripe holds (its redemptions)."""
    course = existing_course(ports, course_id)
    standings, unavailable = [], False
    for code in sorted(ports.repository.discount_codes(course_id), key=lambda c: c.code.upper()):
        try:
            state: PromotionCodeState | None = ports.payments.promotion_code_state(
                code.promotion_code_id
            )
        except (DependencyUnavailable, Conflict):
            # The page still lists what is kept here; it says Stripe's figures are missing.
            state, unavailable = None, True
        standings.append(CodeStanding(code.priced_in(course.definition.price.currency), state))
    return CourseCodes(course, standings, unavailable)


def expire_discount_code(ports: Ports, course_id: str, typed: str) -> CodeStanding:
    """No new application may give the code from now on: its promotion code deactivated at
    Stripe first, then what Stripe then holds recorded here (so a failure at Stripe changes
    nothing, and expiring again repeats both harmlessly). Applications that already gave it
    keep their promised price: their checkouts and invoices ask for its coupon, which stays."""
    course = existing_course(ports, course_id)
    code, now = ports.repository.get_discount_code(course_id, typed), ports.clock()
    if code is None:
        raise NotFound(f"no discount code {typed!r} on this course")
    if code.coupon_id is None:
        # Kept before coupons were: its promised discounts are asked of Stripe as this very
        # promotion code, so Stripe keeps it; only new applications are refused (here).
        state = ports.payments.promotion_code_state(code.promotion_code_id)
        kept = ports.repository.record_code_active(course_id, code.code, active=False, at=now)
    else:
        state = ports.payments.deactivate_promotion_code(code.promotion_code_id)
        kept = ports.repository.record_code_active(
            course_id, code.code, active=state.active, at=now
        )
    logger.info(
        "discount code expired",
        extra={"course_id": course_id, "promotion_code_id": code.promotion_code_id},
    )
    return CodeStanding(kept.priced_in(course.definition.price.currency), state)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def code_view(standing: CodeStanding) -> dict[str, Any]:
    """A code as the ``/admin`` API gives it: its terms (pence), the uses held and left now
    (this system's count), whether it may be given, and what Stripe holds."""
    code, state = standing.code, standing.at_provider
    return {
        "code": code.code,
        "course_id": code.course_id,
        "promotion_code_id": code.promotion_code_id,
        "percent_off": code.percent_off,
        "amount_off": code.amount_off,
        # An amount off's; a percentage's is the course's now (``DiscountCode.priced_in``).
        "currency": code.currency or "",
        "max_uses": code.max_uses,
        "times_used": code.uses,
        "uses_left": code.uses_left,
        "active": code.active,
        "expires_at": _iso(code.expires_at),
        # When an organiser expired it (the console says it; the CLI too).
        "expired_at": _iso(code.expired_at) if not code.active else None,
        "stripe_active": state.active if state else None,
        "stripe_times_redeemed": state.times_redeemed if state else None,
    }
