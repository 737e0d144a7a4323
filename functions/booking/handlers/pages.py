"""HTML pages for people using a browser: the application form and the status page.

Jinja2 with autoescaping: every value an applicant typed is escaped on the way out, and
``StrictUndefined`` turns a template mistake into a test failure instead of a blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from booking.domain.course import Course
from booking.domain.wording import session_when
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


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    max_length: int
    hint: str = ""
    multiline: bool = False
    required: bool = True
    input_type: str = "text"
    autocomplete: str = "off"


APPLICATION_FIELDS = (
    FormField("name", "Full name", 200, autocomplete="name"),
    FormField(
        "email",
        "Email address",
        254,
        "We will send your confirmation and reminders here.",
        input_type="email",
        autocomplete="email",
    ),
    FormField("job_title", "Job title", 200, autocomplete="organization-title"),
    FormField("organisation", "Organisation", 200, autocomplete="organization"),
    FormField(
        "leadership_role",
        "What do you lead?",
        4000,
        "For example a team, a service or a programme of work.",
        multiline=True,
    ),
    FormField("motivation", "Why are you applying?", 4000, multiline=True),
    FormField(
        "accessibility_needs",
        "Access needs (optional)",
        4000,
        "Anything that would help you take part fully.",
        multiline=True,
        required=False,
    ),
)


def apply_form(
    course: Course,
    now: datetime,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    definition = course.definition
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
            sessions=[
                {"title": s.title, "when": session_when(s, definition.timezone)}
                for s in course.schedule
            ],
            facilitators=[str(f) for f in definition.facilitators],
            enquiries_email=str(definition.enquiries_email or ""),
            action=action,
            fields=APPLICATION_FIELDS,
            values=values or {},
            errors=errors or {},
        )
    )


_HEADLINES = {
    "pending_review": (
        "Application received",
        "Our facilitators will read your application and email you soon.",
    ),
    "awaiting_payment": (
        "Your place is held for you",
        "Pay to confirm your place. We will email you as soon as it is confirmed.",
    ),
    "confirmed": (
        "Your place is confirmed",
        "Thank you. We have emailed you the dates, the joining link and a calendar file.",
    ),
    "expired": (
        "Your payment was not completed",
        "Your place was not held. If places are still available you can start again.",
    ),
    "waitlisted": (
        "You are on the waiting list",
        "We will email you if a place becomes available.",
    ),
    "offered": ("A place is available for you", "Pay to accept the place we are holding for you."),
    "declined": ("Application not accepted", "We have emailed you about our decision."),
    "cancelled": ("Booking cancelled", "Your booking has been cancelled."),
    "refunded": (
        "Payment refunded",
        "Your payment has been refunded. We have emailed you the details.",
    ),
}


def status_page(view: ApplicationView, course: Course, restart_action: str) -> str:
    headline, explanation = _HEADLINES[view.status]
    definition = course.definition
    if view.status == "awaiting_payment" and view.checkout_url is None:
        explanation = "Payment has not started yet. Start it below to hold your place."
    restartable = (
        view.status in ("expired", "awaiting_payment", "offered") and not view.checkout_url
    )
    if view.checkout_url and view.status == "awaiting_payment":
        explanation = f"{explanation} Your place is held for 30 minutes from when you applied."
    return (
        environment()
        .get_template("pages/status.html")
        .render(
            course_title=definition.title,
            headline=headline,
            explanation=explanation,
            checkout_url=view.checkout_url,
            price=definition.price.display(),
            can_restart_checkout=restartable
            and course.status(datetime.now(ZoneInfo("UTC"))).value != "closed",
            restart_action=restart_action,
            enquiries_email=str(definition.enquiries_email or ""),
        )
    )
