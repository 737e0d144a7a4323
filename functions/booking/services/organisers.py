"""Organiser use cases that read or rewrite people's data: the roster, export and erasure."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.course import Course
from booking.domain.course_money import (
    CourseMoney,
    course_money,
    paid_by_group,
    place_money,
)
from booking.domain.covered import (
    left_said,
    not_yet_asked_said,
    owed_now,
    paid_by_said,
    status_said,
)
from booking.domain.disputes import GroupDisputesSaid, place_disputes_said
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, StaleWrite
from booking.domain.given_back import records_data, records_said
from booking.domain.graduation import completion_words
from booking.domain.money import Money
from booking.domain.money_received import Receipt, receipts
from booking.domain.page_seen import application_seen
from booking.domain.refund_failed import failed_and_held
from booking.domain.statuses import ERASED, address_shown
from booking.domain.text import shown_safely
from booking.domain.wording import (
    ANSWER_FIELDS,
    FIELD_NAMES,
    invoice_said,
    moment_when,
    money_words,
)
from booking.services.access import existing_course
from booking.services.application_view import moves_waiting
from booking.services.concurrency import concurrent_update, course_of, load_application
from booking.services.course_seats import course_seats
from booking.services.groups import groups_disputed, organisation_of, organisations_of_course
from booking.services.ports import Ports
from booking.services.reading import (
    application_as_read,
    applications_as_read,
    stored_applications,
)
from booking.services.waiting_moves import moving_in_now
from booking.services.waitlist import waiting_positions

logger = Logger(child=True)
S = ApplicationStatus


def roster(ports: Ports, course_id: str) -> list[dict[str, Any]]:
    course = existing_course(ports, course_id)
    organisations = organisations_of_course(ports, course_id)
    disputed = groups_disputed(ports, course_id, course.definition.timezone)
    now = ports.clock()
    stored = stored_applications(ports, course)
    return [
        {
            # As read (``services.reading``): as on its page, the console and the CSV.
            **_roster_row(application, course, organisations, disputed),
            "left_to_pay": _left_to_pay(kept, application, course, now),
            # Why, as read: a wait or a review ended as applications closed, an offer lapsed.
            "status_reason": application.status_reason,
            "moving_in": None,
        }
        for kept, application in zip(
            stored, applications_as_read(ports, course, now, stored), strict=True
        )
    ] + [
        # Bookings of other cohorts whose move here waits: shown as such, after its own.
        {
            **_roster_row(m.application, course, {}),
            "moving_in": {
                "kind": m.kind,
                "from_course_id": m.application.course_id,
                "since": _iso(m.since),
            },
        }
        for m in moving_in_now(ports, course)
    ]


def _left_to_pay(stored: Application, shown: Application, course: Course, now: datetime) -> int:
    """What is owed now (``domain.covered.owed_now``): nothing on a lapse that cannot pay,
    nor while waiting for a place or a review."""
    return owed_now(stored, shown, course, now)


def _roster_row(
    application: Application,
    course: Course,
    organisations: dict[str, str],
    groups_disputed: dict[str, GroupDisputesSaid] | None = None,
) -> dict[str, Any]:
    course_price = course.definition.price
    return {
        "application_id": application.application_id,
        "reference": application.reference or "",
        "status": application.status.value,
        "created_at": _iso(application.created_at),
        **application.answers.model_dump(),
        **money_of(application, course_price),
        "group_id": application.group_place.group_id if application.group_place else "",
        "paid_by_group": paid_by_group(application, organisations),
        "refund_failed": bool(failed_and_held(application)),
        "disputed": place_disputed(application, course.definition.timezone, groups_disputed),
        # Counted in amount_refunded too: which part went back by hand, and how.
        "given_back_by_hand": records_data(application.given_back),
    }


def application_record(ports: Ports, application_id: str) -> dict[str, Any]:
    """One application as its roster row gives it (answers, status, money in minor units,
    the invoice), with its course and why its status last changed: the machine-readable
    record of ``GET /admin/applications/{id}``."""
    stored = load_application(ports, application_id)
    course = course_of(ports, stored)
    now = ports.clock()
    application = application_as_read(stored, course, now)
    place = application.group_place
    zone = course.definition.timezone
    organisations, disputed = organisation_of(ports, place.group_id if place else None, zone)
    return {
        **_roster_row(application, course, organisations, disputed),
        "left_to_pay": _left_to_pay(stored, application, course, now),
        "course_id": application.course_id,
        "status_reason": application.status_reason,
        "status_said": status_said(application, course.definition.price),
        "not_emailed_because": not_emailed_because(ports, application),
        "transfers": transfers_of(application),
        "seen": application_seen(stored, now),  # what a cancel then acts on (page_seen)
        **{
            name: move.model_dump(mode="json") if move is not None else None
            for name, move in zip(
                ("pending_move", "waiting_move"), moves_waiting(ports, application), strict=True
            )
        },
    }


def not_emailed_because(ports: Ports, application: Application) -> str | None:
    """Why an email to the applicant would reach nobody now, as the console says it (their
    data erased; their address suppressed: the mailer skips it); None when it would reach them.
    The CLI says from it who an action told (it always said "emailed")."""
    refusal = nobody_to_tell(application)
    if refusal is not None:
        return refusal.message
    if ports.repository.is_suppressed(application.answers.email):
        return (
            "emails to this person's address bounced or were marked as spam, so none are sent to it"
        )
    return None


def transfers_of(application: Application) -> list[dict[str, Any]]:
    """Each move of the booking to another cohort, oldest first (money in minor units): the
    record's and the person's export's history of moves."""
    return [
        {
            "from_course_id": move.from_course_id,
            "to_course_id": move.to_course_id,
            "at": _iso(move.at),
            "price_before": move.price_before.amount,
            "price_after": move.price_after.amount,
            "currency": move.price_after.currency,
            "refund_due": move.refund_due,
            "refund_id": move.refund_id,
            "difference_waived": move.difference_waived,
            "difference_charged": move.difference_charged,
            "undone_at": _iso(move.undone_at) if move.undone_at else None,
        }
        for move in application.transfers
    ]


def money_of(application: Application, course_price: Money) -> dict[str, Any]:
    """One application's money, in minor units: what the place cost, what a discount and a
    bursary took off, what is due, what is left to pay now, what was paid and refunded; and
    the invoice, if any."""
    place = place_money(application, course_price)
    invoice, billing = application.invoice, application.billing
    return {
        "amount_paid": place.paid,
        "amount_refunded": place.refunded,
        "currency": application.price_or(course_price).currency,
        "payment_method": application.payment_method.value,
        "price": place.price,
        "discount_code": place.discount_code,
        "discount": place.discount,
        "bursary": place.bursary,
        "amount_due": place.due,
        "left_to_pay": application.left_to_pay(course_price),
        "invoice_number": (invoice.number or invoice.invoice_id) if invoice else "",
        "invoice_status": invoice.status if invoice else "",
        "invoice_due_at": _iso(invoice.due_at) if invoice else "",
        "po_number": billing.po_number if billing else "",
        "billing_name": billing.billing_name if billing else "",
        "billing_email": billing.billing_email if billing else "",
    }


def course_money_of(ports: Ports, course_id: str) -> tuple[Course, CourseMoney]:
    """A course and its money, counted once for the ``/admin`` totals, the console's pages and
    (through the totals) the CLI."""
    course, money, _ = course_money_named(ports, course_id)
    return course, money


def course_money_named(ports: Ports, course_id: str) -> tuple[Course, CourseMoney, dict[str, str]]:
    """:func:`course_money_of`, with each application's person's name by its id, from the
    same read: the console's *Money* page names whose money each line is
    (the organisers' own screen, never a log). An erased person reads "[erased]"."""
    page = course_money_page(ports, course_id)
    return page.course, page.money, page.names


@dataclass(frozen=True)
class CourseMoneyPage:
    """What the console's *Money* page shows, from one read: the course, its money, each
    application's person's name by its id, and each payment received, newest first
    (``domain.money_received``: what a bank reconciliation needs)."""

    course: Course
    money: CourseMoney
    names: dict[str, str]
    receipts: list[Receipt]


def course_money_page(ports: Ports, course_id: str) -> CourseMoneyPage:
    course = existing_course(ports, course_id)
    applications = ports.repository.list_applications(course_id)
    groups = ports.groups.groups_of_course(course_id)
    names = {a.application_id: ERASED if a.is_erased else a.answers.name for a in applications}
    definition = course.definition
    money = course_money(applications, definition.price, groups)
    received = receipts(applications, groups, money.currency, definition.timezone)
    return CourseMoneyPage(course, money, names, received)


def money_totals(ports: Ports, course_id: str) -> dict[str, Any]:
    """A course's money at a glance, in minor units: places booked, list price, discounts and
    bursaries given, what is due, what was paid and refunded, and what open invoices owe; and
    its places booked, held and free, counted as the console's pages count them
    (``services.course_seats``), so the CLI says them by the console's rule."""
    course, money = course_money_of(ports, course_id)
    seats = course_seats(ports, course)
    places = {"booked": seats.booked, "held": seats.held, "free": course.places_left}
    return {"course_id": course_id, **money.in_minor_units(), "places": places}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# The answers written on several lines; every other cell is one line.
MULTILINE_ANSWERS = frozenset({"leadership_role", "motivation", "accessibility_needs"})


def spreadsheet_safe(value: object, *, multiline: bool = False) -> str:
    """A cell a spreadsheet shows as typed: no raw control or bidirectional character (written
    as a visible escape, ``domain.text``; an answer keeps its line breaks, quoted by the CSV),
    and no formula injection: a cell starting with = + - @ would be run as a formula by Excel;
    a leading apostrophe makes it text, as OWASP recommends."""
    text = str(value).replace("\r\n", "\n")
    text = shown_safely(text, keep=frozenset("\n") if multiline else frozenset())
    if text and text[0] in ("=", "+", "-", "@"):
        return "'" + text
    return text


# The roster as people read it in a spreadsheet: the glossary's names for the answers, status
# words, UK times to the minute, pounds and pence. The JSON roster (``roster``) is the
# machine-readable export: ids, codes, pence and ISO instants.
ROSTER_CSV_COLUMNS = (
    "Reference",
    *(FIELD_NAMES[field] for field in ANSWER_FIELDS),
    "Status",
    "Applied",
    "Paid by",
    "Price",
    FIELD_NAMES["discount_code"],
    "Discount",
    "Bursary",
    "Left to pay",
    "Paid",
    "Refunded",
    "Invoice",
    FIELD_NAMES["po_number"],
    FIELD_NAMES["billing_name"],
    FIELD_NAMES["billing_email"],
    # Added last, so the columns before it keep their places.
    "Place on the waiting list",
    # Whether they completed the course, as the register decided.
    "Completion",
    # A payer's bank's dispute of the payment, in words (``domain.disputes``).
    "Payment disputed",
    # Money paid outside Stripe given back by hand, in words (in "Refunded" too).
    "Given back by hand",
)


def _answer_said(application: Application, field: str) -> object:
    """An answer as the roster gives it: an erased person's placeholder address read as the
    console says it ("[erased]"), never as an address to write to."""
    answer = getattr(application.answers, field)
    return address_shown(answer) if field == "email" else answer


def roster_csv(ports: Ports, course_id: str) -> str:
    """The roster in people's words, as UTF-8 CSV with a byte-order mark (so Excel opens names
    with accents correctly), every cell safe from formula injection."""
    course = existing_course(ports, course_id)
    zone = course.definition.timezone
    organisations = organisations_of_course(ports, course_id)
    disputed = groups_disputed(ports, course_id, zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_CSV_COLUMNS)
    now = ports.clock()
    stored = stored_applications(ports, course)
    positions = waiting_positions(ports, course)
    for kept, application in zip(
        stored, applications_as_read(ports, course, now, stored), strict=True
    ):
        money = money_of(application, course.definition.price)
        money["left_to_pay"] = _left_to_pay(kept, application, course, now)
        currency = money["currency"]
        invoice = application.invoice
        cells = [
            application.reference_or_id,
            *(_answer_said(application, field) for field in ANSWER_FIELDS),
            status_said(application, course.definition.price),
            moment_when(application.created_at, zone),
            paid_by_said({**money, "paid_by_group": paid_by_group(application, organisations)}),
            money_words(money["price"], currency),
            money["discount_code"],
            money_words(money["discount"], currency) if money["discount_code"] else "",
            money_words(money["bursary"], currency) if money["bursary"] else "",
            not_yet_asked_said(application.status.value)
            or left_said(application.status.value, money["left_to_pay"], currency),
            money_words(money["amount_paid"], currency),
            money_words(money["amount_refunded"], currency),
            invoice_said(invoice, zone) if invoice else "",
            money["po_number"],
            money["billing_name"],
            address_shown(money["billing_email"]),
            _place_in_line(application, positions),
            completion_words(course, application),
            place_disputed(application, zone, disputed),
            records_said(application.given_back, currency),
        ]
        multiline = {1 + ANSWER_FIELDS.index(field) for field in MULTILINE_ANSWERS}
        writer.writerow(
            [spreadsheet_safe(cell, multiline=n in multiline) for n, cell in enumerate(cells)]
        )
    return "\ufeff" + buffer.getvalue()


def place_disputed(
    application: Application, zone: str, groups_disputed: dict[str, GroupDisputesSaid] | None
) -> str:
    place = application.group_place
    group_id = place.group_id if place else None
    return place_disputes_said(
        application.disputes,
        group_id,
        zone,
        groups_disputed,
        application.payment_refunds,
        place_gone=application.enrolment_ended,
    )


def _place_in_line(application: Application, positions: dict[str, int]) -> str:
    """ "2" for the second on the waiting list (as read: a wait ended is no place in line)."""
    if application.status is not S.WAITLISTED:
        return ""
    return str(positions.get(application.application_id, ""))


def resend_confirmation(ports: Ports, application_id: str) -> Application:
    application = load_application(ports, application_id)
    if application.status is not S.CONFIRMED:
        raise Conflict(
            "only confirmed bookings have a confirmation to resend", code="not_confirmed"
        )
    if (refused := nobody_to_tell(application)) is not None:
        raise Conflict(refused.message, code=refused.code)
    now = ports.clock()
    again = application.model_copy(update={"updated_at": now}).with_emails(
        EmailJob.about(
            EmailKind.BOOKING_CONFIRMED,
            application_id,
            application.course_id,
            occasion=f"resend-{int(now.timestamp())}",
        )
    )
    try:
        return ports.repository.save(again, application)
    except StaleWrite as exc:
        raise concurrent_update() from exc
