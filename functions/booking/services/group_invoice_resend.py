"""An organiser has Stripe send a group booking's open invoice to its billing contact again
(``POST /admin/groups/{id}/invoice/resend`` and the console's group bookings page), as a one-person
booking's invoice is (``invoicing.resend_invoice``): the same Stripe call
(``invoicing.send_invoice_again``), the resend counted on the invoice the group recorded."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict
from booking.domain.group_figures import invoice_being_replaced
from booking.domain.groups import GroupBooking, GroupStatus
from booking.services.concurrency import retried
from booking.services.groups import find_group, group_reader
from booking.services.invoicing import send_invoice_again
from booking.services.ports import Ports

logger = Logger(child=True)


def resend_group_invoice(ports: Ports, group_id: str) -> GroupBooking:
    """Send the group's open invoice again. NotFound for an unknown group; Conflict
    ``no_open_invoice`` when it has none open (paid, ended, paid by card, or voided at Stripe
    to be replaced by one not made yet)."""
    group = find_group(ports, group_id)
    invoice = group.invoice
    if (
        invoice is None
        or group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT
        or invoice_being_replaced(group)
    ):
        raise Conflict("this group booking has no open invoice", code="no_open_invoice")
    send_invoice_again(ports, invoice.invoice_id)
    logger.info("group invoice sent again", extra={"group_id": group_id})

    def record(current: GroupBooking) -> GroupBooking:
        # Counted once Stripe has it; an invoice replaced meanwhile is not the one sent again.
        sent = current.invoice
        if sent is None or sent.invoice_id != invoice.invoice_id:
            return current
        again = sent.model_copy(update={"resent": sent.resent + 1})
        return ports.groups.save_group(current.model_copy(update={"invoice": again}), current)

    return retried(record, group_reader(ports, group_id), first=group)
