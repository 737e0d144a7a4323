"""What an organiser said of a payment received outside Stripe (``domain.payment_received``: the
day, the way, the bank's reference), recorded on the invoice it paid once Stripe holds that
invoice paid and the booking is confirmed by it (``services.paid_off_stripe``): one person's
booking, or a group's. Recorded once: a second press, or a replay, changes nothing."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef
from booking.domain.groups import GroupBooking
from booking.domain.payment_received import PaymentReceived, refuse_unless_in_time
from booking.services.concurrency import load_application, retried
from booking.services.groups import find_group
from booking.services.ports import InvoiceAtStripe, Ports


def refuse_unless_believable(
    ports: Ports, received: PaymentReceived | None, held: InvoiceAtStripe | None, course_id: str
) -> None:
    """The day received, if given, neither in the future nor before the invoice was sent (as
    Stripe holds it: ``held``, read once by the press): InvalidInput on ``received_on``, asked
    before Stripe is asked to mark anything, so nothing is written."""
    if received is None or received.received_on is None:
        return
    course = ports.repository.get_course(course_id)
    zone = course.definition.timezone if course is not None else "Europe/London"
    sent_at = held.sent_at if held is not None else None
    refuse_unless_in_time(received, now=ports.clock(), sent_at=sent_at, timezone=zone)


def _with_received(invoice: InvoiceRef | None, invoice_id: str, received: PaymentReceived) -> bool:
    """Whether ``invoice`` is the one paid and has nothing said of its payment yet."""
    return invoice is not None and invoice.invoice_id == invoice_id and invoice.received is None


def received_recorded(
    ports: Ports, application_id: str, invoice_id: str, received: PaymentReceived | None
) -> Application:
    """The application with ``received`` recorded on its invoice ``invoice_id`` (once: what an
    earlier press recorded stays), as saved."""

    def record(current: Application) -> Application:
        invoice = current.invoice
        if received is None or not received.given or invoice is None:
            return current
        if not _with_received(invoice, invoice_id, received):
            return current
        paid = invoice.model_copy(update={"received": received})
        changed = current.model_copy(update={"invoice": paid, "updated_at": ports.clock()})
        return ports.repository.save(changed, current)

    return retried(record, lambda: load_application(ports, application_id))


def group_received_recorded(
    ports: Ports, group_id: str, invoice_id: str, received: PaymentReceived | None
) -> GroupBooking:
    """The group with ``received`` recorded on its invoice ``invoice_id`` (once), as saved."""

    def record(current: GroupBooking) -> GroupBooking:
        invoice = current.invoice
        if received is None or not received.given or invoice is None:
            return current
        if not _with_received(invoice, invoice_id, received):
            return current
        paid = invoice.model_copy(update={"received": received})
        changed = current.model_copy(update={"invoice": paid, "updated_at": ports.clock()})
        return ports.groups.save_group(changed, current)

    return retried(record, lambda: find_group(ports, group_id))
