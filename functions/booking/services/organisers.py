"""Organiser use cases that read or rewrite people's data: the roster, export and erasure."""

from __future__ import annotations

import csv
import io
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import WITHDRAWN_BY_ERASURE, Application, ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, DependencyUnavailable, NotFound, StaleWrite
from booking.services.concurrency import concurrent_update, load_application, retried
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
S = ApplicationStatus

ROSTER_COLUMNS = (
    "application_id",
    "reference",
    "status",
    "created_at",
    "name",
    "email",
    "job_title",
    "organisation",
    "leadership_role",
    "motivation",
    "accessibility_needs",
    "amount_paid",
    "amount_refunded",
    "currency",
)


def roster(ports: Ports, course_id: str) -> list[dict[str, Any]]:
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    currency = course.definition.price.currency
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
                "created_at": application.created_at.isoformat().replace("+00:00", "Z"),
                **application.answers.model_dump(),
                "amount_paid": application.amount_paid,
                "amount_refunded": application.amount_refunded,
                "currency": currency,
            }
        )
    return rows


def _spreadsheet_safe(value: object) -> str:
    """Neutralise formula injection: a cell starting with = + - @ (or a tab or CR) would be run
    as a formula by Excel; a leading apostrophe makes it text, as OWASP recommends."""
    text = str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def roster_csv(rows: list[dict[str, Any]]) -> str:
    """UTF-8 CSV with a byte-order mark, so Excel opens names with accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_COLUMNS)
    for row in rows:
        writer.writerow([_spreadsheet_safe(row[column]) for column in ROSTER_COLUMNS])
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
                "course_id": a.course_id,
                "status": a.status.value,
                "created_at": a.created_at.isoformat().replace("+00:00", "Z"),
                "answers": a.answers.model_dump(),
                "amount_paid": a.amount_paid,
                "amount_refunded": a.amount_refunded,
            }
            for a in applications
        ],
    }


def erase_person(ports: Ports, email: str) -> dict[str, Any]:
    """Replace the person's name, email and answers everywhere; keep the anonymised money trail
    (amounts, Stripe payment id, status) that bookkeeping must retain."""
    applications = person_applications(ports, email)
    if not applications:
        raise NotFound("no data is held about this email address")
    erased_ids = []
    freed: set[str] = set()
    for application in applications:
        before = _erase_one(ports, application)
        erased_ids.append(application.application_id)
        if before is not None and before.seat_held and before.status in WITHDRAWN_BY_ERASURE:
            freed.add(before.course_id)
            _expire_quietly(ports, before)
    ports.repository.forget_person(email, erased_ids)
    for course_id in freed:
        offer_free_places(ports, course_id)  # the withdrawn seats move on at once
    logger.info("person erased", extra={"applications": erased_ids})
    return {"erased_applications": erased_ids}


def _erase_one(ports: Ports, application: Application) -> Application | None:
    """Erase one application; returns it as it was just before (None if it had gone)."""
    first_read: list[Application | None] = [application]

    def erase() -> Application | None:
        current = (
            first_read.pop()
            if first_read
            else ports.repository.get_application(application.application_id)
        )
        if current is not None:  # gone meanwhile (retention): nothing left to erase
            ports.repository.save(current.erased(ports.clock()), current)
        return current

    return retried(erase)


def _expire_quietly(ports: Ports, withdrawn: Application) -> None:
    """An erased person's open checkout cannot be paid any more (if it is, the payment webhook
    finds the application cancelled and refunds it)."""
    if withdrawn.checkout is None or withdrawn.checkout.expires_at <= ports.clock():
        return
    try:
        ports.payments.expire_checkout(withdrawn.checkout.session_id)
    except (DependencyUnavailable, Conflict):
        logger.warning(
            "checkout of an erased application left to expire",
            extra={"application_id": withdrawn.application_id},
        )
