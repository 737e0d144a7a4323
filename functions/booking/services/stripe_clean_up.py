"""What a money decision closes at Stripe after its save (``services.settle``): a checkout
nobody is to pay expired, an invoice that no longer holds a place voided, and what Stripe
answered recorded at once, so that what every view says of the invoice is what Stripe holds."""

from __future__ import annotations

from collections.abc import Sequence

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.commands import AfterSave, ExpireCheckout
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.services.concurrency import load_application, retried
from booking.services.invoice_requests import void_quietly
from booking.services.ports import Ports

logger = Logger(child=True)


def clean_up(ports: Ports, saved: Application, commands: Sequence[AfterSave]) -> Application:
    """Close at Stripe what no longer holds a place; record what Stripe answered."""
    for command in commands:
        if isinstance(command, ExpireCheckout):
            expire_quietly(ports, command.session_id)
            continue
        answer = void_quietly(ports, command.invoice_id)
        if answer is not None:
            saved = _record_invoice_status(ports, saved, command.invoice_id, answer)
    return saved


def expire_quietly(ports: Ports, session_id: str) -> None:
    """Expire a checkout nobody is to pay any more (detached already, or never shown): if it
    is paid after all, the payment's webhook gives the money back. Best effort."""
    try:
        ports.payments.expire_checkout(session_id)
    except (DependencyUnavailable, Conflict):
        logger.warning("checkout left to expire", extra={"session_id": session_id})


def _record_invoice_status(
    ports: Ports, saved: Application, invoice_id: str, status: str
) -> Application:
    """The invoice's status as Stripe answered, on the application holding it (if it still
    does, and says otherwise)."""

    def record(current: Application) -> Application:
        invoice = current.invoice
        if invoice is None or invoice.invoice_id != invoice_id or invoice.status == status:
            return current
        told = invoice.model_copy(update={"status": status})
        return ports.repository.save(current.model_copy(update={"invoice": told}), current)

    return retried(record, lambda: load_application(ports, saved.application_id), first=saved)
