"""An organiser voids a group booking's unpaid invoice (``POST /admin/groups/{id}/invoice/void``
and the console's group bookings page), as they can a one-person invoice
(``invoicing.void_by_organiser``).

The group first records that an organiser asks for its invoice's void (``void_asked_for``);
the invoice is voided at Stripe then (refused if it was paid: the payment's event confirms the
group), and what Stripe's own ``invoice.voided`` means for the group is applied through the
webhook's own path (``payments.apply_invoice_event``): the seats go back and are offered to the
waiting list, the manager is told. One path for money. Whichever comes first, this step or
Stripe's event (which may arrive while Stripe is still answering), the group ends as voided by
an organiser (``domain.group_stripe_events.ending_of``), and the manager is told so once; what
comes second changes nothing.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking, GroupStatus, void_asked
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind, InvoicePaying
from booking.domain.page_seen import Seen, group_refusal, group_seen
from booking.services.concurrency import retried
from booking.services.group_invoice_replacement import unrecorded_voided
from booking.services.groups import find_group, group_reader, invoice_paying
from booking.services.invoice_requests import settling_refused, void_at_stripe
from booking.services.payments import apply_invoice_event
from booking.services.ports import Ports

logger = Logger(child=True)


def void_group_invoice(ports: Ports, group_id: str, seen: Seen | None = None) -> GroupBooking:
    """Void the group's open invoice at Stripe and let its seats go, as Stripe's own
    ``invoice.voided`` would. NotFound for an unknown group; Conflict ``no_open_invoice`` when
    it has none open (paid, lapsed, by card, or voided already), ``invoice_paid`` when Stripe
    says it was paid first (its confirmation is on its way), ``payment_settling`` while a bank
    debit of it is processing, read first or, begun since that read, when
    Stripe keeps the invoice open as it is asked to void it (only Stripe's
    ``void`` is voided: ``void_at_stripe``). A void Stripe refuses or does not answer
    withdraws the organisers' ask (``_ask_withdrawn``). ``seen``: what the organiser's page
    showed (``page_seen.group_facts``), compared in the ask's own save, before Stripe is
    asked: changed since (another invoice, a place given up), 409, nothing voided."""
    read = find_group(ports, group_id)
    _refuse_while_paid(read, invoice_paying(ports, read))
    group = retried(
        lambda current: _void_asked(ports, current, seen), group_reader(ports, group_id)
    )
    invoice = group.invoice
    assert invoice is not None
    try:
        # Stripe's void decides: refused under a payment begun since the read, never taken
        # as done.
        held = void_at_stripe(ports, invoice.invoice_id)
    except (Conflict, DependencyUnavailable):
        _ask_withdrawn(ports, group.group_id, invoice.invoice_id)
        raise
    if held.on_its_way:
        _ask_withdrawn(ports, group.group_id, invoice.invoice_id)
        _refuse_while_paid(group, held)
    after = voided_at_our_ask(ports, group, invoice.invoice_id, "by-organiser")
    # A replacement left half done may have sent an invoice its save never recorded: the
    # booking has ended, so none of it stays payable (by the ids it recorded).
    unrecorded_voided(ports, after, group.replacing_with)
    # Still the group's invoice, so the void ended the booking: a give-up saves a new invoice
    # only while ``void_asked_for`` is as it read it, and is refused once it is asked
    # (``group_give_ups.refuse_while_voided``).
    return after


def voided_at_our_ask(ports: Ports, group: GroupBooking, invoice_id: str, by: str) -> GroupBooking:
    """Stripe voided ``invoice_id``, as this system asked (``void_asked_for``, ``by``: whose
    ask, in the event's id): applied as Stripe's own ``invoice.voided`` is, which may have come
    first (``domain.group_stripe_events.ending_of`` says why it ended either way). The group
    after."""
    voided = InvoiceEvent(
        event_id=f"voided-{by}-{invoice_id}",
        kind=InvoiceEventKind.VOIDED,
        invoice_id=invoice_id,
        # What Stripe's own event names: the invoice's metadata carries the group's id.
        application_id=group.group_id,
    )
    outcome = apply_invoice_event(ports, voided)
    logger.info(
        "group invoice voided at our ask",
        extra={"group_id": group.group_id, "by": by, "action": outcome.action},
    )
    return find_group(ports, group.group_id)


def _refuse_while_paid(group: GroupBooking, paying: InvoicePaying) -> None:
    """Refused, nothing changed, while a payment of ``group``'s open invoice is on its way
    (``paying``: read before Stripe is asked to void, as the give-up's and the sweep's read,
    ``services.groups.invoice_paying``, or Stripe's answer to the void): a bank debit
    processing (days; voided under it, the places would go and the payment be given back whole
    when the bank confirms it), or paid, its event not yet here (its
    confirmation books the places)."""
    if not paying.on_its_way:
        return
    if paying is InvoicePaying.PAID:
        raise _paid_already()
    raise _settling(group)


def _settling(group: GroupBooking) -> Conflict:
    """The refusal of voiding ``group``'s invoice while a bank debit of it is processing."""
    assert group.invoice is not None  # only an open invoice is read or voided
    then = (
        "Void it only if the bank says the debit failed; once it is confirmed the booking is paid"
    )
    return settling_refused(group.invoice, then, whose="this group's invoice")


def _paid_already() -> Conflict:
    return Conflict(
        "this group's invoice was paid already; its confirmation is on its way",
        code="invoice_paid",
    )


def _ask_withdrawn(ports: Ports, group_id: str, invoice_id: str) -> None:
    """The organisers' ask to void ``invoice_id`` no longer recorded: Stripe refused that void,
    or could not be asked, so the booking does not end with it, and the manager's give-ups are
    not refused as though it would. An ask made for another reason
    (an erasure) stays."""

    def withdraw(current: GroupBooking) -> None:
        if (
            current.void_asked_for == invoice_id
            and current.void_asked_because is GroupEnding.VOIDED_BY_ORGANISER
        ):
            update = {"void_asked_for": None, "void_asked_because": None}
            ports.groups.save_group(current.model_copy(update=update), current)

    retried(withdraw, group_reader(ports, group_id))


def _void_asked(ports: Ports, group: GroupBooking, seen: Seen | None) -> GroupBooking:
    """``group``, saved recording the organiser's ask to void its open invoice (Conflict
    ``no_open_invoice`` when it has none; ``application_changed`` when it is not as ``seen``
    showed it: decided on the read this save holds to)."""
    invoice = group.invoice
    if invoice is None or group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT:
        raise Conflict("this group booking has no open invoice", code="no_open_invoice")
    if seen is not None and seen.digests and group_seen(group) not in seen.digests:
        refused = group_refusal(group)
        raise Conflict(refused.message, code=refused.code)
    if group.void_asked_for == invoice.invoice_id:
        return group  # asked already (a retry): nothing to write
    asked = void_asked(group, invoice.invoice_id, ports.clock(), GroupEnding.VOIDED_BY_ORGANISER)
    return ports.groups.save_group(asked, group)
