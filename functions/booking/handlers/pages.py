"""HTML pages for people using a browser: the application form and the status page.

Jinja2 with autoescaping: every value an applicant typed is escaped on the way out, and
``StrictUndefined`` turns a template mistake into a test failure instead of a blank.

The pages work without JavaScript: the form posts as a plain HTML form, errors come back beside
their fields with a summary at the top (focused with ``autofocus``), and the status page reads
the ``checkout=success|cancelled`` flag the system appends to Stripe's return URLs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from booking.domain.addresses import CANNOT_DELIVER
from booking.domain.application import PAYABLE_STATUSES, answer_limits
from booking.domain.course import Course, SessionKind
from booking.domain.money import Money
from booking.domain.standing import Facts, standing
from booking.domain.wording import (
    FIELD_NAMES,
    course_name,
    day_when,
    moment_when,
    money_words,
    session_when,
)
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
    """A question on the form; its name is the glossary's (``domain.wording.FIELD_NAMES``), the
    one the emails, the console and the roster use, so a field is called the same everywhere."""

    name: str
    hint: str = ""
    multiline: bool = False
    required: bool = True
    input_type: str = "text"
    autocomplete: str = "off"
    missing: str = ""  # what to ask for when the field is left empty

    @property
    def name_said(self) -> str:
        return FIELD_NAMES[self.name]

    @property
    def label(self) -> str:
        return self.name_said if self.required else f"{self.name_said} (optional)"

    @property
    def max_length(self) -> int:
        return _LIMITS[self.name]


APPLICATION_FIELDS = (
    FormField("name", autocomplete="name", missing="Enter your full name"),
    FormField(
        "email",
        "We will send your confirmation, the joining link and reminders here.",
        input_type="email",
        autocomplete="email",
        missing="Enter your email address",
    ),
    FormField("job_title", autocomplete="organization-title", missing="Enter your job title"),
    FormField(
        "organisation",
        "For example, the NHS trust, practice or service you work for.",
        autocomplete="organization",
        missing="Enter the organisation you work for",
    ),
    FormField(
        "leadership_role",
        "What do you lead? For example a team, a service or a programme of work. A few "
        "sentences is plenty.",
        multiline=True,
        missing="Tell us what you lead",
    ),
    FormField(
        "motivation",
        "Why would you like to join this course, and what do you hope to get from it? There "
        "are no right or wrong answers.",
        multiline=True,
        missing="Tell us why you would like to join this course",
    ),
    FormField(
        "accessibility_needs",
        "Anything that would help you take part fully, such as captions or breaks.",
        multiline=True,
        required=False,
    ),
)

# Shown when the course may be paid by invoice: what an accounts department needs.
BILLING_FIELDS = (
    FormField(
        "billing_name",
        "As the invoice should be addressed, for example St Elsewhere NHS Foundation Trust.",
        autocomplete="organization",
        missing="Enter the name the invoice should be addressed to",
    ),
    FormField(
        "billing_email",
        "Where the invoice is sent, usually your accounts payable team.",
        input_type="email",
        autocomplete="email",
        missing="Enter the email address the invoice should go to",
    ),
    FormField(
        "billing_address",
        "The postal address for the invoice.",
        multiline=True,
        autocomplete="street-address",
        missing="Enter the billing address",
    ),
    FormField(
        "po_number",
        "Printed on the invoice so your accounts team can match it.",
        required=False,
        missing="Enter your organisation's purchase order number",
    ),
)
DISCOUNT_FIELD = FormField("discount_code", "If you have been given one.", required=False)

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
        return f"{field.name_said} must be {field.max_length:,} characters or fewer"
    if name in ("email", "billing_email"):
        return "Enter an email address in the correct format, like name@example.nhs.uk"
    return f"{field.name_said}: {reason}"


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


def _sessions(course: Course, kind: SessionKind | None = None) -> list[dict[str, str]]:
    definition = course.definition
    return [
        {"title": s.title, "when": session_when(s, definition.timezone)}
        for s in course.schedule
        if kind is None or s.kind is kind
    ]


def _paragraphs(text: str | None) -> list[str]:
    """Plain text as the organiser typed it: a blank line starts a new paragraph (each is
    escaped by the template; single line breaks are kept by CSS)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def course_facts(course: Course) -> dict[str, Any]:
    """What the course page shows about a course, from its definition: one place for the form
    and the list of courses."""
    definition = course.definition
    core = [s for s in course.schedule if s.kind is SessionKind.CORE]
    return {
        "title": definition.title,
        "organisation": definition.organisation or "",
        "overview": _paragraphs(definition.overview),
        "audience": _paragraphs(definition.audience),
        "location": definition.location or ("Online" if definition.joining_url else ""),
        "price": definition.price.display(),
        "core_sessions": _sessions(course, SessionKind.CORE),
        "follow_ups": _sessions(course, SessionKind.FOLLOW_UP),
        "first": session_when(core[0], definition.timezone) if core else "",
        # Names and bios only: a facilitator's address receives every applicant's answers.
        "facilitators": [
            {"name": name, "bio": bio or ""} for name, bio in definition.public_facilitators()
        ],
        "enquiries_email": str(definition.enquiries_email or ""),
    }


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
            course=course_facts(course),
            status=course.status(now).value,
            places_left=course.places_left,
            capacity=definition.capacity,
            approval_required=definition.approval_required,
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


def courses_page(courses: list[Course], now: datetime, base_url: str) -> str:
    """The courses people can still apply for (open, or full with a waiting list)."""
    listed = [
        {
            **course_facts(course),
            "course_id": course.course_id,
            "name": course_name(
                course.definition.title, course.first_start(), course.definition.timezone
            ),
            "status": course.status(now).value,
            "places_left": course.places_left,
            "apply_url": f"{base_url}/courses/{quote(course.course_id)}/apply",
        }
        for course in courses
        if course.accepts_applications(now)
    ]
    # Cohorts are told apart by their first day; two with the same title and first day (one
    # definition loaded twice) are told apart by their course id rather than look the same.
    names = Counter(course["name"] for course in listed)
    for course in listed:
        course["twin"] = names[course["name"]] > 1
    # The header names the centre when every course listed is run by the same one.
    organisations = {course["organisation"] for course in listed}
    organisation = organisations.pop() if len(organisations) == 1 else ""
    return (
        environment()
        .get_template("pages/courses.html")
        .render(courses=listed, organisation=organisation)
    )


PAYABLE = frozenset(status.value for status in PAYABLE_STATUSES)
# The flag the system appends to Stripe's return URLs, read with the application's status.
_CONFIRMING = (
    "Thank you, we are confirming your payment",
    "This usually takes a few seconds. We will email you as soon as your place is confirmed,"
    " so you can safely close this page.",
)
_AFTER_CHECKOUT = {
    ("success", "awaiting_payment"): _CONFIRMING,
    ("success", "offered"): _CONFIRMING,
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
    """The applicant's page. What it says comes from ``domain.standing`` (one wording for the
    page and the emails) and what it offers from the view's decisions (``can_pay``, the hold's
    end), made by the domain, so the page never offers what the service would refuse."""
    definition = course.definition
    timezone = definition.timezone
    to_pay = (
        money_words(view.left_to_pay, definition.price.currency)
        if view.left_to_pay
        else definition.price.display()
    )
    words = standing(_facts(view, to_pay, timezone))
    headline, explanation, tone = words.headline, words.explanation, words.tone
    # Back from Stripe: say what just happened, unless the payment is already settling.
    after = None if view.payment_pending else _AFTER_CHECKOUT.get((checkout_flag, view.status))
    if after is not None:
        headline, explanation = after
    # Back from paying for an application that could be paid: the payment is on its way.
    confirming = checkout_flag == "success" and view.status in PAYABLE

    if confirming and not view.payment_pending:
        tone = "info"
    restart_label = (
        "Start payment again" if view.status == "expired" else f"Pay {to_pay} and book your place"
    )
    dated = view.status in ("confirmed", "pending_review")
    return (
        environment()
        .get_template("pages/status.html")
        .render(
            course_title=course_name(definition.title, course.first_start(), timezone),
            organisation=definition.organisation or "",
            headline=headline,
            explanation=explanation,
            tone=tone,
            status=view.status,
            reference=view.reference or view.application_id,
            checkout_url=None if confirming else view.checkout_url,
            check_again_url=f"{view.status_url}&checkout=success"
            if confirming and not view.payment_pending
            else "",
            price=to_pay,
            can_restart_checkout=view.can_pay and not confirming and not view.checkout_url,
            restart_action=restart_action,
            restart_label=restart_label,
            sessions=_sessions(course, SessionKind.CORE) if dated else [],
            follow_ups=_sessions(course, SessionKind.FOLLOW_UP) if dated else [],
            enquiries_email=str(definition.enquiries_email or ""),
            invoice_url=view.invoice_url or "",
            can_request_invoice=view.can_request_invoice and not confirming,
            invoice_action=invoice_action,
            money=_money_lines(view, definition.price),
        )
    )


def _facts(view: ApplicationView, to_pay: str, timezone: str) -> Facts:
    return Facts(
        status=view.status,
        reason=view.status_reason,
        payment_pending=view.payment_pending,
        paid=view.amount_paid,
        booked=view.was_booked,
        nothing_to_pay=view.amount_due == 0,
        can_pay=view.can_pay,
        checkout_open=bool(view.checkout_url),
        price=to_pay,
        held_until=_when(view.hold_expires_at, timezone),
        offer_until=_when(view.offer_expires_at, timezone),
        waitlist_position=view.waitlist_position,
        invoice_due=day_when(_instant(view.invoice_due_at), timezone)
        if view.invoice_due_at
        else None,
    )


def _when(iso: str | None, timezone: str) -> str | None:
    return moment_when(_instant(iso), timezone) if iso else None


def _money_lines(view: ApplicationView, course_price: Money) -> list[tuple[str, str]]:
    """The place's price with what a bursary and a code take off, when either does."""
    price = view.price or course_price
    reduced = view.bursary or view.discount_code
    if view.amount_due is None or view.left_to_pay is None or not reduced:
        return []
    lines = [("Price", price.display())]
    if view.bursary:
        lines.append(("Bursary", money_words(-view.bursary, price.currency)))
    if view.discount_code:
        off = price.amount - view.bursary - view.amount_due
        lines.append(
            (
                f"{FIELD_NAMES['discount_code']} {view.discount_code}",
                money_words(-off, price.currency),
            )
        )
    left = view.left_to_pay
    lines.append(("Left to pay", money_words(left, price.currency) if left else "Nothing"))
    return lines


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
# What a person can do next, after what happened.
_NEXT_STEPS = {
    404: "Check the address you typed. If you followed a link from one of our emails, the "
    "link in our most recent email always leads to your application.",
    409: "Your application's page shows where things stand now: the link is in every email "
    "we have sent you.",
    413: "Go back, shorten your answers and send the form again.",
    415: "Go back and send the form again from its page.",
    422: "Go back, check the answers marked and send the form again.",
    503: "Nothing you sent has been lost. Wait a few minutes, then try again.",
}


# Refusals a person can act on get a heading that says what happened, not just "could not".
_CODE_HEADINGS = {
    "already_applied": "You have already applied for this course",
    "course_closed": "Applications for this course are closed",
    "offer_lapsed": "This offer has lapsed",
}
_CODE_NEXT_STEPS = {
    "already_applied": "We have emailed the address you gave with where your application "
    "stands and the link to its page.",
    "course_closed": "The courses page lists the courses taking applications now.",
    "offer_lapsed": "Your application's page says whether a place can still be booked: the "
    "link is in every email we have sent you.",
}


def error_page(status: int, code: str, message: str) -> str:
    """A plain page for a browser that hit an error: what happened and what to do next (the
    same facts as the JSON answer, without its code)."""
    heading = _CODE_HEADINGS.get(code) or _ERROR_HEADINGS.get(status, "Something went wrong")
    explanation = f"{message[:1].upper()}{message[1:]}." if message else ""
    next_step = _CODE_NEXT_STEPS.get(code) or _NEXT_STEPS.get(
        status, "Nothing has been changed. Please try again in a few minutes."
    )
    return (
        environment()
        .get_template("pages/error.html")
        .render(heading=heading, explanation=explanation, next_step=next_step)
    )
