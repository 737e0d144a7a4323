"""A payment received outside Stripe for an open invoice (``services.paid_off_stripe``): the
console's page that says what recording it does before the
press. The act itself is ``consoleRecordPayment`` (``routes.console``) and, for scripts,
``recordPaymentOutsideStripe`` (``routes.organisers``)."""

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
    optional_fields,
)

# What the organiser may say of the payment (``domain.payment_received``), each optional: the
# API's JSON body and the console's form take the same fields.
RECEIVED: dict[str, object] = {
    "received_on": {
        "type": "string",
        "format": "date",
        "description": "The day the money arrived (YYYY-MM-DD): not in the future, and not "
        "before the invoice was sent",
    },
    "method": {
        "type": "string",
        "enum": ["bank_transfer", "cheque", "cash", "other"],
        "description": "How it came",
    },
    "reference": {
        "type": "string",
        "maxLength": 60,
        "description": "The bank's reference for it, on one line (it may carry a name: "
        "erased with the payer)",
    },
}
RECEIVED_SAID = (
    " Optional `received_on`, `method` and `reference` say when and how the money came "
    "(Stripe records none of them): kept on the invoice once it is paid, once (a second "
    "request changes nothing), and shown wherever the invoice is. The amount is always the "
    "invoice's whole amount: part payments are not recorded. A date in the future or before "
    "the invoice was sent, an unknown method or a reference over 60 characters or on more "
    "than one line: 422 naming the field, nothing done."
)

RECORD_CONFIRMATION: tuple[Route, ...] = (
    confirmation_page(
        "/console/applications/{application_id}/invoice/paid",
        "consoleRecordPaymentConfirmation",
        "Confirm recording a payment received outside Stripe: what it will do (the invoice "
        "marked paid at Stripe without a payment, the booking confirmed, who is emailed, and "
        "that Stripe can then refund nothing of it), as the invoice's own decision run "
        "without writing, and the form that does it",
        "What recording the payment would do, and the form to confirm it",
        "The application's page, saying it has no open invoice to record",
        "The application page's *Record a payment received* leads here; its *Yes, record the "
        "payment* posts `POST /console/applications/{application_id}/invoice/paid` with the "
        "page's `seen` and `csrf_token`.",
    ),
)

# A group's invoice paid outside Stripe: the same step for a group booking (its card on the
# course's group bookings page, and the organisers' API).
GROUP_INVOICE_PAID_OFF_STRIPE = "group_invoice_paid_off_stripe"
_GROUP_SAID = (
    "Stripe marks the group booking's open invoice paid out of band (`paid_out_of_band`: no "
    "money is taken; a retry is the same request), then the group is paid as any paid "
    "invoice pays it (its `invoice.paid`, applied as the webhook applies it, once, whichever "
    "of this step and Stripe's own event comes first): its places are the colleagues' to "
    "apply for. Stripe then holds no payment for it: a place given up later is not refunded "
    "from here; its share is owed back to the employer by hand. Paid already: 200, nothing "
    "changed. 409 `no_open_invoice` without an open invoice; `invoice_being_voided` while it "
    "is being cancelled; `payment_settling` while a bank debit of it goes through; "
    "`invoice_paid` when Stripe holds it paid already (its confirmation on its way); "
    "`invoice_not_payable` when Stripe refuses (void, a draft): nothing changed. 404 for an "
    "unknown group."
)
GROUP_PAID_ADMIN: tuple[Route, ...] = (
    Route(
        Function.ADMIN,
        "POST",
        "/admin/groups/{group_id}/invoice/paid-outside-stripe",
        "recordGroupPaymentOutsideStripe",
        "Record that a group booking's open invoice was paid outside Stripe (a bank transfer)",
        {
            "200": json_answer(
                "GroupPaymentRecordedOut", "The group booking after it, and what this did"
            )
        },
        errors=BODY_ACTION_ERRORS,
        parameters=(GROUP_ID,),
        body=optional_fields(**RECEIVED),
        description=_GROUP_SAID + RECEIVED_SAID,
        tags=("organisers",),
    ),
)
GROUP_PAID_CONSOLE: tuple[Route, ...] = (
    confirmation_page(
        "/console/groups/{group_id}/invoice/paid",
        "consoleRecordGroupPaymentConfirmation",
        "Confirm recording a group's invoice as paid outside Stripe: what it will do, and the "
        "form that does it",
        "What recording the payment would do, and the form to confirm it",
        "The course's group bookings page, saying it has no open invoice",
        "The group card's *Record a payment received* leads here.",
        missing=NO_GROUP,
        parameters=(GROUP_ID,),
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/groups/{group_id}/invoice/paid",
        "consoleRecordGroupPayment",
        "Record a group's invoice as paid outside Stripe (its confirmation page's form)",
        group_card_press(
            GROUP_INVOICE_PAID_OFF_STRIPE,
            "Its confirmation page again, each mistake in how the payment came beside its "
            "field, what was typed kept: nothing recorded",
        ),
        description=_GROUP_SAID + RECEIVED_SAID,
        parameters=(GROUP_ID,),
        body=console_form({"seen": SEEN, **RECEIVED}),
        tags=("console",),
        done=GROUP_INVOICE_PAID_OFF_STRIPE,
    ),
)


# A payment received outside Stripe recorded (``services.paid_off_stripe``), in one wording
# for the organisers' API and the console's form.
PAID_OFF_STRIPE_SAID = (
    "Stripe marks the open invoice paid out of band (`paid_out_of_band`: no money is taken; a "
    "retry is the same request), then the booking is confirmed as any paid invoice confirms "
    "it (its `invoice.paid`, applied as the webhook applies it: the person is emailed their "
    "booking confirmation once, whichever of this step and Stripe's own event comes first). "
    "Stripe then holds no payment for it: a refund of it is refused later (409 "
    "`no_payment_to_refund`); it is given back by hand. Confirmed by it already: 200, nothing "
    "changed. With `seen` (the application's, as last read), an application changed since is "
    "409 application_changed. 409 `no_open_invoice` without an open invoice; "
    "`invoice_being_voided` while an organiser's act cancels it; `payment_settling` while a "
    "bank debit of it goes through; `invoice_paid` when Stripe holds it paid already (its "
    "confirmation on its way); `invoice_not_payable` when Stripe refuses (void, a draft); "
    "`no_place_for_the_payment` when the booking no longer holds a place and none is free "
    "(Stripe is not asked): nothing changed. 409 `paid_without_a_place` when its place was "
    "taken between that check and the save: Stripe holds the invoice paid, the booking is not "
    "confirmed but cancelled, keeping the money on record as paid in outside Stripe, to be "
    "given back by hand and recorded so (`POST /admin/applications/{id}/given-back`); the "
    "person and the billing contact are emailed once that the organisers will give it back."
)
