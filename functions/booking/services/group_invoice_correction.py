"""An organiser corrects a group booking's open invoice (``POST /admin/groups/{id}/invoice/
correct``, the console's group card, the CLI's ``correct-group-invoice``), as one person's
invoice is corrected (``services.invoice_correction``): the billing details as one person's
are checked (``invoice_correction.billing_typed``), a new invoice for the same places at the
same price and due day is sent to them, the old one voided at Stripe first; the places and
each one's employer share are unchanged.

The group's own replacement machinery carries it (``group_invoice_replacement``), one path
with a place given up before payment: the group is marked as replacing its invoice, to these
details (``replacing_billing``), before Stripe is asked to void it, so Stripe's own
``invoice.voided`` of it ends nothing; a payment of the old invoice that got there first has
the void refused and the correction with it, the mark cleared, the payment kept (its event
pays the group). The new invoice's draft is recorded ahead of its sending
(``recorded_ahead``), so one made by a try stopped before its save is voided by the step that
completes it. A correction Stripe failed after the void is completed by pressing again, or by
the sweep (``group_replacement_sweep``) to the details marked.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.billing import InvoiceRef
from booking.domain.billing_details import BillingDetails, refuse_without_po
from booking.domain.course import Course
from booking.domain.erasure import refuse_new_invoice
from booking.domain.errors import (
    PAYMENT_BEING_RECORDED,
    PAYMENT_SETTLING,
    Conflict,
    DependencyUnavailable,
    StaleWrite,
)
from booking.domain.group_figures import earlier_try_may_be_paid, still_replacing
from booking.domain.group_invoice_correction import (
    HEADING,
    corrected,
    correction_refused,
    corrects_nothing,
)
from booking.domain.groups import GroupBooking
from booking.domain.invoices import InvoicePaying
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import (
    EarlierTryInvoice,
    earlier_try_invoice,
    recorded_ahead,
    unrecorded_voided,
    voided_for_replacement,
)
from booking.services.groups import find_group, group_reader, invoice_for_places, invoice_paying
from booking.services.invoice_correction import PO_NEEDED
from booking.services.invoice_issue import paid_by_an_earlier_try_applied
from booking.services.invoice_requests import settling_refused
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice

logger = Logger(child=True)

CHANGED_MEANWHILE = "the group booking changed meanwhile: nothing was changed; please try again"
PAID_FIRST = (
    "the employer has paid this group's invoice, and the payment is being recorded: nothing "
    "was changed. Its confirmation makes the places the colleagues' to apply for"
)
EARLIER_TRY_PAID = (
    "the employer has paid the corrected invoice sent when this was first pressed: it pays "
    "the group's places, and nothing more was sent"
)
STRIPE_FAILED = (
    "the payment provider could not make the corrected invoice, and the old invoice is "
    "already cancelled, so it can no longer be paid. Every place is kept: trying again in a "
    "few minutes sends the corrected invoice (if nobody does, it is made and sent to the "
    "corrected billing details within half an hour)"
)


def correct_group_invoice(
    ports: Ports,
    group_id: str,
    billing: BillingDetails,
    *,
    read_against: ReadAgainst[BillingDetails] = NOTHING_READ,
) -> tuple[GroupBooking, bool]:
    """The group's open invoice sent again to ``billing``: the group after, and whether this
    request changed it (the same details again: nothing sent). NotFound for an unknown group;
    422 without a PO the course needs; 409 as ``domain.group_invoice_correction`` says, or
    while a payment of the invoice is on its way. ``read_against``: what the organiser's page
    showed; or the sweep's completion of a correction to these details left half done, only
    while the group still carries that mark."""
    group = find_group(ports, group_id)
    read_against.refuse_if_replaced(group.replacing_billing)
    course = existing_course(ports, group.course_id)
    refuse_without_po(course.definition.po_required, billing, HEADING, PO_NEEDED)
    if corrects_nothing(group, billing):
        return group, False
    now = ports.clock()
    # Past the due time, a corrected invoice a stopped try sent that the employer paid, or is
    # paying by a bank debit, is read first (once): it completes the correction, nothing new.
    earlier = earlier_try_invoice(ports, group) if earlier_try_may_be_paid(group, now) else None
    refusal = correction_refused(
        group, read_against.seen, now, earlier_try_paid=earlier is not None
    )
    if refusal is not None:
        raise refusal
    refuse_new_invoice(group)  # its contact erased: nobody to send a new invoice to
    old = group.invoice
    assert old is not None  # open (``correction_refused``)
    if group.replacing_invoice != old.invoice_id:
        # Read once before the void: a payment on its way refuses it, nothing written.
        _refuse_while_paid(group, invoice_paying(ports, group))
    marking = _marked(ports, group, billing)
    return _replaced(
        ports, marking, course, billing, pressed=read_against.pressed, earlier_read=earlier
    )


def _replaced(
    ports: Ports,
    marking: GroupBooking,
    course: Course,
    billing: BillingDetails,
    *,
    pressed: bool,
    earlier_read: EarlierTryInvoice | None = None,
) -> tuple[GroupBooking, bool]:
    """``marking``'s invoice (void at Stripe) replaced by the corrected one: sent now, or the
    one an earlier try sent that the employer paid, its payment then applied (``pressed``: the
    organiser told so, 409 ``invoice_paid``), or is paying by a bank debit (its ``invoice.paid``
    pays the group). The group after, and whether this changed it. ``earlier_read``: that
    invoice, read already (None: not read yet, or none paid or being paid)."""
    old = marking.invoice
    assert old is not None
    group_id = marking.group_id
    # Paid, or being paid by a bank debit: the group's invoice, nothing more sent.
    earlier = earlier_read or earlier_try_invoice(ports, marking)
    if earlier is not None:
        invoice = earlier.invoice.model_copy(update={"attempt": old.attempt + 1})
    else:
        made = _corrected_invoice(ports, marking, course, billing)
        if isinstance(made, GroupBooking):
            return made, False  # the same correction saved meanwhile (a press twice) acted
        invoice = made
    saved, changed = _saved(ports, marking, invoice, billing, adopted=earlier is not None)
    unrecorded_voided(ports, saved, marking.replacing_with)
    logger.info("group invoice corrected", extra={"group_id": group_id, "changed": changed})
    if earlier is None or not earlier.paid:
        return saved, changed  # a debit on its way: its invoice.paid pays the group
    paid_by_an_earlier_try_applied(ports, group_id, invoice.invoice_id)
    if pressed:  # the organiser's press: nothing of what they asked was sent
        raise Conflict(EARLIER_TRY_PAID, code="invoice_paid")
    return find_group(ports, group_id), changed


def _corrected_invoice(
    ports: Ports, marking: GroupBooking, course: Course, billing: BillingDetails
) -> InvoiceRef | GroupBooking:
    """The corrected invoice sent to ``billing``, its draft recorded ahead; or the group as a
    press twice saved the same correction meanwhile (nothing more to send)."""
    old = marking.invoice
    assert old is not None
    try:
        return invoice_for_places(
            ports,
            marking,
            course,
            billing=billing,
            due_at=old.due_at,
            attempt=old.attempt + 1,
            drafted=lambda made: recorded_ahead(ports, marking, made),
        )
    except Conflict:
        # Its draft refused (``recorded_ahead``) and voided unsent: the group changed while
        # Stripe made it. The same correction saved meanwhile (a press twice) acted.
        fresh = find_group(ports, marking.group_id)
        if corrects_nothing(fresh, billing):
            return fresh
        raise
    except DependencyUnavailable as error:
        raise DependencyUnavailable(
            STRIPE_FAILED,
            code=error.code,
            retry_after_seconds=error.retry_after_seconds,
            details=error.details,
        ) from error


def _marked(ports: Ports, group: GroupBooking, billing: BillingDetails) -> GroupBooking:
    """``group`` saved as correcting its invoice to ``billing``, that invoice voided at
    Stripe: refused in the organisers' words when Stripe holds it paid or being paid."""
    try:
        return voided_for_replacement(ports, group, None, ports.clock(), billing=billing)
    except StaleWrite:
        raise Conflict(CHANGED_MEANWHILE, code="group_changed") from None
    except Conflict as refused:
        if refused.code == PAYMENT_BEING_RECORDED:
            raise Conflict(PAID_FIRST, code=PAYMENT_BEING_RECORDED) from None
        if refused.code == PAYMENT_SETTLING:
            _refuse_while_paid(group, InvoicePaying.PROCESSING)
        raise


def _refuse_while_paid(group: GroupBooking, paying: InvoicePaying) -> None:
    """Refused, nothing changed, while a payment of ``group``'s invoice is on its way."""
    if not paying.on_its_way:
        return
    if paying is InvoicePaying.PAID:
        raise Conflict(PAID_FIRST, code=PAYMENT_BEING_RECORDED)
    assert group.invoice is not None
    then = "Correct it only if the bank says the debit failed; once it is confirmed it is paid"
    raise settling_refused(group.invoice, then, whose="this group's invoice")


def _saved(
    ports: Ports,
    marking: GroupBooking,
    invoice: InvoiceRef,
    billing: BillingDetails,
    *,
    adopted: bool = False,
) -> tuple[GroupBooking, bool]:
    """The group saved on its corrected ``invoice`` (``marking``: as marked for it). Saved
    over a group changed in nothing the invoice asks (a colleague named on a place, Stripe's
    ``invoice.voided`` of the old invoice recorded); otherwise, or if the save fails for any
    other reason, the new invoice is voided and its customer let go (not one an earlier try
    sent that the employer paid, ``adopted``: it stays the group's, among ``replacing_with``).
    Whether this request saved it (False: the same correction saved by another meanwhile)."""
    old = marking.invoice
    assert old is not None

    def save(current: GroupBooking) -> GroupBooking:
        if current.invoice is not None and current.invoice.invoice_id == invoice.invoice_id:
            return current  # saved already (a press twice, each making the same request)
        if corrects_nothing(current, billing) and current.invoice != old:
            # Corrected meanwhile to these details by a press twice: that one acted.
            raise _DoneMeanwhile(current)
        unchanged = (
            still_replacing(current, old.invoice_id)
            and current.replacing_billing == billing
            and (current.places_kept, current.price) == (marking.places_kept, marking.price)
            and current.void_asked_for == marking.void_asked_for
        )
        if not unchanged:
            raise Conflict(CHANGED_MEANWHILE, code="group_changed")
        return ports.groups.save_group(corrected(current, invoice, billing, ports.clock()), current)

    try:
        return retried(save, group_reader(ports, marking.group_id), first=marking), True
    except _DoneMeanwhile as done:
        if not adopted:
            disown_invoice(ports, invoice.invoice_id)
        return done.group, False
    except BaseException:
        if not adopted:
            disown_invoice(ports, invoice.invoice_id)
        raise


class _DoneMeanwhile(Exception):
    """The same correction saved by another request meanwhile (``group``: as it saved it)."""

    def __init__(self, group: GroupBooking) -> None:
        super().__init__("corrected meanwhile")
        self.group = group
