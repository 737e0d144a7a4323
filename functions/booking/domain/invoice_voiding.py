"""An organiser's act that voids one person's open invoice (their cancel of the booking, or a
bursary that replaces the invoice or leaves nothing to pay), recorded on the invoice
(``InvoiceRef.voiding``) before Stripe is asked to void it, and the act saved only once Stripe
holds it void (``services.invoice_requests.voided_first``): a payment of it begun meanwhile has
the void refused, and the act with it, so the payment is never taken and given back whole.

While the mark stands, Stripe's own ``invoice.voided`` of the invoice ends nothing
(``domain.invoices.decide_invoice``): the act's save ends or replaces it, in the act's words.
The mark says which act, so that one left half done (the function stopped between Stripe's
void and the save) is completed by the sweep (``services.invoice_void_sweep``) once
``LEFT_HALF_DONE_AFTER`` has passed, or taken back when Stripe never voided the invoice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import ConfigDict

from booking.domain.billing_details import BillingDetails
from booking.domain.model import Model
from booking.domain.validation import SaneInstant

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.groups import GroupBooking

# A void for an act (a group's invoice replacement, one person's cancel or bursary) still
# marked this long after it began was left half done (Stripe failed after the void, or the
# function was stopped): the sweep completes it, or takes the mark back.
LEFT_HALF_DONE_AFTER = timedelta(minutes=5)

# The sweep's completion of an act the organiser has since replaced with another (or ended):
# refused, the organiser's last act standing.
ACT_REPLACED = (
    "the act left half done was replaced meanwhile by another; the booking stands as the "
    "organiser last left it"
)


class VoidingFor(Model):
    """The organiser's act an invoice is being voided for, since when."""

    model_config = ConfigDict(frozen=True)

    since: SaneInstant
    bursary: int | None = None  # the bursary granted (pence); None: the booking cancelled
    refund: bool = False  # the cancel's: the money paid goes back (``Cancellation.refund``)
    # The person turned down the offered place the invoice holds (``domain.offer_declines``):
    # no organiser's act, the offer's end by the decline's one path.
    declined: bool = False
    # The person's erasure (``services.people``), which withdraws the booking in its own save.
    erased: bool = False
    # A group's place given up by its manager while its card payment is open (on the group's
    # checkout's mark: ``services.group_unpaid_give_up``): the place's number.
    place: int | None = None
    # An organiser's correction of the invoice (``domain.invoice_correction``): the billing
    # details the new invoice, for the same amount, goes to.
    corrected: BillingDetails | None = None
    # An organiser's invoice to the employer instead of the open card checkout
    # (``domain.invoice_instead``, on the checkout's mark): the billing details it goes to.
    invoiced_instead: BillingDetails | None = None

    def left_half_done_at(self) -> datetime:
        """When the sweep looks at the act, if it is still marked then."""
        return self.since + LEFT_HALF_DONE_AFTER

    @property
    def once_settled(self) -> str:
        """What the organiser may do instead while a bank debit of the invoice is processing
        (the act refused in the words of ``invoice_requests.settling_refused``)."""
        if self.declined:
            return DECLINE_ONCE_SETTLED
        if self.erased:
            return ERASE_ONCE_SETTLED
        if self.corrected is not None:
            return CORRECT_ONCE_SETTLED
        return GRANT_ONCE_SETTLED if self.bursary is not None else CANCEL_ONCE_SETTLED


def void_ends_the_hold(*, marked_for_an_act: bool, void_asked: bool) -> bool:
    """Whether Stripe's void of an invoice ends the hold it pays for: one rule for one
    person's invoice and a group's, each recording who asked. A void marked
    for an act that ends or replaces the invoice in its own save and words (a person's
    cancel, bursary, decline or erasure: ``InvoiceRef.voiding``; a group's replacement:
    ``replacing_invoice``) ends nothing, unless the void itself was asked for, recorded
    before it is applied (an organiser's void: ``InvoiceRef.void_asked``, a group's
    ``void_asked_for``)."""
    return not marked_for_an_act or void_asked


def voiding_of(application: Application) -> VoidingFor | None:
    """The organiser's act ``application``'s open invoice is being voided for, if any (a mark
    left on an invoice no longer open says nothing)."""
    invoice = application.invoice
    return invoice.voiding if invoice is not None and application.has_open_invoice() else None


def checkout_act_of(application: Application) -> VoidingFor | None:
    """The act ``application``'s open card checkout is being expired for (``CheckoutRef.
    expiring_for``), while it still holds the place it was opened for, or the checkout of the
    move it waits on (``PendingMove.expiring_for``); None otherwise."""
    pending = application.pending_move
    if pending is not None and pending.expiring and application.status.value == "confirmed":
        return pending.expiring_for
    checkout = application.checkout
    if checkout is None or not checkout.expiring or not application.seat_held:
        return None
    if application.status.value not in ("awaiting_payment", "offered"):
        return None
    return checkout.expiring_for


def checkout_marked(application: Application) -> str | None:
    """The session of the checkout whose expiry :func:`checkout_act_of` is for."""
    pending = application.pending_move
    if pending is not None and pending.expiring and application.status.value == "confirmed":
        return pending.session_id
    return application.checkout.session_id if application.checkout is not None else None


def act_marked(application: Application) -> VoidingFor | None:
    """The act ``application`` is marked for, on its open invoice or its open card checkout."""
    return voiding_of(application) or checkout_act_of(application)


def checkout_act_left_half_done(application: Application, now: datetime) -> bool:
    """Whether an act expiring ``application``'s open checkout was begun long enough before
    ``now`` to be left half done (its save never came): Stripe's expiry event or the sweep
    completes it (``services.checkout_acts``)."""
    act = checkout_act_of(application)
    return act is not None and act.left_half_done_at() <= now


def group_checkout_act(group: GroupBooking) -> VoidingFor | None:
    """The give-up of one place ``group``'s open card checkout is being expired for (its
    mark's act), while the group still waits for that payment; None otherwise."""
    checkout = group.checkout
    if group.status.value != "awaiting_payment" or checkout is None or not checkout.expiring:
        return None
    act = checkout.expiring_for
    return act if act is not None and act.place is not None else None


def left_half_done(application: Application, now: datetime) -> bool:
    """Whether an organiser's act voiding ``application``'s open invoice was begun long enough
    before ``now`` to be left half done (the sweep's to complete or take back)."""
    voiding = voiding_of(application)
    return voiding is not None and voiding.left_half_done_at() <= now


# What an organiser may do instead of granting under a bank debit of the invoice.
GRANT_ONCE_SETTLED = (
    "Grant a bursary only if the bank says the debit failed; once it is confirmed the booking "
    "is paid and a bursary can no longer be given"
)
# What an organiser may do instead of cancelling under a bank debit of the invoice.
CANCEL_ONCE_SETTLED = (
    "Once the bank confirms it, cancel the booking as a paid one (with or without its refund); "
    "if the bank says the debit failed, cancel it then"
)
# What the person may do instead of turning down an offered place under their employer's bank
# debit of its invoice.
DECLINE_ONCE_SETTLED = (
    "If the bank says the debit failed, you can turn the place down then; once it is "
    "confirmed your place is booked"
)
# What an organiser may do instead of correcting the invoice under a bank debit of it.
CORRECT_ONCE_SETTLED = (
    "Correct the invoice only if the bank says the debit failed; once it is confirmed the "
    "booking is paid and there is nothing left to invoice"
)
# What an organiser may do instead of erasing a person under their employer's bank debit of
# the invoice of their booking.
ERASE_ONCE_SETTLED = (
    "Nothing was erased: erase this person once the bank confirms the payment or says it failed "
    "(a few days)"
)


def contacts_in_marks(application: Application) -> tuple[BillingDetails, ...]:
    """The billing details an act still on its way names only in its mark, before its save
    makes them the application's (a correction's on its invoice, an invoice instead of the
    card's on its checkout): the erasure of such a contact finds the application by them,
    and ends the act (``services.marked_contacts``)."""
    found: list[BillingDetails] = []
    invoice = application.invoice
    if invoice is not None and invoice.voiding is not None and invoice.voiding.corrected:
        found.append(invoice.voiding.corrected)
    checkout = application.checkout
    marked = checkout.expiring_for if checkout is not None and checkout.expiring else None
    if marked is not None and marked.invoiced_instead is not None:
        found.append(marked.invoiced_instead)
    return tuple(found)


def contacts_named(application: Application | None) -> frozenset[str]:
    """Every billing contact ``application`` names (as lookups key them): its own, and any in
    an act's mark (:func:`contacts_in_marks`); the erased are no one's."""
    if application is None:
        return frozenset()
    from booking.domain.billing import billing_contact_of
    from booking.domain.former_contacts import former_contacts_named

    named = (billing_contact_of(b) for b in (application.billing, *contacts_in_marks(application)))
    # A contact an invoice was corrected away from too: still named (``former_contacts``).
    return frozenset(contact for contact in named if contact is not None) | former_contacts_named(
        application.former_billing
    )


def details_naming(application: Application, contact: str) -> BillingDetails | None:
    """The billing details on ``application`` that name ``contact`` (as lookups key it): its
    own, else an act's mark's (:func:`contacts_in_marks`), else a replaced invoice's; None:
    none do."""
    from booking.domain.billing import billing_contact_of
    from booking.domain.former_contacts import former_details

    for details in (application.billing, *contacts_in_marks(application)):
        if details is not None and billing_contact_of(details) == contact.strip().lower():
            return details
    return former_details(application.former_billing, contact)
