"""The console's step before cancelling: a page that says what the cancel will
do, whose form then posts ``consoleCancel`` (unchanged: the API and scripts post it at once)."""

from __future__ import annotations

from booking.domain.application import LONG_TEXT_MAX_LENGTH
from booking.domain.form_text import REFUND_KEPT
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    NO_APPLICATION,
    SEEN,
    TICKED,
    confirmation_page,
    console_form,
    page,
    path_parameter,
    see_other,
)

# The cancel's form (``consoleCancel``): the refund choice, and what the confirmation showed
# (``domain.page_seen``: a press acts on what its page said, or is refused).
CANCEL_FIELDS: dict[str, object] = {
    "refund": {**TICKED, "description": "Ticked: refund what was paid"},
    "seen": SEEN,
    "status_seen": {
        "type": "string",
        "description": "Older pages' form (with paid_seen) in place of `seen`: the status the "
        "page showed; moved on since is refused, 409 application_changed, nothing changed",
    },
    "paid_seen": {
        "type": "string",
        "pattern": "^[0-9]+$",
        "description": "Older pages' form: the money kept the page showed, in pence",
    },
}

CANCEL_CONFIRMATION: tuple[Route, ...] = (
    confirmation_page(
        "/console/applications/{application_id}/cancel",
        "consoleCancelConfirmation",
        "Confirm a cancellation: what it will do (who is emailed, the billing contact of an "
        "invoice too, what Stripe is asked to refund in pounds, the place going back), as the "
        "cancel's own decision run without writing, and the form that does it",
        "What cancelling would do, and the form to confirm it",
        "The application's page, saying why it cannot be cancelled now",
        "The application page's *Cancel* leads here; its *Yes, cancel* posts "
        "`POST /console/applications/{application_id}/cancel` with the same refund choice "
        "and the page's `csrf_token`.",
        also={"422": page("A `refund` value other than a ticked box's or `keep`, said in words")},
        parameters=(
            path_parameter("application_id"),
            {
                "name": "refund",
                "in": "query",
                "required": False,
                "description": "`on`: the cancellation is to refund what was paid; "
                f"`{REFUND_KEPT}` (or left out): it keeps it",
                "schema": {"type": "string", "enum": ["on", REFUND_KEPT]},
            },
        ),
    ),
)

# Voiding an invoice asks first too (it acted at once, the place lost).
VOID_CONFIRMATION: tuple[Route, ...] = (
    confirmation_page(
        "/console/applications/{application_id}/invoice/void",
        "consoleVoidInvoiceConfirmation",
        "Confirm voiding an invoice: what it will do (the invoice cancelled at Stripe, the "
        "place going back, who is emailed), as the void's own decision run without writing, "
        "and the form that does it",
        "What voiding would do, and the form to confirm it",
        "The application's page, saying it has no open invoice to void",
        "The application page's *Void invoice* leads here; its *Yes, void the invoice* posts "
        "`POST /console/applications/{application_id}/invoice/void` with the page's "
        "`csrf_token`.",
    ),
)

# Declining asks first too (it sent a message the organiser never saw). A post,
# as the message is free text: never in an address or a log.
DECLINE_CONFIRMATION: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "POST",
        "/console/applications/{application_id}/decline/confirm",
        "consoleDeclineConfirmation",
        "Confirm a decline: the message the applicant would be emailed (the one typed, else the "
        "course's decline message, else the standard one), and the form that sends it",
        {
            "200": page("The message the decline would send, and the form to confirm it"),
            "404": NO_APPLICATION,
            "409": page("The application's page, saying why it cannot be declined now"),
            "422": page("The application's page again, the message's mistake beside it"),
        },
        description="The application page's *Decline* posts here (nothing changes); its *Yes, "
        "decline and send* posts `POST /console/applications/{application_id}/decline` with "
        "the same `message` and the page's `csrf_token`.",
        parameters=(path_parameter("application_id"),),
        body=console_form(
            {
                "message": {
                    "type": "string",
                    "maxLength": LONG_TEXT_MAX_LENGTH,
                    "description": "The organiser's message; empty: the course's own message",
                }
            }
        ),
        tags=("console",),
    ),
    Route(
        Function.CONSOLE,
        "GET",
        "/console/applications/{application_id}/decline/confirm",
        "consoleDeclineConfirmationReopened",
        "The decline's confirmation address opened again (a new tab, a bookmark, history): "
        "back to the application's page, where *Decline* asks again",
        {
            "303": see_other("To the application's page (the message was posted, never kept)"),
            "404": page("A path segment longer than any id"),
        },
        parameters=(path_parameter("application_id"),),
        tags=("console",),
    ),
)
