"""Invoice the employer instead of the card (``services.invoice_instead``): the
organisers' API's act, and the console's page that asks for the billing details and says what
sending the invoice does before the press, and the press itself."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    NO_APPLICATION,
    SEEN,
    confirmation_page,
    console_form,
    page,
    path_parameter,
    see_other,
)
from booking.handlers.routes.invoice_correction import (
    BILLING,
    BILLING_AGAIN,
    EARLIER_TRY_PAID_SAID,
    billing_details_act,
)

INSTEAD_SAID = (
    "For a person who chose to pay by card whose employer then says it will pay. The open "
    "Checkout Session is expired at Stripe first, marked for this act before it is asked, so "
    "Stripe's own `checkout.session.expired` of it ends nothing; then an invoice for the price "
    "the application was accepted at (its discount code and bursary honoured) is sent to the "
    "billing details on the course's invoice terms (`invoice_due_days`), the application "
    "becomes `awaiting_invoice_payment` and keeps its place; the invoice's id is recorded while"
    " it is a draft, before Stripe sends it, and only it is believed for this application. The "
    "person is emailed that their employer has been invoiced. A card payment that completes "
    "before the expiry wins: 409 `payment_being_recorded`, no invoice sent, the booking "
    "confirmed by the card's event. The same details again once done: 200, nothing changed, "
    "nothing sent. A wrong field: 422 naming it, nothing done (`po_number` is required on a "
    "course with `po_required`). 409 `no_open_card_payment` without an open card checkout "
    "(paid, cancelled, waiting, expired); 409 `payment_settling` while a bank debit through the"
    " checkout is settling; 409 `nothing_to_pay` for a place with nothing to pay; 409 "
    "`too_late_for_invoice` when no invoice could fall due before the course starts; with "
    "`seen` (the application's, as last read), an application changed since is 409 "
    "`application_changed`. 503 when Stripe does not answer: pressing again completes it, and a"
    " switch left half done after Stripe's expiry is completed as pressed by the scheduled "
    "sweep or Stripe's expiry event." + EARLIER_TRY_PAID_SAID
)
_PATH = "/applications/{application_id}/invoice/instead-of-card"

INSTEAD_ADMIN: tuple[Route, ...] = (
    billing_details_act(
        f"/admin{_PATH}",
        "invoiceInsteadOfCard",
        "Invoice the employer instead of the card: the open checkout expired, an invoice for "
        "the price accepted sent to the billing details, the place kept",
        INSTEAD_SAID,
    ),
)

INSTEAD_CONSOLE: tuple[Route, ...] = (
    confirmation_page(
        f"/console{_PATH}",
        "consoleInvoiceInsteadConfirmation",
        "Invoice the employer instead: the billing details to enter, what sending the invoice "
        "will do (the card checkout closed, an invoice for the price accepted sent, the place "
        "kept), and the form that does it",
        "The billing details to enter, what sending does, and the form",
        "The application's page, saying it has no card payment open to switch",
        "The application page's *Invoice the employer instead* leads here; its *Yes, invoice "
        "the employer* posts the same path with the details, the page's `seen` and "
        "`csrf_token`.",
    ),
    Route(
        Function.CONSOLE,
        "POST",
        f"/console{_PATH}",
        "consoleInvoiceInsteadOfCard",
        "Invoice the employer instead of the card: the checkout closed, an invoice for the "
        "price accepted sent to the billing details, the place kept",
        {
            "303": see_other(
                "Done: to the application's page, which says so once (`invoiced_instead`; "
                "`invoiced_instead_already`: sent again, it held already: nothing changed)",
                notice=True,
            ),
            "404": NO_APPLICATION,
            "409": page("The application's page again, saying why not"),
            "422": page(BILLING_AGAIN),
        },
        parameters=(path_parameter("application_id"),),
        body=console_form({**BILLING, "seen": SEEN}),
        tags=("console",),
        done="invoiced_instead",
    ),
)
