"""The payment provider's objects an application or a group booking recorded: Stripe's events
about them are believed for it alone, and erasure finds the customers its invoices were
addressed to (one customer per invoice, holding the billing contact's name, email and
address). Each invoice is recorded on what it belongs to in the save that records it as
current (``with_invoice`` for a group, ``payment_settlement.invoiced`` for an application),
so a replaced one is never forgotten, and an act's new invoice already while it is a draft
(``invoices_issued``, a group's ``replacing_with``): one a try stopped after sending is the
booking's, and its payment confirms it; one whose save failed belongs to nothing and its
customer is deleted at once (``services.provider_erasure.disown_invoice``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # read, never built here: no import cycle with the model
    from booking.domain.application import Application
    from booking.domain.billing import InvoiceRef
    from booking.domain.groups import GroupBooking


def provider_objects(application: Application) -> set[str]:
    """The ids of the provider's objects this application recorded: every checkout session it
    opened and every invoice sent for it, one an act recorded as a draft and never saved as
    current too (it is the booking's: its payment confirms the booking). Stripe's events
    about them are believed for it alone."""
    opened = {ref.session_id for ref in application.checkout_history}
    current = (application.checkout.session_id,) if application.checkout else ()
    return opened | {*current, *invoices_ever_issued(application)}


def payments_recorded(application: Application) -> tuple[str, ...]:
    """Every payment the application recorded, once each: its payments in the order Stripe
    reported them, then its current one if it is not among them. Refunds of these are the
    application's (the repository indexes each by it; the money path asks Stripe about each)."""
    found = (*(p.payment_intent for p in application.payments), application.payment_intent)
    return tuple(dict.fromkeys(p for p in found if p))


def invoices_ever_issued(application: Application) -> tuple[str, ...]:
    """Every invoice sent for the application (records from before ``invoices_issued`` was
    kept: their current invoice)."""
    current = (application.invoice.invoice_id,) if application.invoice else ()
    return tuple(dict.fromkeys((*application.invoices_issued, *current)))


def sent_and_never_saved(application: Application) -> str | None:
    """The invoice an act recorded while it was a draft (``IssueInvoice.recorded_first``)
    whose change was never saved (the function stopped after the provider sent it, or the
    save lost a race): the last one issued, when it is not the current one. None: none."""
    if not application.invoices_issued:
        return None
    last = application.invoices_issued[-1]
    current = application.invoice.invoice_id if application.invoice is not None else None
    return None if last == current else last


def sent_earlier_may_be_paid(application: Application, *, too_late: bool) -> str | None:
    """The invoice a stopped try of an act on ``application`` sent and never saved
    (:func:`sent_and_never_saved`), when time refuses the act otherwise (``too_late``: a
    correction past its invoice's due time; an invoice instead of the card, or the rest after
    a bursary, once none could fall due before the course starts): the employer may have paid
    it, so it is read at Stripe first, and a paid one is recorded as the booking's, nothing
    new made, so time refuses nothing of it. None: no such invoice, or time refuses nothing
    (nothing to read)."""
    return sent_and_never_saved(application) if too_late else None


def adopted_from_an_earlier_try(before: Application, after: Application) -> str | None:
    """The invoice ``after`` holds as current that an earlier try of the act sent and never
    saved (``sent_and_never_saved`` of ``before``, recorded as current by this act, as the
    employer paid it); None: the act sent a new invoice, or changed none."""
    earlier = sent_and_never_saved(before)
    current = after.invoice.invoice_id if after.invoice is not None else None
    return earlier if earlier is not None and earlier == current else None


def provider_objects_of_group(group: GroupBooking) -> set[str]:
    """The Stripe objects this group recorded: events about them are believed for it alone.
    Its checkout, its invoice, the payment it keeps, and every payment it gave back whole (a
    payment of a replaced checkout or a voided invoice): the refund this system made of one
    is the group's, so Stripe's events about that refund are acknowledged as the group's."""
    found = {group.checkout.session_id} if group.checkout else set()
    # A replacement's invoice recorded ahead, before Stripe sent it, is the group's too (a
    # try stopped before its save: the employer may pay it).
    found.update(group.replacing_with)
    if group.invoice is not None:
        found.add(group.invoice.invoice_id)
    if group.payment_intent:
        found.add(group.payment_intent)
    return found | set(group.given_back)


def with_invoice(group: GroupBooking, invoice: InvoiceRef) -> GroupBooking:
    """``group`` with ``invoice`` as its current one, recorded among every invoice sent for
    it (with the one it replaces, for a group saved before they were kept)."""
    return group.model_copy(
        update={"invoice": invoice, "invoices_issued": (*group_invoices(group), invoice.invoice_id)}
    )


def group_invoices(group: GroupBooking) -> tuple[str, ...]:
    """Every invoice sent for ``group``, its current one last (records from before
    ``invoices_issued`` was kept: their current invoice)."""
    current = (group.invoice.invoice_id,) if group.invoice else ()
    return tuple(dict.fromkeys((*group.invoices_issued, *current)))
