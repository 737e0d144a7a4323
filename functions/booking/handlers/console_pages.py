"""The console's HTML: Jinja templates under ``templates/pages/console``, in the look of the
public pages (the same base template), working without JavaScript.

Every value is escaped by Jinja's autoescaping; this module turns the read models of
``booking.services.console`` into the plain words and figures the templates show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, CourseStatus, Money
from booking.domain.emails import EmailKind
from booking.domain.timeline import EntryKind, TimelineEntry
from booking.domain.wording import moment_when
from booking.handlers.course_form import CourseForm
from booking.handlers.pages import environment
from booking.services.console import ApplicationDetail, CourseApplications, CourseSummary
from booking.services.mailer import ANSWER_LABELS

STATUS_WORDS = {
    "pending_review": "Pending review",
    "declined": "Declined",
    "awaiting_payment": "Awaiting payment",
    "awaiting_invoice_payment": "Awaiting invoice payment",
    "confirmed": "Confirmed",
    "expired": "Payment not completed",
    "waitlisted": "Waiting list",
    "offered": "Place offered",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
}
COURSE_STATUS_WORDS = {
    CourseStatus.OPEN: "Open",
    CourseStatus.FULL: "Full",
    CourseStatus.CLOSED: "Closed",
}
EMAIL_WORDS = {
    EmailKind.APPLICATION_RECEIVED: "Application received",
    EmailKind.FACILITATOR_COPY: "Facilitators' copy of the application",
    EmailKind.BOOKING_CONFIRMED: "Booking confirmed, with the calendar file",
    EmailKind.CHECKOUT_EXPIRED: "Payment not completed",
    EmailKind.PAYMENT_REFUNDED: "Payment refunded",
    EmailKind.SESSION_REMINDER: "Session reminder",
    EmailKind.FOLLOW_UP_INVITATION: "Follow-up invitation",
    EmailKind.WAITLISTED: "On the waiting list",
    EmailKind.OFFER: "A place is offered, with a link to pay",
    EmailKind.DECLINED: "Application declined",
    EmailKind.CANCELLED: "Booking cancelled",
    EmailKind.SESSIONS_CHANGED: "Session dates changed, with the new calendar file",
    EmailKind.ALREADY_APPLIED: "Applied again: told where the application stands",
    EmailKind.INVOICE_SENT: "The employer has been invoiced",
    EmailKind.INVOICE_ENDED: "The invoice no longer holds the place",
    EmailKind.BURSARY_GRANTED: "A bursary was granted, with what is left to pay",
}
REASON_WORDS = {
    "expired": "checkout expired",
    "offer_lapsed": "offer lapsed",
    "course_full": "paid when the course was full",
    "refund_requested": "with a refund",
    "refunded": "refunded in full",
    "cancelled_and_refunded": "cancelled and refunded",
    "duplicate_payment": "a second payment",
    "failed": "payment failed",
    "erased": "personal data erased",
    "invoice_voided": "invoice voided",
    "invoice_uncollectible": "invoice uncollectible",
    "invoice_overdue": "invoice not paid by its due date",
    "invoice_replaced": "paid on a replaced invoice",
    "amount_mismatch": "paid an amount not asked for",
    "invoice_not_issued": "a replacement invoice could not be made",
    "funded": "funded by a bursary",
    "nothing_to_pay": "nothing left to pay (a discount code, or a code and a bursary)",
    "application_cancelled": "paid after it was cancelled",
    "application_declined": "paid after it was declined",
    "application_pending_review": "paid before it was reviewed",
    "application_awaiting_invoice_payment": "paid by card while invoiced",
}
DONE_WORDS = {
    "approved": "Approved. The applicant has been emailed.",
    "declined": "Declined. The applicant has been emailed.",
    "cancelled": "Cancelled. The applicant has been emailed.",
    "resent": "The confirmation is on its way to the applicant again.",
    "funded": "Bursary granted. The applicant has been emailed.",
    "invoice_resent": "Stripe is sending the invoice to the billing contact again.",
    "invoice_voided": "Invoice voided. The place has gone back to the course.",
}
INVOICE_STATUS_WORDS = {
    "open": "open, waiting to be paid",
    "paid": "paid",
    "void": "voided",
    "uncollectible": "marked uncollectible",
    "overdue": "not paid by its due date",
}
FORM_LABELS = {
    "course_id": "Course id",
    "title": "Title",
    "programme": "Programme",
    "price": "Price",
    "currency": "Currency",
    "capacity": "Places",
    "offer_valid_hours": "Hours an offered place is held",
    "timezone": "Timezone",
    "enquiries_email": "Enquiries address",
    "joining_url": "Joining link",
    "reminder_offsets_hours": "Reminders",
    "decline_message": "Message for declined applicants",
    "organisation": "Organisation",
    "overview": "Overview",
    "audience": "Who it is for",
    "location": "Where",
    "invoice_due_days": "Days an invoice has to be paid in",
    "invoice_due_before_start_days": "Days before the first session an invoice falls due",
    "sessions": "Sessions",
}


@dataclass(frozen=True)
class Chrome:
    """What every console page's frame needs: whether to show the menu, and the CSRF token
    its sign-out form (and every other form) carries."""

    signed_in: bool
    csrf_token: str = ""


def money(amount: int, currency: str) -> str:
    if amount <= 0:
        return Money(amount=1, currency=currency).display().replace("0.01", "0.00")
    return Money(amount=amount, currency=currency).display()


def _render(template: str, chrome: Chrome, **values: Any) -> str:
    page: str = (
        environment()
        .get_template(f"pages/console/{template}")
        .render(chrome=chrome, status_words=STATUS_WORDS, **values)
    )
    return page


def _dates(course: Course) -> str:
    schedule = course.schedule
    zone = course.definition.timezone
    first, last = schedule[0], schedule[-1]
    first_day = moment_when(first.start, zone).split(" at ")[0]
    if len(schedule) == 1:
        return first_day
    last_day = moment_when(last.start, zone).split(" at ")[0]
    return f"{first_day} to {last_day} ({len(schedule)} sessions)"


def sign_in_page(next_path: str, errors: dict[str, str] | None = None) -> str:
    return _render("sign_in.html", Chrome(False), next_path=next_path, errors=errors or {})


def signed_out_page() -> str:
    return _render("signed_out.html", Chrome(False))


_ERROR_HEADINGS = {
    401: "Please sign in",
    403: "That was refused",
    404: "We could not find that",
    409: "We could not do that",
    422: "Something needs attention",
    503: "Please try again in a moment",
}


def error_page(chrome: Chrome, status: int, code: str, message: str) -> str:
    return _render(
        "error.html",
        chrome,
        heading=_ERROR_HEADINGS.get(status, "Something went wrong"),
        explanation=f"{message[:1].upper()}{message[1:]}." if message else "",
        code=code,
    )


def home_page(chrome: Chrome, summaries: list[CourseSummary]) -> str:
    rows = []
    for s in summaries:
        currency = s.course.definition.price.currency
        rows.append(
            {
                "course_id": s.course.course_id,
                "title": s.course.definition.title,
                "dates": _dates(s.course),
                "status": COURSE_STATUS_WORDS[s.status],
                "seats_taken": s.course.seats_taken,
                "capacity": s.course.definition.capacity,
                "holds": s.holds,
                "waiting": s.waiting,
                "pending_review": s.pending_review,
                "taken": money(s.taken, currency),
                "refunded": money(s.refunded, currency),
            }
        )
    return _render("home.html", chrome, courses=rows)


def _row(application: Application, course: Course) -> dict[str, Any]:
    zone = course.definition.timezone
    return {
        "application_id": application.application_id,
        "reference": application.reference or application.application_id[:8],
        "course_id": application.course_id,
        "name": application.answers.name,
        "email": application.answers.email,
        "status": application.status.value,
        "applied": moment_when(application.created_at, zone),
        "paid": money(application.amount_paid, course.definition.price.currency),
    }


def course_page(
    chrome: Chrome, listing: CourseApplications, now: datetime, errors: dict[str, str]
) -> str:
    course = listing.course
    definition = course.definition
    total = sum(listing.counts.values())
    options = [("", f"Any status ({total})")] + [
        (s.value, f"{STATUS_WORDS[s.value]} ({listing.counts[s]})")
        for s in ApplicationStatus
        if listing.counts[s] or s is listing.status
    ]
    return _render(
        "course.html",
        chrome,
        course_id=course.course_id,
        title=definition.title,
        dates=_dates(course),
        status=COURSE_STATUS_WORDS[course.status(now)],
        approval_required=definition.approval_required,
        seats_taken=course.seats_taken,
        capacity=definition.capacity,
        places_left=course.places_left,
        price=definition.price.display(),
        status_options=options,
        selected_status=listing.status.value if listing.status else "",
        query=listing.query,
        filtered=bool(listing.status or listing.query),
        shown=len(listing.applications),
        total=total,
        applications=[_row(a, course) for a in listing.applications],
        errors=errors,
    )


def timeline_text(entry: TimelineEntry, currency: str) -> str:
    """One entry of an application's history in plain words."""
    if entry.kind is EntryKind.STATUS and entry.status is not None:
        reached = STATUS_WORDS[entry.status.value]
        why = f" ({REASON_WORDS.get(entry.reason, entry.reason)})" if entry.reason else ""
        if entry.previous_status is None:
            return f"Application received: {reached.lower()}{why}"
        return f"Status: {STATUS_WORDS[entry.previous_status.value]} → {reached}{why}"
    if entry.kind is EntryKind.PAYMENT:
        return f"Payment received: {money(entry.amount or 0, currency)}"
    if entry.kind is EntryKind.REFUND:
        return f"Refunded: {money(entry.amount or 0, currency)}"
    if entry.kind is EntryKind.EMAIL and entry.email is not None:
        if entry.email is EmailKind.FACILITATOR_COPY:
            audience = f"to {entry.recipients} facilitator{'s' if entry.recipients != 1 else ''}"
        elif entry.email is EmailKind.INVOICE_ENDED and (entry.recipients or 0) > 1:
            audience = "to the applicant and the billing contact"
        else:
            audience = "to the applicant"
        return f"Email sent {audience}: {EMAIL_WORDS[entry.email]}"
    return "Personal data erased on request"


def _payment_facts(application: Application, price: Money, zone: str) -> list[tuple[str, str]]:
    """How the place is paid for, beyond the card: the invoice, a bursary, a code."""
    facts: list[tuple[str, str]] = []
    own_price = application.price_or(price)
    currency = own_price.currency
    if application.bursary:
        facts.append(("Bursary", money(application.bursary, currency)))
    if application.discount:
        facts.append(("Discount code", application.discount.code))
    if application.bursary or application.discount:
        due = application.amount_due(price)
        facts.append(("Left to pay", money(due, currency) if due else "nothing"))
    invoice, billing = application.invoice, application.billing
    if invoice is not None:
        facts.append(("Invoice", invoice.number or invoice.invoice_id))
        facts.append(("Invoice status", INVOICE_STATUS_WORDS.get(invoice.status, invoice.status)))
        facts.append(("Invoice due", moment_when(invoice.due_at, zone)))
        facts.append(("Invoiced", money(invoice.amount_due, invoice.currency)))
    if billing is not None and not application.is_erased:
        facts.append(("Billed to", f"{billing.billing_name} <{billing.billing_email}>"))
        if billing.po_number:
            facts.append(("Purchase order", billing.po_number))
    return facts


def application_page(
    chrome: Chrome,
    detail: ApplicationDetail,
    *,
    done: str = "",
    problem: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    application, course = detail.application, detail.course
    definition = course.definition
    zone, currency = definition.timezone, definition.price.currency
    deadline = application.hold_lapses_at()
    return _render(
        "application.html",
        chrome,
        application_id=application.application_id,
        reference=application.reference or application.application_id,
        name=application.answers.name,
        email="" if application.is_erased else application.answers.email,
        status=application.status.value,
        reason=REASON_WORDS.get(application.status_reason or "", application.status_reason),
        course_id=course.course_id,
        course_title=definition.title,
        applied=moment_when(application.created_at, zone),
        paid=money(application.amount_paid, currency),
        refunded=money(application.amount_refunded, currency),
        deadline=moment_when(deadline, zone) if deadline else "",
        payment=_payment_facts(application, definition.price, zone),
        answers=[
            {"label": label, "value": getattr(application.answers, key)}
            for key, label in ANSWER_LABELS
        ],
        timeline=[
            {
                "iso": entry.at.isoformat(),
                "when": moment_when(entry.at, zone),
                "text": timeline_text(entry, currency),
            }
            for entry in detail.timeline
        ],
        actions=detail.actions,
        refundable=money(detail.refundable, currency) if detail.refundable else "",
        offer_hours=definition.offer_valid_hours,
        done=DONE_WORDS.get(done, ""),
        problem=problem,
        values=values or {},
        errors=errors or {},
    )


def person_page(
    chrome: Chrome,
    email: str,
    applications: list[tuple[Application, Course | None]],
    errors: dict[str, str] | None = None,
) -> str:
    rows = [_person_row(a, c) for a, c in applications]
    return _render("person.html", chrome, email=email, applications=rows, errors=errors or {})


def _person_row(application: Application, course: Course | None) -> dict[str, Any]:
    if course is not None:
        return _row(application, course)
    return {
        "application_id": application.application_id,
        "reference": application.reference or application.application_id[:8],
        "course_id": application.course_id,
        "name": application.answers.name,
        "email": application.answers.email,
        "status": application.status.value,
        "applied": application.created_at.strftime("%d %B %Y"),
        "paid": str(application.amount_paid),
    }


def erase_page(
    chrome: Chrome,
    email: str,
    applications: list[Application],
    errors: dict[str, str] | None = None,
) -> str:
    return _render(
        "erase.html",
        chrome,
        email=email,
        count=len(applications),
        references=[a.reference or a.application_id for a in applications],
        errors=errors or {},
    )


def erased_page(chrome: Chrome, count: int) -> str:
    return _render("erased.html", chrome, count=count)


def course_form_page(
    chrome: Chrome,
    form: CourseForm,
    *,
    editing: bool,
    upload_course_id: str = "",
    upload_errors: dict[str, str] | None = None,
) -> str:
    return _render(
        "course_form.html",
        chrome,
        values=form.values,
        sessions=form.sessions,
        facilitators=form.facilitators,
        errors=form.errors,
        labels=_form_labels(form),
        editing=editing,
        upload_course_id=upload_course_id,
        upload_errors=upload_errors or {},
    )


def _form_labels(form: CourseForm) -> dict[str, str]:
    """How the error summary names each field, rows included ("Session 2, date")."""
    labels = dict(FORM_LABELS)
    for name in form.errors:
        parts = name.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            labels[name] = f"{parts[0].title()} {int(parts[1]) + 1}, {parts[2].replace('_', ' ')}"
    return labels
