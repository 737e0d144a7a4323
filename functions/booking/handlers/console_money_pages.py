"""The console's pages about money: a course's discount codes, its money page and a programme's
overview (the money of each cohort and in all), in the frame every console page shares
(``console_pages.py``: its chrome, its rendering, a course's name and dates said once).
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import ApplicationStatus
from booking.domain.billing import DiscountCode
from booking.domain.course import Course
from booking.domain.course_money import (
    CourseMoney,
    GroupMoney,
    PlaceMoney,
    bookings_said,
    money_figures,
    paid_by_group_words,
)
from booking.domain.groups import GroupStatus
from booking.domain.money_received import Receipt
from booking.domain.programme import programme_title
from booking.domain.seat_counts import SeatCounts, places_free, places_said
from booking.domain.wording import (
    discount_words,
    moment_when,
    money_words,
    redemptions_words,
    uses_words,
)
from booking.handlers.console_pages import (
    Chrome,
    console_page,
    course_console_page,
    course_dates,
    course_heading,
)
from booking.services.console import ProgrammeOverview
from booking.services.discounts import CourseCodes

CODES_DONE_WORDS = {
    "created": "Discount code {code} made. Applicants can give it on the form now.",
    "expired": "Discount code {code} expired: no new application can give it. Those who "
    "gave it already keep their price.",
}
CODE_LABELS = {
    "code": "Code",
    "percent_off": "Percentage off",
    "amount_off": "Amount off",
    "max_uses": "Uses allowed",
    "last_day": "Last day it works",
}


def _code_ended(code: DiscountCode, now: datetime) -> bool:
    """Expired by an organiser or past its last day: no use of it is "left"."""
    return not code.active or (code.expires_at is not None and code.expires_at <= now)


def _until_said(code: DiscountCode, zone: str) -> str:
    """Until when it works: an expired code says when it was expired, never "No end"."""
    if not code.active:
        return f"Expired {moment_when(code.expired_at, zone)}" if code.expired_at else "Expired"
    return moment_when(code.expires_at, zone) if code.expires_at else "No end"


def _code_state(code: DiscountCode, now: datetime) -> str:
    if not code.active:
        return "Expired by an organiser"
    if code.expires_at is not None and code.expires_at <= now:
        return "Past its last day"
    if code.uses_left == 0:
        return "Used up"
    return "Can be given"


def codes_page(
    chrome: Chrome,
    listing: CourseCodes,
    now: datetime,
    *,
    done: str = "",
    done_code: str = "",
    problem: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    course = listing.course
    definition = course.definition
    zone, currency = definition.timezone, definition.price.currency
    rows = []
    for standing in listing.codes:
        code, state = standing.code, standing.at_provider
        rows.append(
            {
                "code": code.code,
                "off": discount_words(code.percent_off, code.amount_off, currency),
                "uses": uses_words(code.uses, code.max_uses, ended=_code_ended(code, now)),
                "until": _until_said(code, zone),
                "state": _code_state(code, now),
                "active": code.active,
                "at_stripe": redemptions_words(
                    state.active if state else None, state.times_redeemed if state else None
                ),
            }
        )
    said = CODES_DONE_WORDS.get(done, "")
    return course_console_page(
        "codes.html",
        chrome,
        course,
        price=definition.price.display(),
        timezone=zone,
        codes=rows,
        provider_unavailable=listing.provider_unavailable,
        done=said.format(code=done_code) if said and done_code else "",
        problem=problem,
        values=values or {},
        errors=errors or {},
        labels=CODE_LABELS,
    )


def _money_said(money: CourseMoney) -> list[tuple[str, str]]:
    return money_figures(money.in_minor_units())


def _said(amount: int, currency: str) -> str:
    return money_words(amount, currency) if amount else "-"


def _line(place: PlaceMoney, currency: str, organisations: dict[str, str]) -> dict[str, str]:
    def said(amount: int) -> str:
        return _said(amount, currency)

    line = {
        "application_id": place.application_id,
        "reference": place.reference,
        "status": place.status.value,
        "price": said(place.price),
        "code": f"{place.discount_code} ({said(place.discount)})" if place.discount_code else "-",
        "bursary": said(place.bursary),
        # An ended booking owes nothing (the page's due counts only places booked).
        "due": "-" if place.status in ENDED_OWING_NOTHING else said(place.due),
        "paid": said(place.paid),
        "refunded": said(place.refunded),
        "unpaid_invoice": said(place.invoiced_unpaid),
        "refund_failed": "yes" if place.refund_failed else "",  # the status tag says so
    }
    if place.group_id:
        # A colleague's place: its money is the group's line (paid by the group, not nothing
        # paid); only a refund of its own is said here.
        by_group = paid_by_group_words(organisations.get(place.group_id, ""))
        return line | dict.fromkeys(GROUPS_MONEY, "-") | {"paid": by_group}
    return line


# The columns of a colleague's place that the group's own line says instead.
GROUPS_MONEY = ("price", "code", "bursary", "due", "unpaid_invoice")


# A group booking's status as an organiser reads it on the money page.
GROUP_STATUS_WORDS = {
    "awaiting_payment": "Checkout open",
    "awaiting_invoice_payment": "Invoice open",
    "paid": "Paid",
    "lapsed": "Ended: places released",
}
# An ended booking that was paid all the same: the payment came back whole.
GIVEN_BACK_WORDS = "; a payment it could not take was refunded in full"
ENDED_OWING_NOTHING = frozenset(
    {
        ApplicationStatus.CANCELLED,
        ApplicationStatus.REFUNDED,
        ApplicationStatus.EXPIRED,
        ApplicationStatus.DECLINED,
    }
)


def _group_line(group: GroupMoney, currency: str) -> dict[str, str]:
    status = GROUP_STATUS_WORDS[group.status.value]
    if group.status is GroupStatus.LAPSED and group.paid:
        status += GIVEN_BACK_WORDS
    if group.owed_by_hand_said:
        status += f"; {group.owed_by_hand_said}"
    return {
        "group_id": group.group_id,
        "said": group.said,
        "status": status,
        "price": _said(group.price, currency),
        "paid": _said(group.paid, currency),
        "refunded": _said(group.refunded, currency),
        "unpaid_invoice": _said(group.invoiced_unpaid, currency),
    }


def money_page(
    chrome: Chrome,
    course: Course,
    money: CourseMoney,
    names: dict[str, str],
    received: list[Receipt],
) -> str:
    """A course's money; ``names``: each application's person, by id (their line's *Name*);
    ``received``: each payment, newest first (its *Payments received* table)."""
    organisations = {g.group_id: g.organisation for g in money.group_lines}
    return course_console_page(
        "money.html",
        chrome,
        course,
        programme=course.definition.programme,
        bookings=bookings_said(money.in_minor_units()),
        figures=_money_said(money),
        lines=[
            _line(place, money.currency, organisations)
            | {"name": names.get(place.application_id, "")}
            for place in money.lines
        ],
        group_lines=[_group_line(group, money.currency) for group in money.group_lines],
        receipts=[_receipt_line(r, names, organisations) for r in received],
    )


def _receipt_line(
    receipt: Receipt, names: dict[str, str], organisations: dict[str, str]
) -> dict[str, str]:
    """A payment received as its row says it: the day in words (UK), the way, the bank's
    reference, the amount in pounds, and whose (linked by the template: an application's
    person, or a group booking's organisation)."""
    day = receipt.day
    whose = (
        names.get(receipt.application_id, "")
        if receipt.application_id
        else f"Group booking: {organisations.get(receipt.group_id, '') or 'an organisation'}"
    )
    return {
        "day": f"{day:%A} {day.day} {day:%B %Y}" if day else "Not recorded",
        "way": receipt.way,
        "reference": receipt.reference or "-",
        "amount": money_words(receipt.amount, receipt.currency),
        "whose": whose or "-",
        "application_id": receipt.application_id,
        "group_id": receipt.group_id,
    }


def programme_page(chrome: Chrome, overview: ProgrammeOverview) -> str:
    cohorts = []
    for s in overview.cohorts:
        cohorts.append(
            {
                "course_id": s.course.course_id,
                "name": course_heading(s.course),
                "dates": course_dates(s.course),
                "status": s.state_said,
                "places": places_said(
                    SeatCounts(s.confirmed, s.holds),
                    s.course.definition.capacity,
                    s.course.places_left,
                    ended=s.ended,
                ),
                "waiting": s.waiting,
                "figures": _money_said(s.money),
            }
        )
    return console_page(
        "programme.html",
        chrome,
        programme=programme_title(
            overview.programme, (s.course.definition.title for s in overview.cohorts)
        ),
        programme_slug=overview.programme,
        cohorts=cohorts,
        places=places_said(
            SeatCounts(
                sum(s.confirmed for s in overview.cohorts), sum(s.holds for s in overview.cohorts)
            ),
            sum(s.course.definition.capacity for s in overview.cohorts),
            sum(places_free(s.course.places_left, ended=s.ended) for s in overview.cohorts),
        ),
        waiting=sum(s.waiting for s in overview.cohorts),
        totals=_money_said(overview.totals),
        bookings=bookings_said(overview.totals.in_minor_units()),
        other_currencies=overview.other_currencies,
    )
