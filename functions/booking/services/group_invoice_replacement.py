"""A group's unpaid invoice voided at Stripe before the invoice replacing it is made (a place
given up before the employer paid: ``services.group_unpaid_give_up``), so an invoice paid while
the place is given up is never replaced and its payment given back whole.

Stripe decides, once: its void of an invoice paid meanwhile, or being paid by a bank debit, is
refused, and so is the give-up then (409 ``payment_being_recorded`` or ``payment_settling``, in
the words of ``domain.group_give_ups``), nothing changed; a void that holds means nothing can
pay the old invoice any more. The group records first that its invoice is being replaced
(``replacing_invoice``), so that Stripe's own ``invoice.voided`` for it, which may arrive before
the replacement's save, ends nothing (``domain.group_stripe_events.decide_ended``); the
replacement's save clears the mark, and a refused void clears it too.

Between the void and that save, Stripe may fail to make the new invoice (it is unreachable),
or the function be stopped: the group then still holds its places on the old invoice, now
void, and is marked as being replaced (with the place and the moment). The manager's answer
says so (503), and trying again completes it: the void is asked again (Stripe answers that it
is void already) and the new invoice made. Nobody trying, the sweep completes it a few minutes
on (``group_replacement_sweep``). The organisers can void the group's invoice then as at any
time, which ends it; never replaced by the old invoice's due date, it lapses then as
``replacement_not_made`` (``group_sweep``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from aws_lambda_powertools import Logger

from booking.domain.billing import InvoiceRef
from booking.domain.billing_details import BillingDetails
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.group_figures import not_replacing
from booking.domain.group_give_ups import being_recorded_refused, settling_refused
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.invoices import InvoicePaying
from booking.services.concurrency import retried
from booking.services.groups import group_reader
from booking.services.invoice_requests import (
    invoice_held,
    paying_of,
    void_at_stripe,
    void_unanswered,
)
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice

logger = Logger(child=True)


def voided_for_replacement(
    ports: Ports,
    group: GroupBooking,
    number: int | None,
    now: datetime,
    billing: BillingDetails | None = None,
) -> GroupBooking:
    """``group``'s invoice voided at Stripe, ``group`` saved first as replacing it (for place
    ``number`` given up, or to ``billing``, an organiser's correction; since ``now``, unless
    marked so already): the group as saved (the version the
    replacement's save expects). Refused, the mark cleared, nothing
    else changed: Conflict ``payment_being_recorded`` when Stripe holds the invoice paid,
    ``payment_settling`` when it keeps it open (a payment of it processing at the bank). A
    StaleWrite when the group changed since it was read."""
    invoice = group.invoice
    assert invoice is not None
    marked = group
    marking = (invoice.invoice_id, number, billing)
    if (group.replacing_invoice, group.replacing_place, group.replacing_billing) != marking:
        again = group.replacing_invoice == invoice.invoice_id and group.replacing_since
        mark = {
            "replacing_invoice": invoice.invoice_id,
            "replacing_place": number,
            "replacing_billing": billing,
            # Left half done since the first try: the sweep's clock runs from then.
            "replacing_since": group.replacing_since if again else now,
        }
        marked = ports.groups.save_group(group.model_copy(update=mark), group)
    try:
        held = void_at_stripe(ports, invoice.invoice_id)
    except DependencyUnavailable as error:  # said as the one-person void's
        raise void_unanswered(error) from error
    if not held.on_its_way:
        return marked
    unmarked(ports, group.group_id, invoice.invoice_id)
    logger.info(
        "a group's invoice not replaced: Stripe kept it", extra={"group_id": group.group_id}
    )
    if held is InvoicePaying.PAID:
        raise being_recorded_refused()
    raise settling_refused(group)


def unmarked(ports: Ports, group_id: str, invoice_id: str) -> None:
    """The group no longer marked as replacing ``invoice_id`` (its void refused, or the sweep
    finding it open or paid)."""

    def clear(current: GroupBooking) -> None:
        if current.replacing_invoice == invoice_id:
            ports.groups.save_group(not_replacing(current), current)

    retried(clear, group_reader(ports, group_id))


def unrecorded_voided(ports: Ports, group: GroupBooking, made: Sequence[str]) -> None:
    """Each invoice ``made`` by the tries of ``group``'s replacement (``replacing_with``, as
    recorded ahead, before each was finalized) that is not the invoice it records now, voided
    and its customer let go: one a try stopped before its save left open,
    which the employer could otherwise pay. Found by its recorded id, never by listing the
    account's invoices."""
    own = group.invoice.invoice_id if group.invoice is not None else None
    for invoice_id in made:
        if invoice_id != own:
            disown_invoice(ports, invoice_id)
            logger.info("an unrecorded invoice voided", extra={"group_id": group.group_id})


def recorded_ahead(ports: Ports, group: GroupBooking, invoice_id: str) -> None:
    """``invoice_id``, a replacement's draft, recorded among ``group``'s ``replacing_with``
    (the group read again as often as it changed) before it is finalized and sent. Refused
    (Conflict ``group_changed``) once the group, as read again, is no longer awaiting payment
    on that replacement, or an organiser asked for its invoice's void meanwhile: the adapter
    then voids the draft unsent, so the billing contact is never sent an invoice for a booking
    that ended."""

    def record(current: GroupBooking) -> None:
        if (
            current.status is not GroupStatus.AWAITING_INVOICE_PAYMENT
            or current.replacing_invoice != group.replacing_invoice
            or current.void_asked_for != group.void_asked_for
        ):
            raise Conflict("the booking changed meanwhile; please try again", code="group_changed")
        update = {"replacing_with": (*current.replacing_with, invoice_id)}
        ports.groups.save_group(current.model_copy(update=update), current)

    retried(record, group_reader(ports, group.group_id))


class EarlierTryInvoice(NamedTuple):
    """An invoice a stopped try of a group's replacement sent, as read at Stripe: ``invoice``
    as sent, and whether it is ``paid`` (False: a bank debit of it is still being confirmed)."""

    invoice: InvoiceRef
    paid: bool


def earlier_try_invoice(ports: Ports, group: GroupBooking) -> EarlierTryInvoice | None:
    """The invoice a try of ``group``'s replacement sent and never saved (recorded ahead among
    ``replacing_with``) that the employer paid, or is paying by a bank debit the bank is still
    confirming: it is the group's, to record as its invoice rather than send another (each
    read once at Stripe), and whether it is paid. One being paid was passed over, a third
    invoice sent and that one's void refused under the debit, so the employer paid for places
    the group then lost at the new invoice's due day. None: none is paid or being paid."""
    # Only here, for a replacement a try left half done (a reminders run's cold start leaves
    # the one-person act's invoicing out).
    from booking.services.invoice_issue import as_sent

    current = group.invoice.invoice_id if group.invoice is not None else None
    for invoice_id in group.replacing_with:
        held = invoice_held(ports, invoice_id) if invoice_id != current else None
        paying = paying_of(held)  # paid, or a bank debit of it processing: one rule
        if held is not None and paying.on_its_way:
            return EarlierTryInvoice(as_sent(invoice_id, held), paying is InvoicePaying.PAID)
    return None
