"""HTML pages for people using a browser: the application form and the status page.

Jinja2 with autoescaping: every value an applicant typed is escaped on the way out, and
``StrictUndefined`` turns a template mistake into a test failure instead of a blank.

The pages work without JavaScript: the form posts as a plain HTML form, errors come back beside
their fields with a summary at the top (focused with ``autofocus``), and the status page reads
the ``checkout=success|cancelled`` flag the system appends to Stripe's return URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from booking.domain.addresses import CANNOT_DELIVER
from booking.domain.application import answer_limits
from booking.domain.course import Course
from booking.domain.money import Money
from booking.domain.wording import moment_when, session_when
from booking.services.applications import ApplicationView


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("booking", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_LIMITS = answer_limits()


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    hint: str = ""
    multiline: bool = False
    required: bool = True
    input_type: str = "text"
    autocomplete: str = "off"
    missing: str = ""  # what to ask for when the field is left empty

    @property
    def max_length(self) -> int:
        return _LIMITS[self.name]


APPLICATION_FIELDS = (
    FormField("name", "Full name", autocomplete="name", missing="Enter your full name"),
    FormField(
        "email",
        "Email address",
        "We will send your confirmation, the joining link and reminders here.",
        input_type="email",
        autocomplete="email",
        missing="Enter your email address",
    ),
    FormField(
        "job_title",
        "Job title",
        autocomplete="organization-title",
        missing="Enter your job title",
    ),
    FormField(
        "organisation",
        "Organisation",
        "For example, the NHS trust, practice or service you work for.",
        autocomplete="organization",
        missing="Enter the organisation you work for",
    ),
    FormField(
        "leadership_role",
        "What do you lead?",
        "For example a team, a service or a programme of work. A few sentences is plenty.",
        multiline=True,
        missing="Tell us what you lead",
    ),
    FormField(
        "motivation",
        "Why would you like to join this course?",
        "What you hope to get from it. There are no right or wrong answers.",
        multiline=True,
        missing="Tell us why you would like to join this course",
    ),
    FormField(
        "accessibility_needs",
        "Access needs (optional)",
        "Anything that would help you take part fully, such as captions or breaks.",
        multiline=True,
        required=False,
    ),
)

# Shown when the course may be paid by invoice: what an accounts department needs.
BILLING_FIELDS = (
    FormField(
        "billing_name",
        "Organisation's legal name",
        "As the invoice should be addressed, for example St Elsewhere NHS Foundation Trust.",
        autocomplete="organization",
        missing="Enter the name the invoice should be addressed to",
    ),
    FormField(
        "billing_email",
        "Billing email address",
        "Where the invoice is sent, usually your accounts payable team.",
        input_type="email",
        autocomplete="email",
        missing="Enter the email address the invoice should go to",
    ),
    FormField(
        "billing_address",
        "Billing address",
        "The postal address for the invoice.",
        multiline=True,
        autocomplete="street-address",
        missing="Enter the billing address",
    ),
    FormField(
        "po_number",
        "Purchase order number",
        "Printed on the invoice so your accounts team can match it.",
        required=False,
        missing="Enter your organisation's purchase order number",
    ),
)
DISCOUNT_FIELD = FormField(
    "discount_code",
    "Discount code (optional)",
    "If you have been given one.",
    required=False,
)

CONSENT_LABEL = (
    "I agree that my answers are stored for this course and shared with its facilitators."
)
_FIELDS_BY_NAME = {
    field.name: field for field in (*APPLICATION_FIELDS, *BILLING_FIELDS, DISCOUNT_FIELD)
}


def friendly_error(name: str, reason: str, value: Any = None) -> str:
    """Turn a validation reason into a plain instruction saying how to put it right."""
    field = _FIELDS_BY_NAME.get(name)
    lowered = reason.lower()
    if name == "consent":
        return "Tick the box to agree to how we use your answers"
    if name == "website":
        return "Something went wrong sending the form. Please try again"
    if field is None:
        return reason[:1].upper() + reason[1:]
    left_empty = value is not None and not str(value).strip()
    if ("required" in lowered or left_empty) and field.missing:
        return field.missing
    if name == "discount_code" or (name == "payment_method" and "card" in lowered):
        return reason[:1].upper() + reason[1:]
    if name in ("email", "billing_email") and CANNOT_DELIVER in reason:
        # Well formed but undeliverable (an accented letter before the @): the reason says why
        # and what to do, which "check the format" would not.
        return reason[:1].upper() + reason[1:]
    if "at most" in lowered or ("too long" in lowered and name != "email"):
        return f"{field.label} must be {field.max_length:,} characters or fewer"
    if name in ("email", "billing_email"):
        return "Enter an email address in the correct format, like name@example.nhs.uk"
    return f"{field.label}: {reason}"


def _ordered_errors(errors: dict[str, str], values: dict[str, Any]) -> list[dict[str, str]]:
    """Errors in the order their fields appear on the page, each with a link target."""
    order = [
        *(field.name for field in APPLICATION_FIELDS),
        "payment_method",
        *(field.name for field in BILLING_FIELDS),
        DISCOUNT_FIELD.name,
        "consent",
    ]
    ranked = sorted(errors, key=lambda n: order.index(n) if n in order else len(order))
    return [
        {
            "name": name,
            "message": friendly_error(name, errors[name], values.get(name, "")),
            "href": f"#{name}" if name in order else "",
        }
        for name in ranked
    ]


def _sessions(course: Course) -> list[dict[str, str]]:
    definition = course.definition
    return [
        {"title": s.title, "when": session_when(s, definition.timezone)} for s in course.schedule
    ]


def apply_form(
    course: Course,
    now: datetime,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    definition = course.definition
    listed = _ordered_errors(errors or {}, values or {})
    return (
        environment()
        .get_template("pages/apply.html")
        .render(
            course=definition,
            status=course.status(now).value,
            price=definition.price.display(),
            places_left=course.places_left,
            capacity=definition.capacity,
            approval_required=definition.approval_required,
            sessions=_sessions(course),
            # Names and bios only: a facilitator's address receives every applicant's answers.
            facilitators=[
                {"name": name, "bio": bio or ""} for name, bio in definition.public_facilitators()
            ],
            enquiries_email=str(definition.enquiries_email or ""),
            action=action,
            fields=APPLICATION_FIELDS,
            invoice_allowed=definition.invoice_allowed,
            po_required=definition.po_required,
            billing_fields=BILLING_FIELDS,
            discount_field=DISCOUNT_FIELD,
            paying_by_invoice=(values or {}).get("payment_method") == "invoice",
            consent_label=CONSENT_LABEL,
            values=values or {},
            error_list=listed,
            errors={item["name"]: item["message"] for item in listed},
        )
    )


_HEADLINES = {
    "pending_review": (
        "Application received",
        "Thank you for applying. Our facilitators will read your application and email you"
        " soon. You do not need to pay anything yet.",
    ),
    "awaiting_payment": (
        "Your place is held for you",
        "Pay to confirm your place. We will email you as soon as it is confirmed.",
    ),
    "awaiting_invoice_payment": (
        "We have invoiced your organisation",
        "Your place is held for you until the invoice is paid. We will email you as soon as it"
        " is, with everything you need for the course.",
    ),
    "confirmed": (
        "Your place is confirmed",
        "Thank you for booking. We have emailed you the dates, the joining link and a calendar"
        " file. We look forward to meeting you.",
    ),
    "expired": (
        "Your payment was not completed",
        "We could not hold your place any longer, so it has been released. If places are still"
        " available you can start the payment again below.",
    ),
    "waitlisted": (
        "You are on the waiting list",
        "We will email you if a place becomes available.",
    ),
    "offered": ("A place is available for you", "Pay to accept the place we are holding for you."),
    "declined": (
        "We cannot offer you a place this time",
        "Thank you for applying. We have emailed you about our decision.",
    ),
    "cancelled": ("Booking cancelled", "Your booking has been cancelled."),
    "refunded": (
        "Payment refunded",
        "Your payment has been refunded. We have emailed you the details.",
    ),
}

# The flag the system appends to Stripe's return URLs, read with the application's status.
_AFTER_CHECKOUT = {
    ("success", "awaiting_payment"): (
        "Thank you, we are confirming your payment",
        "This usually takes a few seconds. We will email you as soon as your place is confirmed,"
        " so you can safely close this page.",
    ),
    ("success", "expired"): (
        "We are checking your payment",
        "Your payment reached us after your place stopped being held. If a place is free we"
        " will confirm it; if not, we will refund you in full. We will email you either way.",
    ),
    ("cancelled", "awaiting_payment"): (
        "You have not paid yet",
        "No money has been taken. Pay now to confirm your place, or leave it and the place"
        " will be released.",
    ),
    ("cancelled", "offered"): (
        "You have not paid yet",
        "No money has been taken. The place we offered you is still held for you for now.",
    ),
    ("cancelled", "expired"): (
        "Your payment was not completed",
        "No money has been taken and your place has been released. If places are still"
        " available you can start the payment again below.",
    ),
}


def status_page(
    view: ApplicationView,
    course: Course,
    restart_action: str,
    checkout_flag: str = "",
    invoice_action: str = "",
) -> str:
    """The applicant's page. What it offers comes from the view's decisions (``can_pay``, the
    hold's end), made by the domain, so the page never offers what the service would refuse."""
    definition = course.definition
    timezone = definition.timezone
    headline, explanation = _HEADLINES[view.status]
    after = _AFTER_CHECKOUT.get((checkout_flag, view.status))
    if after is not None:
        headline, explanation = after
    confirming = checkout_flag == "success" and view.status in ("awaiting_payment", "expired")
    if view.payment_pending:
        headline, explanation = _PAYMENT_PENDING
    checkout_url = None if confirming else view.checkout_url
    if view.hold_expires_at and view.status == "awaiting_payment" and not view.payment_pending:
        held_until = moment_when(_instant(view.hold_expires_at), timezone)
        explanation = f"{explanation} Your place is held for you until {held_until}."
    elif after is None and view.status == "awaiting_payment" and view.can_pay:
        explanation = "Payment has not started yet. Start it below to hold your place."
    if after is None and view.status == "offered" and view.offer_expires_at:
        deadline = moment_when(_instant(view.offer_expires_at), timezone)
        explanation = f"{explanation} We are holding it for you until {deadline}."
    if view.status == "awaiting_invoice_payment" and view.invoice_due_at:
        due = moment_when(_instant(view.invoice_due_at), timezone)
        explanation = f"{explanation} The invoice is due on {due}."
    if view.status == "waitlisted" and view.waitlist_position:
        explanation = f"You are number {view.waitlist_position} on the waiting list. {explanation}"
    to_pay = (
        _display(view.amount_due, definition.price)
        if view.amount_due
        else definition.price.display()
    )
    restart_label = (
        "Start payment again" if view.status == "expired" else f"Pay {to_pay} and book your place"
    )
    tone = {
        "confirmed": "success",
        "pending_review": "info",
        "waitlisted": "info",
        "declined": "neutral",
        "cancelled": "neutral",
        "refunded": "neutral",
        "awaiting_invoice_payment": "info",
    }.get(view.status, "warning")
    if confirming or view.payment_pending:
        tone = "info"
    return (
        environment()
        .get_template("pages/status.html")
        .render(
            course_title=definition.title,
            headline=headline,
            explanation=explanation,
            tone=tone,
            status=view.status,
            reference=view.application_id,
            checkout_url=checkout_url,
            check_again_url=f"{view.status_url}&checkout=success" if confirming else "",
            price=to_pay,
            can_restart_checkout=view.can_pay and not confirming and not view.checkout_url,
            restart_action=restart_action,
            restart_label=restart_label,
            sessions=_sessions(course) if view.status in ("confirmed", "pending_review") else [],
            enquiries_email=str(definition.enquiries_email or ""),
            invoice_url=view.invoice_url or "",
            can_request_invoice=view.can_request_invoice and not confirming,
            invoice_action=invoice_action,
            money=_money_lines(view, definition.price),
        )
    )


def _money_lines(view: ApplicationView, course_price: Money) -> list[tuple[str, str]]:
    """The place's price with what a bursary and a code take off, when either does."""
    price = view.price or course_price
    if view.amount_due is None or (not view.bursary and not view.discount_code):
        return []
    lines = [("Price", price.display())]
    if view.bursary:
        lines.append(("Bursary", f"-{_display(view.bursary, price)}"))
    if view.discount_code:
        off = price.amount - view.bursary - view.amount_due
        lines.append((f"Discount code {view.discount_code}", f"-{_display(off, price)}"))
    lines.append(("To pay", _display(view.amount_due, price) if view.amount_due else "Nothing"))
    return lines


def _display(amount: int, like: Money) -> str:
    return Money(amount=amount, currency=like.currency).display() if amount else "£0.00"


_PAYMENT_PENDING = (
    "Your payment is on its way",
    "Your bank is still processing the payment, which can take a few days for some payment"
    " methods. Your place is held for you meanwhile, and we will email you as soon as it is"
    " confirmed. There is nothing more you need to do.",
)


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


_ERROR_HEADINGS = {
    404: "We could not find that page",
    409: "We could not do that",
    413: "That was too much to send",
    415: "We could not read that",
    422: "Some answers need attention",
    503: "Please try again in a few minutes",
}


def error_page(status: int, code: str, message: str) -> str:
    """A plain page for a browser that hit an error (the same facts as the JSON answer)."""
    heading = _ERROR_HEADINGS.get(status, "Something went wrong")
    explanation = f"{message[:1].upper()}{message[1:]}." if message else ""
    return (
        environment()
        .get_template("pages/error.html")
        .render(heading=heading, explanation=explanation, code=code)
    )
