"""What a subject access answer carries beside the data itself (the organiser tester:
the printable record listed what was held, but not who holds it, why, who it goes to, how long
it is kept, nor the person's rights). Said in our own words, plainly, from what the code does:
the retention said is the one the table's expiry enforces (``Settings.unpaid_retention_days``,
the same value the repository writes each ended application's expiry with), and nothing is
said to be deleted at a time the code does not delete it.

Pure: the service gives the courses the person's data is held for and the retention."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from booking.domain.course import Course
from booking.domain.wording import cohort_name


@dataclass(frozen=True)
class Holder:
    """Who holds the data for one course: the centre that runs it and where to write to them."""

    course: str  # the cohort by its title and first day
    centre: str  # the course's organisation, or "the organisers of <course>" when it names none
    contact: str  # the course's enquiries address, else the address our emails come from
    facilitators: tuple[str, ...]  # the facilitators' names, as the course's public page shows


def holders_of(courses: Iterable[Course], sender_email: str) -> tuple[Holder, ...]:
    """One holder per course the person's data is held for, each course once, in order."""
    seen: dict[str, Holder] = {}
    for course in courses:
        if course.course_id in seen:
            continue
        definition = course.definition
        named = cohort_name(course)
        seen[course.course_id] = Holder(
            course=named,
            centre=definition.organisation or f"The organisers of {named}",
            contact=definition.enquiries_email or sender_email,
            facilitators=tuple(name for name, _ in definition.public_facilitators()),
        )
    return tuple(seen.values())


PURPOSES = (
    "To consider the application for the course and, where the course asks for it, decide on it.",
    "To take payment for the place (by card or by invoice to an employer), give refunds, and "
    "keep the record of the money that accounts need.",
    "To run the course: confirm the booking, send the dates with a calendar file, reminders "
    "before each session, news of any change, the joining link and, for those who complete "
    "it, a certificate.",
    "To let the facilitators prepare: they read each applicant's answers, access needs "
    "included, before they meet the group.",
    "For a place booked by a manager: to tell the manager how each of their colleagues' places "
    "stands, and to invoice the employer.",
)

RECIPIENTS_FIXED = (
    "Stripe, which takes card payments and sends invoices: it is given the email address for "
    "the receipt, and for an invoice the billing contact's name, address and purchase order. "
    "It is never given the answers.",
    "For a place paid by invoice, the employer's billing contact, who sees the course and "
    "the applicant's name on the invoice; for a place booked by a manager, that manager, who "
    "sees how their colleague's place stands (applied, confirmed), never the answers.",
    "Amazon Web Services, which runs this system, stores its data and sends its emails "
    "(Amazon SES, our email provider).",
)

RIGHTS = (
    "To have anything wrong corrected (rectification): write to the centre's address above "
    "and we put it right.",
    "To have their data erased: an organiser erases it from this console (Everything about "
    "this person, then Erase their data). Names, email addresses and answers are replaced; "
    "only an anonymised record of the money (amounts, status, Stripe's payment reference, and "
    "for a payment received outside Stripe the day and the way it came, not the bank's "
    "reference) is kept, as accounts must. A booking they still hold is said on that page "
    "before anything is erased.",
    "To a copy of this record, and of the same data for a program to read (the JSON export).",
    "To complain to the Information Commissioner's Office (the ICO, the UK's data protection "
    "regulator, ico.org.uk) if they are unhappy with how their data is handled. We would "
    "rather hear from them first, at the address above.",
)


def kept_for(retention_days: int) -> tuple[str, ...]:
    """How long each kind of data is kept, as the code keeps it."""
    days = "1 day" if retention_days == 1 else f"{retention_days} days"
    return (
        "An application that ended without ever being a booking (declined, cancelled, or "
        f"never paid) is deleted automatically {days} after it last changed.",
        "A booking (paid, funded or booked by an employer) is kept, with its history and the "
        "emails' record, until it is erased on request: the system deletes it at no set time "
        "of its own. After an erasure only the anonymised money record stays.",
        "Emails themselves are not kept by this system once sent; the facilitators' copies "
        "stay in their mailboxes (an erasure asks them to delete those).",
        "The record that a reminder or a follow-up's invitation was sent names the person by "
        "a one-way digest of the address, never the address, and is deleted automatically "
        "once no repeat of that email could happen.",
        "Stripe keeps its own records of payments and invoices, under its own privacy notice; "
        "an erasure deletes the customer record Stripe held for an invoice.",
    )
