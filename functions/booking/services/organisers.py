"""Organiser use cases that read or rewrite people's data: the roster, export and erasure."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import WITHDRAWN_BY_ERASURE, Application, ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, NotFound, StaleWrite
from booking.domain.money import Money
from booking.domain.settlement import closing
from booking.domain.wording import (
    ANSWER_FIELDS,
    FIELD_NAMES,
    invoice_words,
    moment_when,
    money_words,
    status_with_reason,
)
from booking.services.concurrency import concurrent_update, load_application, retried
from booking.services.ports import Ports
from booking.services.settle import clean_up
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
S = ApplicationStatus


def roster(ports: Ports, course_id: str) -> list[dict[str, Any]]:
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    rows = []
    for application in sorted(
        ports.repository.list_applications(course_id),
        key=lambda a: (a.created_at, a.application_id),
    ):
        rows.append(
            {
                "application_id": application.application_id,
                "reference": application.reference or "",
                "status": application.status.value,
                "created_at": _iso(application.created_at),
                **application.answers.model_dump(),
                **money_of(application, course.definition.price),
            }
        )
    return rows


def money_of(application: Application, course_price: Money) -> dict[str, Any]:
    """One application's money, in minor units: what the place cost, what a discount and a
    bursary took off, what is due, what was paid and refunded; and the invoice, if any."""
    price = application.price_or(course_price)
    due = application.amount_due(course_price)
    after_bursary = max(price.amount - application.bursary, 0)
    invoice, billing = application.invoice, application.billing
    return {
        "amount_paid": application.money_received,
        "amount_refunded": application.money_returned,
        "currency": price.currency,
        "payment_method": application.payment_method.value,
        "price": price.amount,
        "discount_code": application.discount.code if application.discount else "",
        "discount": after_bursary - due,
        "bursary": min(application.bursary, price.amount),
        "amount_due": due,
        "invoice_number": (invoice.number or invoice.invoice_id) if invoice else "",
        "invoice_status": invoice.status if invoice else "",
        "invoice_due_at": _iso(invoice.due_at) if invoice else "",
        "po_number": billing.po_number if billing else "",
        "billing_name": billing.billing_name if billing else "",
        "billing_email": billing.billing_email if billing else "",
    }


# Statuses whose money counts in a course's totals: booked (or being paid for).
BOOKED = frozenset({S.CONFIRMED, S.AWAITING_INVOICE_PAYMENT})


def money_totals(ports: Ports, course_id: str) -> dict[str, Any]:
    """A course's money at a glance: places booked, list price, discounts and bursaries given,
    what is due, what was paid and refunded, and what open invoices still owe."""
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    course_price = course.definition.price
    counts: dict[str, int] = {
        "confirmed": 0,
        "awaiting_invoice_payment": 0,
        "price": 0,
        "discounts": 0,
        "bursaries": 0,
        "due": 0,
        "paid": 0,
        "refunded": 0,
        "invoiced_unpaid": 0,
        "funded_places": 0,
    }
    totals = counts
    for application in ports.repository.list_applications(course_id):
        money = money_of(application, course_price)
        totals["paid"] += application.money_received
        totals["refunded"] += application.money_returned
        if application.status not in BOOKED:
            continue
        totals[application.status.value] += 1
        totals["price"] += money["price"]
        totals["discounts"] += money["discount"]
        totals["bursaries"] += money["bursary"]
        totals["due"] += money["amount_due"]
        if application.fully_funded(course_price):
            totals["funded_places"] += 1
        if application.status is S.AWAITING_INVOICE_PAYMENT:
            totals["invoiced_unpaid"] += money["amount_due"]
    totals["net"] = totals["paid"] - totals["refunded"]
    return {"course_id": course_id, "currency": course_price.currency, **totals}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _spreadsheet_safe(value: object) -> str:
    """Neutralise formula injection: a cell starting with = + - @ (or a tab or CR) would be run
    as a formula by Excel; a leading apostrophe makes it text, as OWASP recommends."""
    text = str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
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
    "To pay",
    "Paid",
    "Refunded",
    "Invoice",
    FIELD_NAMES["po_number"],
    FIELD_NAMES["billing_name"],
    FIELD_NAMES["billing_email"],
)
PAID_BY = {"card": "Card", "invoice": "Invoice to the employer"}


def roster_csv(ports: Ports, course_id: str) -> str:
    """The roster in people's words, as UTF-8 CSV with a byte-order mark (so Excel opens names
    with accents correctly), every cell safe from formula injection."""
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    zone = course.definition.timezone
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_CSV_COLUMNS)
    for application in sorted(
        ports.repository.list_applications(course_id),
        key=lambda a: (a.created_at, a.application_id),
    ):
        money = money_of(application, course.definition.price)
        currency = money["currency"]
        invoice = application.invoice
        invoice_said = (
            invoice_words(
                money["invoice_number"],
                invoice.amount_due,
                invoice.currency,
                invoice.status,
                invoice.due_at,
                zone,
            )
            if invoice
            else ""
        )
        cells = [
            application.reference or application.application_id,
            *(getattr(application.answers, field) for field in ANSWER_FIELDS),
            status_with_reason(application.status.value, application.status_reason),
            moment_when(application.created_at, zone),
            PAID_BY[money["payment_method"]],
            money_words(money["price"], currency),
            money["discount_code"],
            money_words(money["discount"], currency) if money["discount_code"] else "",
            money_words(money["bursary"], currency) if money["bursary"] else "",
            money_words(money["amount_due"], currency),
            money_words(money["amount_paid"], currency),
            money_words(money["amount_refunded"], currency),
            invoice_said,
            money["po_number"],
            money["billing_name"],
            money["billing_email"],
        ]
        writer.writerow([_spreadsheet_safe(cell) for cell in cells])
    return "\ufeff" + buffer.getvalue()


def resend_confirmation(ports: Ports, application_id: str) -> Application:
    application = load_application(ports, application_id)
    if application.status is not S.CONFIRMED:
        raise Conflict(
            "only confirmed bookings have a confirmation to resend", code="not_confirmed"
        )
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


def person_applications(ports: Ports, email: str) -> list[Application]:
    return ports.repository.applications_of_person(email)


def export_person(ports: Ports, email: str) -> dict[str, Any]:
    applications = person_applications(ports, email)
    if not applications:
        raise NotFound("no data is held about this email address")
    return {
        "email": email,
        "applications": [
            {
                "application_id": a.application_id,
                "reference": a.reference,
                "course_id": a.course_id,
                "status": a.status.value,
                "created_at": a.created_at.isoformat().replace("+00:00", "Z"),
                "answers": a.answers.model_dump(),
                # Who pays is about this person too: the billing contact they gave, the
                # invoice sent for them, their code and bursary.
                "payment_method": a.payment_method.value,
                "billing": a.billing.model_dump(mode="json") if a.billing else None,
                "invoice": {
                    "invoice_id": a.invoice.invoice_id,
                    "number": a.invoice.number,
                    "status": a.invoice.status,
                    "due_at": a.invoice.due_at.isoformat().replace("+00:00", "Z"),
                    "amount_due": a.invoice.amount_due,
                }
                if a.invoice
                else None,
                "discount_code": a.discount.code if a.discount else None,
                "bursary": a.bursary,
                "amount_paid": a.money_received,
                "amount_refunded": a.money_returned,
            }
            for a in applications
        ],
    }


def erase_person(ports: Ports, email: str) -> dict[str, Any]:
    """Replace the person's name, email and answers everywhere; keep the anonymised money trail
    (amounts, Stripe payment id, status) that bookkeeping must retain. What was still on its
    way is withdrawn: its checkout expired, its invoice voided (and Stripe's answer recorded),
    its seat offered to the next in line."""
    applications = person_applications(ports, email)
    if not applications:
        raise NotFound("no data is held about this email address")
    erased_ids = []
    freed: set[str] = set()
    for application in applications:
        erased_ids.append(application.application_id)
        before, saved = _erase_one(ports, application)
        if before is None or saved is None or before.status not in WITHDRAWN_BY_ERASURE:
            continue
        clean_up(ports, saved, closing(before, ports.clock()))
        if before.seat_held:
            freed.add(before.course_id)
    ports.repository.forget_person(email, erased_ids)
    for course_id in freed:
        offer_free_places(ports, course_id)  # the withdrawn seats move on at once
    logger.info("person erased", extra={"applications": erased_ids})
    return {"erased_applications": erased_ids}


def _erase_one(
    ports: Ports, application: Application
) -> tuple[Application | None, Application | None]:
    """Erase one application: it as it was just before, and as stored after (None, None if it
    had gone)."""
    first: Application | None = application

    def erase(current: Application | None) -> tuple[Application | None, Application | None]:
        if current is None:  # gone meanwhile (retention): nothing left to erase
            return None, None
        return current, ports.repository.save(current.erased(ports.clock()), current)

    return retried(
        erase, lambda: ports.repository.get_application(application.application_id), first=first
    )
