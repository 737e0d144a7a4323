"""What covered the price of a place booked with nothing to pay, from what its application
records (a bursary and a code were said as "your discount code" alone, and the
organisers read a guess, "a discount code, or a code and a bursary").

Which of them covered it is one rule, :func:`covered_by`: the status reason says it
(``why_nothing_to_pay``), and so do the rosters' "Paid by" (the CSV, the CLI's roster and the
console, from a roster row: :func:`paid_by_said`, :func:`paid_for_them`). :func:`status_said`
and :func:`covered_words` say what each took off, the bursary first (it pays what it covers of
the price) and the code off what was left, as ``domain.billing.amount_due`` counts them.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from booking.domain.application import NEVER_PAID_ENDINGS, Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.money import Money, money_words
from booking.domain.offer_declines import was_declined
from booking.domain.offer_ends import OFFER_DECLINED, OFFER_LAPSED
from booking.domain.refund_failed import refund_failed_said
from booking.domain.statuses import left_to_pay_is_said
from booking.domain.wording import status_with_reason, status_words

# The reasons of a place booked with nothing to pay by a code, a code and a bursary, or (kept
# from before the reasons told them apart) either.
NOTHING_TO_PAY_REASONS = frozenset({"covered_by_code", "code_and_bursary", "nothing_to_pay"})
# Why a payment that reaches a place booked with nothing to pay goes back (not "a second
# payment": it may be the only one, a full bursary racing the invoice's payment).
PAID_WHEN_COVERED = "not_needed"


def booked_without_payment(application: Application) -> bool:
    """Whether a place was booked with nothing to pay by a bursary, a code or both, and no
    payment of its own."""
    covered = application.status_reason in NOTHING_TO_PAY_REASONS | {"funded"}
    return covered and not application.payment_intent


def second_payment(application: Application) -> str:
    """Why a payment that reaches a confirmed place it did not book goes back."""
    return PAID_WHEN_COVERED if booked_without_payment(application) else "duplicate_payment"


# What covers a place, in the order ``domain.billing.amount_due`` takes them off its price.
BURSARY, CODE = "bursary", "discount code"
# The status reason of a place booked with nothing to pay, by what covered it.
REASON_OF_COVERING = {
    (BURSARY,): "funded",
    (BURSARY, CODE): "code_and_bursary",
    (CODE,): "covered_by_code",
    (): "nothing_to_pay",
}


def covered_by(bursary: int, code_off: int) -> tuple[str, ...]:
    """What covered a place, from what each took off its price (minor units): the bursary,
    the code, both (the bursary first) or neither. The one rule the status reason, the rosters'
    "Paid by" and the console's money read."""
    return (*((BURSARY,) if bursary else ()), *((CODE,) if code_off else ()))


def _taken_off(application: Application, price: int) -> tuple[int, int]:
    """What the bursary pays of ``price`` and what the code takes off what is left."""
    bursary = min(application.bursary, price)
    discount = application.discount
    return bursary, discount.takes_off(max(price - bursary, 0)) if discount else 0


def why_nothing_to_pay(application: Application, price: int) -> str:
    """The status reason of a place booked with nothing to pay: by whom, from the facts."""
    if application.group_place is not None:
        return "paid_by_group"  # a manager booked and paid for the place
    return REASON_OF_COVERING[covered_by(*_taken_off(application, price))]


def covered_words(application: Application, course_price: Money) -> str:
    """ "the discount code NHS50 (£50.00 off) and a bursary of £150.00": what brought the price
    down, with amounts ("" when neither a code nor a bursary did)."""
    price = application.price_or(course_price)
    bursary, off = _taken_off(application, price.amount)
    parts = []
    discount = application.discount
    if discount is not None:
        parts.append(f"the discount code {discount.code} ({money_words(off, price.currency)} off)")
    if bursary:
        parts.append(f"a bursary of {money_words(bursary, price.currency)}")
    return " and ".join(parts)


def status_said(application: Application, course_price: Money) -> str:
    """The status and why, as the console and the CSV say it: a place booked with nothing to
    pay names what covered its price, with amounts; one whose refund failed at Stripe says
    so, and what is still to give back (``domain.refund_failed``)."""
    status, reason = application.status.value, application.status_reason
    failed = refund_failed_said(application, course_price.currency)
    if failed:
        return failed
    if application.status is ApplicationStatus.CONFIRMED and reason in NOTHING_TO_PAY_REASONS:
        said = covered_words(application, course_price)
        if said:
            return f"{status_words(status)} (nothing left to pay: {said})"
    return status_with_reason(status, reason)


# Who paid for a place on the roster, as people read it (the CSV's "Paid by", the CLI's line).
PAID_BY_METHOD = {"card": "Card", "invoice": "Invoice to the employer"}


def funded_by(row: Mapping[str, Any]) -> str:
    """What paid for a place that took no payment because a bursary or a code (or both) covered
    all of it ("" if anything was paid, is left to pay or was due: a part-price code on a
    booking cancelled before paying paid nothing; or nothing funded it);
    ``row``: a roster row's money (``bursary``, ``discount``, ``amount_due``, ``amount_paid``,
    ``left_to_pay``)."""
    if row["amount_paid"] or row["left_to_pay"] or row.get("amount_due", 0):
        return ""
    code_off = row.get("discount", 0) if row.get("discount_code") else 0
    return " and ".join(covered_by(row["bursary"], code_off)).capitalize()


def paid_for_them(row: Mapping[str, Any]) -> str:
    """Who paid for a place the person (or their employer) did not pay: "Paid by the group
    booking (St Elsewhere)", "Paid by bursary and discount code"; "" when they pay, where a
    roster shows what they paid instead of "£0.00"."""
    if row.get("paid_by_group"):
        return str(row["paid_by_group"])
    funded = funded_by(row)
    return f"Paid by {funded.lower()}" if funded else ""


def paid_by_said(row: Mapping[str, Any]) -> str:
    """Who paid for a roster row's place, one way everywhere: the group booking for a
    colleague's place (``paid_by_group``, its words), a bursary or a code for a place they
    covered whole, else the method the person (or their employer) paid or pays by; nothing
    when they paid nothing and owe nothing now (the waiting list read "Card",
    a choice nobody waiting has made)."""
    method = PAID_BY_METHOD.get(row["payment_method"], row["payment_method"])
    pays = row["amount_paid"] or row["left_to_pay"]
    return row.get("paid_by_group") or funded_by(row) or (method if pays else "")


def paid_back_said(paid: int, returned: int, currency: str) -> str:
    """What a list's *Paid* says: what was paid, and what of it went back (a
    refunded booking read "£200.00", like money held): "£200.00, refunded", "£200.00, £50.00
    refunded"."""
    said = money_words(paid, currency)
    if not returned:
        return said
    if returned >= paid:
        return f"{said}, refunded"
    return f"{said}, {money_words(returned, currency)} refunded"


def left_to_pay_said(application: Application, price: Money, left: int | None = None) -> str:
    """What is left to pay, as the console says it: nothing once booked, and nothing either
    once it ended unpaid, as that (not as if it were settled). ``left``:
    what :func:`left_to_pay_now` gave, when the caller has it."""
    not_yet = not_yet_asked_said(application.status.value)
    if not_yet:
        return not_yet
    left = application.left_to_pay(price) if left is None else left
    if left:
        return left_said(application.status.value, left, application.price_or(price).currency)
    if application.status in NEVER_PAID_ENDINGS and not application.money_received:
        return f"Nothing: the booking ended ({status_words(application.status.value).lower()})"
    return "Nothing"


def payment_refusal(application: Application, course: Course | None, now: datetime) -> str | None:
    """Why ``application`` (as stored) cannot start a payment on ``course`` now (None: it
    may), one rule for the checkout, the invoice, the status page and JSON, the emails and
    what is left to pay: ``Application.payment_refusal``, and an offer the sweep ended
    (``expired``, ``offer_lapsed``) starts again only while a newcomer could book its seat
    (``Course.seat_free_for_newcomer``). Freed, the seat went to the next person waiting, so
    the checkout would refuse it: said lapsed, owing nothing, with no button, before the
    sweep and after alike (it read £0, then £200 with *Start payment again*
    that answered 409 ``offer_lapsed``). None for ``course``: it was deleted."""
    course_open = course is not None and course.accepts_applications(now)
    refusal = application.payment_refusal(now, course_open=course_open)
    ended = application.status is ApplicationStatus.EXPIRED
    if refusal is None and was_declined(application):
        return OFFER_DECLINED  # turned down by its person: theirs no more
    lapsed = ended and application.status_reason == OFFER_LAPSED
    if refusal is None and lapsed and (course is None or not course.seat_free_for_newcomer):
        return OFFER_LAPSED
    return refusal


def left_to_pay_now(stored: Application, shown: Application, course: Course, now: datetime) -> int:
    """What is left to pay on ``stored`` (``shown``: it as read) on ``course``, as the status
    page says it (:func:`~booking.domain.statuses.left_to_pay_is_said`):
    ``Application.left_to_pay``, except nothing on a payment that lapsed and cannot be started
    again (:func:`payment_refusal`: an offer lapsed, or a lapse once applications have closed:
    nothing is owed on it). The /admin roster and record give this, so the CLI says it
    (it said "left to pay £200.00" of a lapsed offer)."""
    can_pay = payment_refusal(stored, course, now) is None
    price = course.definition.price
    return shown.left_to_pay(price) if left_to_pay_is_said(shown.status, can_pay=can_pay) else 0


# Nothing is asked of these yet: a place must be offered from the waiting list, or the
# application accepted, before its price is to pay.
NOT_YET_ASKED = frozenset({ApplicationStatus.WAITLISTED, ApplicationStatus.PENDING_REVIEW})
# Why nothing is asked yet, as the CLI says it beside "left to pay nothing yet".
NOT_YET_ASKED_WORDS = {
    ApplicationStatus.WAITLISTED.value: "until a place is offered",
    ApplicationStatus.PENDING_REVIEW.value: "until the application is approved",
}


def owed_now(stored: Application, shown: Application, course: Course, now: datetime) -> int:
    """What the person owes now, as the rosters (the CSV, the JSON and the CLI's) and the
    record count it: :func:`left_to_pay_now`, except nothing while nothing is asked of them
    yet (the waiting list read "Left to pay £200.00", and a treasurer adding
    up the column counted money nobody owes). The person's own page still says what a place
    would cost them."""
    return 0 if shown.status in NOT_YET_ASKED else left_to_pay_now(stored, shown, course, now)


def left_said(status: str, left: int, currency: str) -> str:
    """What is left to pay (``left``, what :func:`left_to_pay_now` gave) of an application of
    ``status`` (its code) that may still pay, as the console, the roster's CSV and the CLI say
    it: its amount, except on one whose payment time ran out (expired, a new payment still
    possible, ``left``): nothing is owed, as no place is held, and what starting again would
    take, as its status page says it (never "£200.00", as if that were owed)."""
    if status != ApplicationStatus.EXPIRED.value:
        return money_words(left, currency)
    not_kept = "Nothing: the place was not kept"
    again = f" ({money_words(left, currency)} if they start payment again)" if left else ""
    return not_kept + again


def not_yet_asked_said(status: str) -> str | None:
    """What is left to pay of an application nothing is asked of yet (``status``: its code),
    as the console, the roster's CSV and the CLI say it: "Nothing yet (until ...)", never
    "£0.00" as if it were settled, nor its price as if it were asked; None for the others."""
    until = NOT_YET_ASKED_WORDS.get(status)
    return f"Nothing yet ({until})" if until else None


def left_to_pay_in_words(record: Mapping[str, Any]) -> str:
    """An /admin record's ``left_to_pay`` (:func:`left_to_pay_now`) in words, as the CLI says
    it: nothing on a lapsed payment, and why (never "£0.00", as if it were settled)."""
    left = int(record["left_to_pay"])
    not_yet = not_yet_asked_said(record["status"])
    if not left and not_yet:
        return not_yet[0].lower() + not_yet[1:]
    if left:
        said = left_said(record["status"], left, record["currency"])
        return said[0].lower() + said[1:]
    if record["status"] != ApplicationStatus.EXPIRED.value:
        return money_words(left, record["currency"])
    if record.get("status_reason") == OFFER_DECLINED:
        return "nothing (the offer was turned down)"
    lapsed = "offer" if record.get("status_reason") == OFFER_LAPSED else "payment"
    return f"nothing (the {lapsed} lapsed)"
