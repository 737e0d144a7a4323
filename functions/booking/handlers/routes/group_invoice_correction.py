"""A group booking's invoice corrected (``services.group_invoice_correction``): on the organiser
API, and on the console as the group card's *Correct the invoice*, its page showing the billing
details to correct and what sending the corrected invoice does, and that page's press."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    GROUP_ID,
    NO_GROUP,
    SEEN,
    confirmation_page,
    console_form,
    group_card_press,
    json_answer,
)
from booking.handlers.routes.invoice_correction import BILLING, BILLING_BODY

# What the console's group bookings page says once after the press (``after_action``).
GROUP_INVOICE_CORRECTED = "group_invoice_corrected"
_PATH = "/groups/{group_id}/invoice/correct"
_SAID = (
    "The group's billing details are replaced and a new invoice for the same places at the "
    "same price, due on the same day, is sent to them (Stripe emails it to the new billing "
    "email); the places, their price and each place's employer share are unchanged. When the "
    "billing email changes, the contact the old invoice went to is emailed once that it was "
    "replaced and need not be paid (the manager is emailed nothing). The old "
    "invoice is voided at Stripe first, the group marked for it before it is asked, so "
    "Stripe's own `invoice.voided` of it ends nothing; only the new invoice's id, recorded "
    "with the change, is believed for this group. The same details again: 200 with "
    "`corrected` false, nothing changed, nothing sent. A wrong field: 422 naming it in words, "
    "nothing done (the same checks as one person's correction, `correctInvoice`, a PO "
    "refused blank on a course with `po_required`). 409 `no_open_invoice` without an open "
    "invoice; `too_late_for_invoice` on its due day (not when a stopped try sent the "
    "corrected invoice, which the employer paid or is paying by a bank debit: read at "
    "Stripe first, it completes the correction); `invoice_being_voided` while an "
    "organiser voids it; `place_being_given_up` while a give-up replaces it; with `seen` (the "
    "group's, as its card or `GET /admin/courses/{course_id}/group-bookings` gave it), a "
    "group changed since is `application_changed`. The old invoice is read at Stripe once "
    "first: 409 `payment_settling` while the employer's bank debit of it is processing, "
    "`payment_being_recorded` when Stripe holds it paid; a payment that lands after that "
    "read has Stripe refuse the void, and the correction is refused in the same words, "
    "nothing changed, the payment kept (its event pays the group). 503 when Stripe does not "
    "answer: pressing again completes it, and a correction left half done is completed by "
    "the scheduled sweep to the details it was marked with. Pressed again after a try that "
    "stopped once Stripe had sent the corrected invoice, which the employer then paid: that "
    "invoice is the group's, recorded as its invoice and paying the places, nothing more "
    "sent, and the answer is 409 `invoice_paid`; its `invoice.paid`, or the sweep, completes "
    "the correction with it alike, never refunded. One the employer is paying by a bank "
    "debit still processing is the group's alike: recorded as its invoice, nothing more "
    "sent and never voided under the debit, its `invoice.paid` paying the group once the "
    "bank confirms it. 404 for an unknown group."
)

GROUP_CORRECTION_ADMIN: tuple[Route, ...] = (
    Route(
        Function.ADMIN,
        "POST",
        f"/admin{_PATH}",
        "correctGroupInvoice",
        "Correct a group booking's open invoice's billing details: a new invoice for the same "
        "places sent to them, the old one voided, the places kept",
        {
            "200": json_answer(
                "GroupInvoiceCorrectedOut", "The group booking after it, and whether it changed"
            )
        },
        errors=BODY_ACTION_ERRORS,
        parameters=(GROUP_ID,),
        body=BILLING_BODY,
        description=_SAID,
        tags=("organisers",),
    ),
)

GROUP_CORRECTION_CONSOLE: tuple[Route, ...] = (
    confirmation_page(
        f"/console{_PATH}",
        "consoleCorrectGroupInvoiceConfirmation",
        "Correct a group's invoice: the billing details as the invoice has them, to correct, "
        "what sending the corrected invoice will do, and the form that does it",
        "The billing details to correct, what sending does, and the form",
        "The course's group bookings page, saying it has no open invoice",
        "The group card's *Correct the invoice* leads here.",
        missing=NO_GROUP,
        parameters=(GROUP_ID,),
    ),
    Route(
        Function.CONSOLE,
        "POST",
        f"/console{_PATH}",
        "consoleCorrectGroupInvoice",
        "Correct a group's invoice (its confirmation page's form)",
        group_card_press(
            GROUP_INVOICE_CORRECTED,
            "The confirmation page again, each wrong detail said beside its field",
        ),
        description=_SAID,
        parameters=(GROUP_ID,),
        body=console_form({"seen": SEEN, **BILLING}, "seen", "billing_name"),
        tags=("console",),
        done=GROUP_INVOICE_CORRECTED,
    ),
)
