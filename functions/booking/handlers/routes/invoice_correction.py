"""A corrected invoice (``services.invoice_correction``): the organisers' API's
act, and the console's page that shows the billing details to correct and says what sending
the corrected invoice does before the press. The console's press itself is
``consoleCorrectInvoice`` (``routes.console``)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    SEEN,
    closed_fields,
    confirmation_page,
    json_answer,
    path_parameter,
)

# The corrected billing details: the API's JSON body and the console's form take the same.
BILLING: dict[str, object] = {
    "billing_name": {
        "type": "string",
        "minLength": 1,
        "maxLength": 200,
        "description": "The organisation's legal name, as the invoice is addressed (one line)",
    },
    "billing_email": {
        "type": "string",
        "description": "Where the invoice is sent (an address SES can deliver to)",
    },
    "billing_address": {
        "type": "string",
        "minLength": 1,
        "maxLength": 500,
        "description": "The postal address printed on the invoice: at most 200 characters on "
        "its first line and 200 on the lines after it together (Stripe's two address lines)",
    },
    "po_number": {
        "type": "string",
        "maxLength": 40,
        "description": "Purchase order number printed on the invoice (one line); blank or "
        "left out: none, refused (422) on a course with `po_required`",
    },
}
# The JSON body of an act that takes billing details: them, and what the caller last read.
BILLING_BODY = closed_fields(
    {**BILLING, "seen": SEEN}, "billing_name", "billing_email", "billing_address"
)
# An act pressed again after its first try stopped once Stripe had sent its invoice, which the
# employer then paid: one sentence for every act that sends an invoice.
EARLIER_TRY_PAID_SAID = (
    " Pressed again after a try that stopped once Stripe had sent its invoice, which the "
    "employer then paid: that invoice is the booking's (its id was recorded before it was "
    "sent), recorded as its current invoice and its payment confirming the booking; nothing "
    'more is sent, and the answer is 409 `invoice_paid` ("the employer has paid the invoice '
    'sent when this was first pressed: the booking is confirmed by that payment"). Its '
    "`invoice.paid`, or the scheduled sweep, completes the act with it alike, never refunded. "
    "One the employer is paying by a bank debit still processing is the booking's alike: "
    "the act completes with it as the current invoice, nothing more sent, and its "
    "`invoice.paid` confirms the booking once the bank confirms the debit."
)
CORRECTION_SAID = (
    "The billing details are replaced and a new invoice for the same amount, due on the same "
    "day, is sent to them (Stripe emails it to the new billing email); the place stays held. "
    "The old invoice is voided at Stripe first, in the same act, marked for it before it is "
    "asked, so Stripe's own `invoice.voided` of it ends nothing; only the new invoice's id, "
    "recorded with the change, is believed for this application. The same details again: "
    "200, nothing changed, nothing sent. A wrong field: 422 naming it, nothing done. 409 "
    "`no_open_invoice` without an open invoice; 409 `too_late_for_invoice` on its due day "
    "(not when a stopped try sent the corrected invoice, which the employer paid or is "
    "paying by a bank debit: read at Stripe first, it completes the correction); "
    "with `seen` (the application's, as last read), an application changed since is 409 "
    "`application_changed`. The old invoice is read at Stripe once first: 409 "
    "`payment_settling` while the employer's bank debit of it is processing, 409 "
    "`payment_being_recorded` when Stripe holds it paid and its event has not come; a payment "
    "that lands after that read has Stripe refuse the void, and the correction is refused in "
    "the same words, nothing changed, the payment kept (its event confirms the booking). 503 "
    "when Stripe does not answer: pressing again completes it, and a correction left half "
    "done is completed by the scheduled sweep." + EARLIER_TRY_PAID_SAID
)

# A billing detail that is not one: its form again, not the application's page.
BILLING_AGAIN = (
    "The form again, each billing detail that is not one said beside its box, all at once, "
    "what was typed kept (a `seen` no page gives: the application's page, saying so)"
)


def billing_details_act(path: str, operation_id: str, summary: str, description: str) -> Route:
    """An organiser's act on an application's invoice that takes billing details (a corrected
    invoice, an invoice instead of the card): the same JSON body, answer and refusals."""
    return Route(
        Function.ADMIN,
        "POST",
        path,
        operation_id,
        summary,
        {"200": json_answer("AdminApplicationOut", "The application after the change")},
        errors=BODY_ACTION_ERRORS,
        parameters=(path_parameter("application_id"),),
        body=BILLING_BODY,
        description=description,
        tags=("organisers",),
    )


CORRECTION_ADMIN: tuple[Route, ...] = (
    billing_details_act(
        "/admin/applications/{application_id}/invoice/correct",
        "correctInvoice",
        "Correct the open invoice's billing details: a new invoice for the same amount sent to "
        "them, the old one voided, the place kept",
        CORRECTION_SAID,
    ),
)

CORRECTION_CONSOLE: tuple[Route, ...] = (
    confirmation_page(
        "/console/applications/{application_id}/invoice/correct",
        "consoleCorrectInvoiceConfirmation",
        "Correct an invoice: the billing details as the invoice has them, to correct, and what "
        "sending the corrected invoice will do (the old invoice voided, a new one for the same "
        "amount and due day sent, the place kept), and the form that does it",
        "The billing details to correct, what sending does, and the form",
        "The application's page, saying it has no open invoice to correct",
        "The application page's *Correct the invoice* leads here; its *Yes, send the corrected "
        "invoice* posts `POST /console/applications/{application_id}/invoice/correct` with the "
        "details, the page's `seen` and `csrf_token`.",
    ),
)
