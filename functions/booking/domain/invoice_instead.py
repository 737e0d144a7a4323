"""An organiser invoices the employer instead of the card: the person chose to
pay by card, and their employer then said it will pay. The billing details are recorded and an
invoice for the price the application was accepted at (its code and bursary honoured: what was
promised) is sent on the course's invoice terms; the place stays held.

The decision is the one money path's (``domain.settlement``), as a corrected invoice is: the
open Checkout Session is expired at Stripe first, marked for this act
(``VoidingFor.invoiced_instead``: ``services.checkout_expiry``), so a card payment that got
there first wins (the booking confirmed by the card, the act refused in words, no invoice
sent); the invoice is then asked for before the save and recorded by it (``IssueInvoice``:
its id kept in ``invoices_issued``, believed for this application only); a switch left half
done between Stripe's expiry and the save is completed by the sweep or by Stripe's expiry
event (``services.checkout_acts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain import page_seen as shown
from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing_details import BillingDetails, PaymentMethod
from booking.domain.commands import ExpireCheckout, IssueInvoice, Refusal, Settlement, Situation
from booking.domain.lasting_refusals import TOO_LATE_FOR_INVOICE
from booking.domain.wording import status_named

S = ApplicationStatus
INVOICE_INSTEAD_AGAIN = "look at it again before invoicing the employer instead"
# Where a card checkout may be open and holding the place.
SWITCHABLE = frozenset({S.AWAITING_PAYMENT, S.OFFERED})
NOTHING_TO_PAY = Refusal(
    "nothing_to_pay",
    "this place has nothing to pay (it is booked already): no invoice is needed, nothing was "
    "changed",
)
SETTLING = Refusal(
    "payment_settling",
    "the person's bank payment through the card checkout is settling: nothing was changed. "
    "Wait until it is settled or has failed before invoicing the employer instead",
)
TOO_LATE = Refusal(
    TOO_LATE_FOR_INVOICE,
    "the course starts too soon for an invoice to fall due before it: nothing was changed; "
    "the person can still pay by card",
)


@dataclass(frozen=True)
class InvoicedInsteadOfCard:
    """An organiser has the employer at ``billing`` invoiced in place of the person's open card
    checkout, having seen the application as ``seen`` (``domain.page_seen``; None: not
    known): anything changed since the page is refused, not laid over it."""

    billing: BillingDetails
    seen: shown.Seen | None = None


def nothing_open(application: Application) -> Refusal:
    """Why ``application`` has no card payment open to switch, in words."""
    return Refusal(
        "no_open_card_payment",
        f"this application is {status_named(application.status)}: it has no card payment open "
        "to switch to an invoice, nothing was changed",
    )


def invoice_instead_of_card(
    application: Application, fact: InvoicedInsteadOfCard, situation: Situation
) -> Settlement:
    """The open card checkout replaced by an invoice to ``fact.billing`` for what is owed (the
    price accepted, less its bursary, its code applied), due by the course's terms, the place
    held; the checkout expired at Stripe first (``ExpireCheckout``, asked before the save by
    ``services.checkout_expiry``)."""
    if (
        application.payment_method is PaymentMethod.INVOICE
        and application.billing == fact.billing
        and application.has_open_invoice()
    ):
        # The same switch again (a form sent twice, the sweep after the organiser's retry).
        return Settlement("ignore", "invoiced instead already")
    if application.amount_due(situation.course_price) == 0:
        return _refusal(NOTHING_TO_PAY)
    checkout = application.checkout
    if not _card_open(application) or checkout is None:
        return _refusal(nothing_open(application))
    if checkout.completed_at is not None or application.payment_pending:
        return _refusal(SETTLING)
    if changed := _changed_since_seen(fact.seen, application, situation):
        return _refusal(changed)
    if situation.invoice_due_at is None:
        return _refusal(TOO_LATE)
    switched = application.model_copy(
        update={"billing": fact.billing, "invoice": None, "updated_at": situation.now}
    )
    return Settlement(
        "invoiced_instead",
        "card_replaced_by_invoice",
        switched,
        before_save=(
            IssueInvoice(
                situation.invoice_due_at, application.invoice_attempts + 1, recorded_first=True
            ),
        ),
        after_save=(ExpireCheckout(checkout.session_id),),
    )


def _changed_since_seen(
    seen: shown.Seen | None, application: Application, situation: Situation
) -> Refusal | None:
    """None while what the caller saw holds: the console's page, which names the day the
    invoice falls due, digests that moment with the application (``invoice_due_facts``), so
    a course whose dates moved since (or a day passed) refuses it; an /admin caller's ``seen``
    is the application's alone. Else what changed, in words."""
    now, due = situation.now, situation.invoice_due_at
    if seen is not None and seen.holds(shown.invoice_due_facts(application, due, now)):
        return None
    currency = situation.course_price.currency
    refused = shown.seen_refusal(seen, application, currency, INVOICE_INSTEAD_AGAIN, now=now)
    if refused is None or refused.code != shown.CHANGED:
        return refused
    either = "the application, or the day an invoice sent now falls due,"
    return shown.changed_refusal(application, currency, INVOICE_INSTEAD_AGAIN, either)


def _card_open(application: Application) -> bool:
    """Whether ``application`` holds its place on a card checkout of its own (not a move's)."""
    checkout = application.checkout
    return (
        application.status in SWITCHABLE
        and checkout is not None
        and application.seat_held
        and checkout.move is None
    )


def may_invoice_instead(application: Application) -> bool:
    """Whether the console offers *Invoice the employer instead* (what the decision accepts):
    a card checkout open, no bank payment of it settling, no act already closing it."""
    checkout = application.checkout
    return (
        _card_open(application)
        and checkout is not None
        and checkout.completed_at is None
        and not checkout.expiring
        and not application.payment_pending
    )


def _refusal(refusal: Refusal) -> Settlement:
    return Settlement("refused", refusal.code, refusal=refusal)
