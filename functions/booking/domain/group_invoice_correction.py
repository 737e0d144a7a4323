"""An organiser corrects a group booking's open invoice, as one person's can be
(``domain.invoice_correction``): the billing details replaced, a new invoice for the same places
at the same price, due on the same day, sent to them; the old one voided at Stripe first. What
may be corrected, and the group as the correction saves it. Pure rules, no I/O;
``services.group_invoice_correction`` carries them out on the group's replacement machinery
(``services.group_invoice_replacement``: the mark, the void first, the sweep's completion).
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.billing import InvoiceRef
from booking.domain.billing_details import BillingDetails
from booking.domain.errors import Conflict
from booking.domain.former_contacts import kept_when_corrected
from booking.domain.group_figures import invoice_being_replaced, not_replacing
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.lasting_refusals import TOO_LATE_FOR_INVOICE
from booking.domain.page_seen import CHANGED, Seen, group_seen
from booking.domain.payer import group_replaced_invoice_notice
from booking.domain.provider_objects import with_invoice

HEADING = "the corrected billing details need attention"
NO_OPEN_INVOICE = (
    "this group booking has no open invoice to correct (paid, ended, paid by card or voided): "
    "nothing was changed"
)


def correction_half_done(group: GroupBooking) -> bool:
    """Whether an organiser's correction of ``group``'s invoice was left half done: the
    invoice it has now marked as being replaced (already void at Stripe) to the corrected
    details (``replacing_billing``), the new one not made yet. A mark left for an invoice that
    is no longer the group's own is not one."""
    return invoice_being_replaced(group) and group.replacing_billing is not None


def correction_offered(group: GroupBooking) -> bool:
    """Whether ``group``'s invoice is offered a correction (the console's card and its page
    alike): an open invoice with billing details, not being replaced for a place given up (a
    correction of it left half done may be pressed again)."""
    return (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and group.invoice is not None
        and group.billing is not None
        and (not invoice_being_replaced(group) or correction_half_done(group))
    )


def billing_to_correct(group: GroupBooking) -> BillingDetails | None:
    """The billing details a correction's page shows to correct: those a correction left half
    done was marked with (to press again), otherwise those the invoice went to."""
    if correction_half_done(group):
        return group.replacing_billing
    return group.billing


def corrects_nothing(group: GroupBooking, billing: BillingDetails) -> bool:
    """Whether ``billing`` is what ``group``'s invoice is addressed to already, no correction
    of it half done: the same details again (a press twice, a second tab) send nothing."""
    return group.replacing_billing is None and billing.prints_as(group.billing)


def as_its_page_showed(group: GroupBooking) -> GroupBooking:
    """``group`` as the correction's page showed it: a correction's own mark, left by a try
    that Stripe failed after the void, is not a change the page did not show (pressing again
    completes that correction)."""
    if group.replacing_billing is None:
        return group
    return group.model_copy(
        update={"replacing_invoice": None, "replacing_since": None, "replacing_billing": None}
    )


def correction_refused(
    group: GroupBooking, seen: Seen | None, now: datetime, *, earlier_try_paid: bool = False
) -> Conflict | None:
    """Why ``group``'s invoice may not be corrected now (None: it may). ``seen``: what the
    organiser's page showed (``page_seen.group_facts``); None for the sweep's completion.
    ``earlier_try_paid``: the corrected invoice a stopped try sent is paid, or being paid by a
    bank debit (read at Stripe once past the due time:
    ``group_figures.earlier_try_may_be_paid``), so nothing new is made and the due time
    refuses nothing: that invoice is recorded as the group's."""
    invoice = group.invoice
    if invoice is None or group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT:
        return Conflict(NO_OPEN_INVOICE, code="no_open_invoice")
    if group.void_asked_for == invoice.invoice_id:
        return Conflict(
            "the organisers are cancelling this group's invoice: nothing was changed",
            code="invoice_being_voided",
        )
    if group.replacing_invoice == invoice.invoice_id and group.replacing_place is not None:
        return Conflict(
            f"place {group.replacing_place} is being given up and its new invoice is not made "
            "yet: nothing was changed. Correct the invoice once it is sent",
            code="place_being_given_up",
        )
    if (
        seen is not None
        and seen.digests
        and group_seen(as_its_page_showed(group)) not in (seen.digests)
    ):
        return Conflict(
            "the group booking changed since you last looked at it (another invoice, a place "
            "given up or a payment): nothing was changed; look at it again before correcting "
            "its invoice",
            code=CHANGED,
        )
    return _due_refusal(invoice, now, earlier_try_paid=earlier_try_paid)


def _due_refusal(invoice: InvoiceRef, now: datetime, *, earlier_try_paid: bool) -> Conflict | None:
    """Too late for a corrected invoice once ``invoice`` falls due, unless the one a stopped
    try sent is paid or being paid (``earlier_try_paid``: recorded, nothing new made)."""
    if invoice.due_at > now or earlier_try_paid:
        return None
    return Conflict(
        "the invoice falls due today, too late for a corrected one: nothing was changed. "
        "Void it, and ask the manager to book again",
        code=TOO_LATE_FOR_INVOICE,
    )


def corrected(
    group: GroupBooking, invoice: InvoiceRef, billing: BillingDetails, now: datetime
) -> GroupBooking:
    """``group`` on its corrected invoice ``invoice``, addressed to ``billing``, the
    correction's mark cleared: its places, their price and their employer's share as they
    were; the billing contact the old invoice went to, when another, told it was replaced."""
    old = group.invoice
    former = group.former_billing
    if old is not None:  # the contact it went to, when another, stays named (Stripe holds them)
        former = kept_when_corrected(former, group.billing, old.invoice_id, billing)
    update = {"billing": billing, "former_billing": former, "updated_at": now}
    new = not_replacing(with_invoice(group, invoice)).model_copy(update=update)
    # The contact the old invoice went to, when it is another, is told it was replaced.
    told = group_replaced_invoice_notice(group, billing)
    return new.with_emails(told) if told is not None else new
