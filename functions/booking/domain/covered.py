"""What covered the price of a place booked with nothing to pay, from what its application
records (newcomer11 F5: a bursary and a code were said as "your discount code" alone, and the
organisers read a guess, "a discount code, or a code and a bursary").

The status reason says which (``why_nothing_to_pay``); :func:`status_said` and
:func:`covered_words` say what each took off, the bursary first (it pays what it covers of the
price) and the code off what was left, as ``domain.billing.amount_due`` counts them.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from booking.domain.application import NEVER_PAID_ENDINGS, Application, ApplicationStatus
from booking.domain.money import Money, money_words
from booking.domain.wording import status_with_reason, status_words

# The reasons of a place booked with nothing to pay by a code, a code and a bursary, or (kept
# from before the reasons told them apart) either.
NOTHING_TO_PAY_REASONS = frozenset({"covered_by_code", "code_and_bursary", "nothing_to_pay"})


def why_nothing_to_pay(application: Application, price: int) -> str:
    """The status reason of a place booked with nothing to pay: by whom, from the facts."""
    if application.group_place is not None:
        return "paid_by_group"  # a manager booked and paid for the place
    if application.bursary >= price:
        return "funded"
    if application.discount is not None:
        return "code_and_bursary" if application.bursary else "covered_by_code"
    return "nothing_to_pay"


def covered_words(application: Application, course_price: Money) -> str:
    """ "the discount code NHS50 (£50.00 off) and a bursary of £150.00": what brought the price
    down, with amounts ("" when neither a code nor a bursary did)."""
    price = application.price_or(course_price)
    bursary = application.bursary_covering(course_price)
    parts = []
    discount = application.discount
    if discount is not None:
        off = discount.takes_off(max(price.amount - bursary, 0))
        parts.append(f"the discount code {discount.code} ({money_words(off, price.currency)} off)")
    if bursary:
        parts.append(f"a bursary of {money_words(bursary, price.currency)}")
    return " and ".join(parts)


def status_said(application: Application, course_price: Money) -> str:
    """The status and why, as the console and the CSV say it: a place booked with nothing to
    pay names what covered its price, with amounts."""
    status, reason = application.status.value, application.status_reason
    if application.status is ApplicationStatus.CONFIRMED and reason in NOTHING_TO_PAY_REASONS:
        said = covered_words(application, course_price)
        if said:
            return f"{status_words(status)} (nothing left to pay: {said})"
    return status_with_reason(status, reason)


def left_to_pay_said(application: Application, price: Money) -> str:
    """What is left to pay, as the console says it: nothing once booked, and nothing either
    once it ended unpaid, as that (not as if it were settled: hostile12a NEW-5)."""
    left = application.left_to_pay(price)
    if left:
        return money_words(left, application.price_or(price).currency)
    if application.status in NEVER_PAID_ENDINGS and not application.money_received:
        return f"Nothing: the booking ended ({status_words(application.status.value).lower()})"
    return "Nothing"
