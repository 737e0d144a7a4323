"""The organisers' console (the ``console`` function): pages and forms for browsers.

What every console route shares is added in one place (``booking.handlers.openapi``): the
session cookie and, without it, 303 to the sign-in page (but for the pages open to all); for a
form post, the CSRF check (403) and the form's reading (400, 413, 415); 500 and 503 pages.
"""

from __future__ import annotations

from typing import Any

from booking.domain.application import LONG_TEXT_MAX_LENGTH, ApplicationStatus
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BURSARY_SEEN,
    COURSE_ID,
    NO_APPLICATION,
    NOTICE_ONCE,
    ROSTER_SAID,
    SEEN,
    TICKED,
    console_form,
    console_read,
    console_text_download,
    download,
    page,
    path_parameter,
    query,
    schema,
    see_other,
)
from booking.handlers.routes.console_cancel import CANCEL_FIELDS
from booking.handlers.routes.console_courses import COURSES
from booking.handlers.routes.console_follow_ups import FOLLOW_UPS
from booking.handlers.routes.console_money import MONEY, NO_COURSE
from booking.handlers.routes.console_sign_in import SIGNING_IN
from booking.handlers.routes.invoice_correction import BILLING as CORRECTION_BILLING
from booking.handlers.routes.invoice_correction import BILLING_AGAIN
from booking.handlers.routes.paid_off_stripe import RECEIVED
from booking.handlers.routes.transfers import TRANSFER_NOTICES
from booking.services.finding import MAX_QUERY_LENGTH

CONSOLE = Function.CONSOLE
TAGS = ("console",)
_APPLICATION = path_parameter("application_id")
_EMAIL = query("email", "A person's email address", required=True, minLength=1)
_NO_PERSON = page("No data is held about this email address")
# Who a person page is about, and what it answers when it cannot tell.
_PERSON_ANSWERS = {"404": _NO_PERSON, "422": page("No email address, or not one")}
PERSON_SEEN: dict[str, object] = {
    "type": "string",
    "pattern": "^[0-9a-f]{16}$",
    "description": "What the confirmation showed, as a digest of every fact its words drew on "
    "(each of their applications and those billed to them, as `seen` digests them, the group "
    "bookings naming them, and money owed back by hand): more held, or other, since, the "
    "erasure is refused (409), nothing erased",
}


# An action sent again (two tabs, a form resubmitted) whose end held already changed nothing:
# its notice says so, in place of the action's own.
ALREADY = {
    "cancelled": "cancelled_already",
    "refunded": "refunded_already",
    "declined": "declined_already",
    "funded": "funded_already",
    "invoice_voided": "invoice_voided_already",
    "invoice_paid_off_stripe": "invoice_paid_off_stripe_already",
    "invoice_corrected": "invoice_corrected_already",
    "invoiced_instead": "invoiced_instead_already",
    "given_back_by_hand": "given_back_by_hand_already",
}

# A colleague's booking on a group place cancelled by the organisers (its manager erased): the
# notice says what became of the employer's share of the payment for the place.
GROUP_PLACE_CANCELLED = ("cancelled_group_refunded", "cancelled_group_kept")


def _action(
    path: str,
    operation_id: str,
    summary: str,
    done: str,
    fields: dict[str, Any] | None = None,
    *,
    typed: bool = False,
    mistakes_said: str = "The application's page again, the mistake beside its field",
) -> Route:
    """A form on an application's page: on to that page saying what was done, or the page
    again saying why not. Only a form with something ``typed`` in it (a box included: a value
    neither ticked nor left out) has mistakes (422), said as ``mistakes_said``."""
    mistakes = {"422": page(mistakes_said)}
    return Route(
        CONSOLE,
        "POST",
        f"/console/applications/{{application_id}}/{path}",
        operation_id,
        summary,
        {
            "303": see_other(f"Done: to the application's page, {_says(done)}", notice=True),
            "404": NO_APPLICATION,
            "409": page("The application's page again, saying why not"),
            **(mistakes if typed else {}),
        },
        parameters=(_APPLICATION,),
        body=console_form(fields),
        tags=TAGS,
        done=done,
    )


def _says(done: str) -> str:
    """The notice an action leaves: its own, sent again once its end held, and (a cancel) a
    group place's, saying what became of the employer's share."""
    said = [f"`{done}`"]
    if done in ALREADY:
        said.append(f"`{ALREADY[done]}`: sent again, it held already: nothing changed")
    if done == "cancelled":
        refunded, kept = GROUP_PLACE_CANCELLED
        said.append(
            f"`{refunded}`, `{kept}`: a group place given up (its manager erased), its share "
            "refunded to the employer or kept"
        )
    return f"which says so once ({'; '.join(said)})"


APPROVED = "approved"
APPROVED_WAITLISTED = "approved_waitlisted"  # approved onto a full course's waiting list

ACTIONS: tuple[Route, ...] = (
    _action("approve", "consoleApprove", "Approve: offer a place", APPROVED),
    _action(
        "decline",
        "consoleDecline",
        "Decline, optionally with a message for the applicant",
        "declined",
        {
            "message": {
                "type": "string",
                "maxLength": LONG_TEXT_MAX_LENGTH,
                "description": "Emailed to the applicant; empty: the course's own message",
            }
        },
        typed=True,
    ),
    _action(
        "cancel",
        "consoleCancel",
        "Cancel a booking or an application, optionally refunding through Stripe",
        "cancelled",
        CANCEL_FIELDS,
        typed=True,  # a box posted neither ticked nor left out is refused beside it
    ),
    _action(
        "refund",
        "consoleRefund",
        "Refund a booking cancelled without a refund, through Stripe",
        "refunded",
        {"seen": SEEN},
        typed=True,  # a `seen` that is not one a page gives is refused beside it
    ),
    _action("resend", "consoleResendConfirmation", "Send the booking confirmation again", "resent"),
    _action(
        "offer/resend",
        "consoleResendOffer",
        "Send the offer's email again, with the same time to pay by (a place offered and held)",
        "offer_resent",
        {
            "press": {
                "type": "string",
                "description": "The press the page issued for its button (bound to the "
                "session): the same press posted again sends nothing more; any other value "
                "is refused (422), nothing sent",
            }
        },
        typed=True,
    ),
    _action(
        "bursary",
        "consoleGrantBursary",
        "Fund a place in full or in part",
        "funded",
        {
            "amount": {"type": "string", "description": "In pounds, like 200.00"},
            "seen": SEEN,
            "bursary_seen": BURSARY_SEEN,
        },
        typed=True,
    ),
    _action(
        "invoice/resend",
        "consoleResendInvoice",
        "Email the open invoice to the billing contact again",
        "invoice_resent",
    ),
    _action(
        "invoice/paid",
        "consoleRecordPayment",
        "Record a payment of the open invoice received outside Stripe: the booking is confirmed",
        "invoice_paid_off_stripe",
        {"seen": SEEN, **RECEIVED},
        typed=True,  # a `seen` that is not one a page gives is refused
        mistakes_said="Its confirmation page again, each mistake in how the payment came beside "
        "its field, what was typed kept: nothing recorded",
    ),
    _action(
        "invoice/correct",
        "consoleCorrectInvoice",
        "Send a corrected invoice: the billing details replaced, a new invoice for the same "
        "amount and due day sent, the old one voided, the place kept",
        "invoice_corrected",
        {**CORRECTION_BILLING, "seen": SEEN},
        typed=True,  # a detail that is not one is refused, as is a `seen` no page gives
        mistakes_said=BILLING_AGAIN,
    ),
    _action(
        "invoice/void",
        "consoleVoidInvoice",
        "Void the open invoice: the place goes back",
        "invoice_voided",
        {"seen": SEEN},
        typed=True,  # a `seen` that is not one a page gives is refused
    ),
)
# Every notice the application's page may say once after an action (each has its words in
# ``handlers/console_notices.py``).
DONE = tuple(
    sorted(
        {str(action.done) for action in ACTIONS}
        | {APPROVED_WAITLISTED, *ALREADY.values(), *GROUP_PLACE_CANCELLED, *TRANSFER_NOTICES}
    )
)

PAGES: tuple[Route, ...] = (
    Route(
        CONSOLE,
        "GET",
        "/console",
        "consoleHome",
        "Every course with its places, applications and money, open ones first",
        {"200": page("The courses")},
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/search",
        "consoleSearch",
        "Find an application by its reference, a person by email address, or applications "
        "by name on every course",
        {
            "200": page(
                "A name, an organisation, an invoice number or a purchase order: the "
                "applications on every course by a name or organisation holding it (or "
                "billed to an employer whose name holds it, or with it as their invoice "
                "number or purchase order), and the group bookings whose manager, "
                "organisation, invoice addressee, invoice number or purchase order holds it"
            ),
            "303": see_other("Found: to the application's page or the person's page"),
            "404": page("No application has that reference"),
            "422": page("Nothing typed, or too long"),
        },
        parameters=(
            query(
                "q",
                "A reference (like CL-7K3Q9), an email address, a name or an organisation "
                "(or part of one), an invoice number or a purchase order",
                required=True,
                maxLength=MAX_QUERY_LENGTH,
            ),
        ),
        tags=TAGS,
    ),
    console_read(
        "/console/courses/{course_id}",
        "consoleCourse",
        "A course's applications, oldest first, filtered by status and a search",
        {
            "200": page("The course and its applications"),
            "404": NO_COURSE,
            "422": page(
                "An unknown status or too long a search: every "
                "application, the mistake beside its field"
            ),
        },
        COURSE_ID,
        query(
            "status",
            "Only applications in this status (empty: any)",
            enum=["", *(s.value for s in ApplicationStatus)],
        ),
        query(
            "q",
            "Only those whose name, email address or reference contain this",
            maxLength=MAX_QUERY_LENGTH,
        ),
        description=NOTICE_ONCE,
    ),
    console_text_download(
        "/console/courses/{course_id}/roster.csv",
        "consoleRosterCsv",
        "The course's roster to download",
        ("text/csv", "<course_id>-roster.csv", ROSTER_SAID),
        COURSE_ID,
        NO_COURSE,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/courses/{course_id}/answers",
        "consoleCourseAnswers",
        "Every applicant's answers on one printable page, filtered by status",
        {
            "200": page(
                "Each applicant of the course (of the status chosen), oldest first: their "
                "name, reference, status, access needs said plainly, and their answers in "
                "the form's words; under them, how many places of each group booking hold no "
                "application yet"
            ),
            "404": NO_COURSE,
            "422": page("An unknown status: every applicant, the mistake beside its field"),
        },
        parameters=(
            COURSE_ID,
            query(
                "status",
                "Only applicants in this status (empty: any)",
                enum=["", *(s.value for s in ApplicationStatus)],
            ),
        ),
        tags=TAGS,
    ),
    console_read(
        "/console/applications/{application_id}",
        "consoleApplication",
        "An application: answers, payments, history, and the actions that fit it now",
        {"200": page("The application"), "404": NO_APPLICATION},
        _APPLICATION,
        description=NOTICE_ONCE,
    ),
    *ACTIONS,
    Route(
        CONSOLE,
        "GET",
        "/console/people",
        "consolePerson",
        "Find a person's applications by email address",
        {
            "200": page("The person's applications (none asked: the search)"),
            "422": page("Not an email address"),
        },
        parameters=(query("email", "A person's email address"),),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/people/export",
        "consoleExportPerson",
        "Everything held about one person, to download",
        {
            "200": download(
                "application/json",
                "personal-data.json",
                "The person's data",
                schema("PersonExport"),
            ),
            **_PERSON_ANSWERS,
        },
        parameters=(_EMAIL,),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/people/record",
        "consolePersonRecord",
        "Everything held about one person, in words, to read or print",
        {
            "200": page(
                "Every application they made (answers, money in pounds, history and emails "
                "sent, in UK time), the invoices addressed to them and the group bookings "
                "that name them, on one printable page"
            ),
            **_PERSON_ANSWERS,
        },
        parameters=(_EMAIL,),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/people/erase",
        "consoleEraseConfirmation",
        "Confirm erasing a person's data",
        {"200": page("What erasing would change, and the form to confirm"), **_PERSON_ANSWERS},
        parameters=(_EMAIL,),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/people/erase",
        "consoleErasePerson",
        "Erase one person's data (an anonymised financial record stays)",
        {
            "200": page("Erased: how many applications"),
            "404": _NO_PERSON,
            "409": page(
                "Nothing erased: a payment of their invoice is on its way (a bank debit); or "
                "what is held about them changed since the page was shown (`seen`): the "
                "confirmation again, as it is now"
            ),
            "422": page(
                "Not ticked (or a value neither ticked nor left out): the confirmation again; "
                "no email address; or no `seen` (a form not the page's)"
            ),
        },
        body=console_form(
            {
                "email": {"type": "string"},
                "confirm": {**TICKED, "description": "Ticked: erase now"},
                "seen": PERSON_SEEN,
            },
            "email",
            "seen",
        ),
        tags=TAGS,
    ),
)

CONSOLE_ROUTES: tuple[Route, ...] = SIGNING_IN + COURSES + PAGES + MONEY + FOLLOW_UPS
OPEN_PATHS = frozenset(r.path for r in CONSOLE_ROUTES if r.open_to_all)
