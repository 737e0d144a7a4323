"""A payment received outside Stripe for an open invoice (organiser22 F15,
``services.paid_off_stripe``): the console's page that says what recording it does before the
press. The act itself is ``consoleRecordPayment`` (``routes.console``) and, for scripts,
``recordPaymentOutsideStripe`` (``routes.organisers``)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import page, path_parameter

RECORD_CONFIRMATION: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "GET",
        "/console/applications/{application_id}/invoice/paid",
        "consoleRecordPaymentConfirmation",
        "Confirm recording a payment received outside Stripe: what it will do (the invoice "
        "marked paid at Stripe without a payment, the booking confirmed, who is emailed, and "
        "that Stripe can then refund nothing of it), as the invoice's own decision run "
        "without writing, and the form that does it",
        {
            "200": page("What recording the payment would do, and the form to confirm it"),
            "404": page("No such application (or a path segment longer than any id)"),
            "409": page("The application's page, saying it has no open invoice to record"),
        },
        description="The application page's *Record a payment received* leads here; its "
        "*Yes, record the payment* posts `POST /console/applications/{application_id}/"
        "invoice/paid` with the page's `seen` and `csrf_token`. Nothing changes on this page.",
        parameters=(path_parameter("application_id"),),
        tags=("console",),
    ),
)
