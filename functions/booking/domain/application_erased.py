"""An application erased on request (``Application.erased``): every answer replaced, and what
was still on its way (a hold, an offer, a queue) withdrawn. Apart from the state machine it
serves, so that ``domain.application`` keeps to its size."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from booking.domain.application_form import ERASED_ANSWERS
from booking.domain.former_contacts import former_erased
from booking.domain.payment_received import without_bank_reference
from booking.domain.statuses import WITHDRAWN_BY_ERASURE, S

if TYPE_CHECKING:
    from booking.domain.application import Application


def erased_copy(application: Application, now: datetime, *, withdraw: bool = True) -> Application:
    """This application with every answer replaced. A booking keeps its status and money
    (bookkeeping); anything still in a queue, a hold or an offer is withdrawn from it, so
    its seat or its place in line moves on to the next person; not with ``withdraw`` False
    (its checkout was paid meanwhile: the payment's event confirms the booking)."""
    withdrawn: dict[str, Any] = {}
    if withdraw and application.status in WITHDRAWN_BY_ERASURE:
        invoice = application.invoice
        withdrawn = {
            "status": S.CANCELLED,
            "seat_held": False,
            "hold_expires_at": None,
            "checkout": None,
            "payment_pending": False,
            "status_reason": "erased",
            # Its open invoice was voided at Stripe before this save (``services.people``),
            # or is voided once it is saved: recorded void, no longer marked for the erasure.
            "invoice": invoice.model_copy(update={"status": "void", "voiding": None})
            if invoice is not None and application.has_open_invoice()
            else invoice,
        }
    # Another person's billing contact stays (told of their money: ``domain.payer``).
    billing = application.billing
    if billing is not None and billing.billing_email.lower() == application.answers.email.lower():
        billing = billing.erased()
    return application.model_copy(
        update={
            "answers": ERASED_ANSWERS,
            "decline_note": None,  # the organiser's words to this person are about them
            "billing": billing,
            # So does a billing contact an invoice was corrected away from, unless it is them.
            "former_billing": former_erased(application.former_billing, application.answers.email),
            # The bank's reference of a payment received outside Stripe may name them.
            "invoice": without_bank_reference(application.invoice)
            if application.invoice is not None
            else None,
            "outbox": (),
            "request_fingerprint": None,
            # The certificate's frozen words carry the name.
            "completion": application.completion.model_copy(update={"terms": None})
            if application.completion is not None
            else None,
            "updated_at": now,
            "erased_at": now,
            # A move waiting for its difference is withdrawn: nobody can be asked for it
            # now, and its hold on the other cohort goes back.
            "pending_move": None,
            "waiting_move": None,  # and so is one waiting for a seat: nobody can be told
            **withdrawn,
        }
    )
