"""The console's printable record of everything held about one person: each
of their applications as its own page says it (answers, money in pounds, history and emails in
the course's time), the invoices addressed to them and the group bookings that name them, on one
page to read, print or save as a PDF for a subject access request."""

from __future__ import annotations

from typing import Any

from booking.domain import subject_access
from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.covered import status_said
from booking.domain.former_contacts import billed_part
from booking.domain.statuses import person_shown
from booking.domain.wording import (
    STATUS_WORDS,
    answers_said,
    invoice_said,
    moment_when,
    money_words,
    timeline_text,
)
from booking.handlers.console_application import payment_facts, timeline_rows
from booking.handlers.console_pages import Chrome, console_page, course_heading, place_paid_said
from booking.handlers.console_people_pages import person_row
from booking.handlers.sentences import capitalised
from booking.services.console import ApplicationDetail
from booking.services.person_record import PersonRecord, Removed

# The record says every time in UK time, a course abroad's included.
_UK = "Europe/London"
# An invoice corrected away from them: what of it is theirs (Stripe's customer still holds
# their details; the invoice that replaced it is another contact's, not theirs to see).
REPLACED_SAID = (
    "One was sent to them, then replaced by a corrected invoice to another billing contact; "
    "Stripe still holds their details on the one sent to them"
)


def record_page(chrome: Chrome, record: PersonRecord, now_said: str) -> str:
    person = record.person
    return console_page(
        "person_record.html",
        chrome,
        email=person.email,
        now=now_said,
        applications=[_held(entry) for entry in record.applications],
        billed=[
            _billed(application, course, person.email) for application, course in person.billed
        ],
        group_bookings=person.group_bookings,
        **_about_the_data(record),
    )


def _about_the_data(record: PersonRecord) -> dict[str, Any]:
    """Who holds the data, why, who it goes to, how long it is kept and the person's rights
    (what a subject access answer carries beside the data)."""
    facilitated = [h for h in record.holders if h.facilitators]
    return {
        "holders": record.holders,
        "purposes": subject_access.PURPOSES,
        "facilitated": facilitated,
        "recipients": subject_access.RECIPIENTS_FIXED,
        "kept_for": subject_access.kept_for(record.retention_days),
        "rights": subject_access.RIGHTS,
    }


def _held(entry: ApplicationDetail | Removed) -> dict[str, Any]:
    if isinstance(entry, Removed):
        return _removed(entry)
    application, course = entry.application, entry.course
    definition = course.definition
    # Every time on the record in UK time, as its heading says, whatever the course's zone.
    zone, currency = _UK, definition.price.currency
    facts = [
        ("Reference", application.reference_or_id),
        ("Course", course_heading(course)),
        ("Status", capitalised(status_said(application, definition.price))),
        ("Applied", moment_when(application.created_at, zone)),
        ("Paid", place_paid_said(application, course, entry.paid_by_group, refunds=False)),
        ("Refunded", money_words(application.money_returned, currency)),
        *payment_facts(application, definition.price, zone, entry.left_to_pay),
    ]
    return {
        "heading": f"{course_heading(course)}: {application.reference_or_id}",
        "facts": facts,
        "answers": answers_said(application.answers),
        "timeline": timeline_rows(entry, currency, zone),
    }


def _removed(entry: Removed) -> dict[str, Any]:
    application = entry.application
    # In the currency it was priced in (its course's is gone with the course).
    currency = application.price.currency if application.price else "gbp"
    return {
        "heading": f"A course no longer listed: {application.reference_or_id}",
        "facts": [
            ("Reference", application.reference_or_id),
            ("Status", STATUS_WORDS[application.status.value]),
            ("Applied", moment_when(application.created_at, _UK)),
            ("Paid", money_words(application.money_received, currency)),
            ("Refunded", money_words(application.money_returned, currency)),
        ],
        "answers": answers_said(application.answers),
        "timeline": [
            {
                "iso": e.at.isoformat(),
                "when": moment_when(e.at, _UK),
                "text": timeline_text(e, currency, _UK),
            }
            for e in entry.timeline
        ],
    }


def _billed(application: Application, course: Course | None, email: str) -> dict[str, Any]:
    """Another's application whose invoice is addressed to them, or was before a correction:
    what it holds about them (``former_contacts.billed_part``: their billing details, the
    invoice when it is theirs), never the applicant's answers nor another contact's details."""
    row = person_row(application, course)
    part = billed_part(application, email)
    billing, invoice = part.billing, part.invoice
    facts = [("Reference", row["reference"]), ("Course", row["course"])]
    if billing is not None:
        facts.append(("Billed to", person_shown(billing.billing_name, billing.billing_email)))
        facts.append(("Billing address", billing.billing_address))
        if billing.po_number:
            facts.append(("Purchase order", billing.po_number))
    if invoice is not None:
        facts.append(("Invoice", capitalised(invoice_said(invoice, _UK))))
    if part.replaced_invoice is not None:
        facts.append(("Invoice", REPLACED_SAID))
    return {"heading": f"{row['course']}: {row['reference']}", "facts": facts}
