"""What follows a payment received outside Stripe once Stripe holds its invoice paid and the
booking is confirmed by it (``services.paid_off_stripe``), in one save: what the organiser said
of it (``domain.payment_received``: the day, the way, the bank's reference) recorded on the
invoice it paid, once (what an earlier press recorded stays), and, by the press that recorded
it, the acknowledgement to whoever paid (its billing contact), queued through the outbox like
every email and keyed by the invoice, so never sent twice, and recorded as sent on the
invoice (``InvoiceRef.payer_told``), so a later press queues it only if none did: a first
press stopped after Stripe marked the invoice, whose own ``invoice.paid`` then confirmed the
booking, queued none, and the press made again does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef
from booking.domain.group_notices import payer_told_of_payment
from booking.domain.groups import GroupBooking
from booking.domain.payer import payment_received_told
from booking.domain.payment_received import PaymentReceived, refuse_unless_in_time
from booking.services.concurrency import load_application, retried
from booking.services.groups import find_group
from booking.services.invoice_requests import invoice_held
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


def refuse_unless_believable_later(
    ports: Ports,
    received: PaymentReceived | None,
    invoice: InvoiceRef,
    course_id: str,
) -> None:
    """As :func:`refuse_unless_believable`, for a press after the invoice was paid and the
    booking confirmed, whose details are recorded when none were (its first press gave none,
    or its save was lost): the day is held to the invoice's sending as Stripe holds it, read
    once, only when there is a day to check and it would be recorded (without
    the read, a day before the invoice was sent, even in 1900, was recorded)."""
    if received is None or received.received_on is None or invoice.received is not None:
        return
    refuse_unless_believable(ports, received, invoice_held(ports, invoice.invoice_id), course_id)


def _with_received(
    invoice: InvoiceRef | None, invoice_id: str, received: PaymentReceived | None
) -> InvoiceRef | None:
    """``invoice`` with ``received`` recorded, when it is the one paid and nothing was said
    of its payment yet; None: nothing to record."""
    if received is None or not received.given or invoice is None:
        return None
    if invoice.invoice_id != invoice_id or invoice.received is not None:
        return None
    return invoice.model_copy(update={"received": received})


Holder = TypeVar("Holder", Application, GroupBooking)


def _recorded(
    ports: Ports,
    invoice_id: str,
    received: PaymentReceived | None,
    told: Callable[[Holder, str], Holder] | None,
    save: Callable[[Holder, Holder], Holder],
    read: Callable[[], Holder],
) -> Holder:
    """The one rule for a person's and a group's: ``received`` recorded on the invoice
    ``invoice_id`` and, by the press that recorded the payment, ``told`` queued (the payer's
    acknowledgement), in one save; as saved (unchanged when there is nothing to do)."""

    def record(current: Holder) -> Holder:
        invoice = _with_received(current.invoice, invoice_id, received)
        changed = current if invoice is None else current.model_copy(update={"invoice": invoice})
        paid = changed.invoice
        # Once: a later press finds the payer told and writes nothing.
        untold = paid is not None and paid.invoice_id == invoice_id and not paid.payer_told
        if told is not None and paid is not None and untold:
            told_now = paid.model_copy(update={"payer_told": True})
            changed = told(changed.model_copy(update={"invoice": told_now}), invoice_id)
        if changed == current:
            return current
        return save(changed.model_copy(update={"updated_at": ports.clock()}), current)

    return retried(record, read)


def recorded_after(
    ports: Ports,
    application_id: str,
    invoice_id: str,
    received: PaymentReceived | None,
    *,
    acknowledged: bool,
) -> Application:
    """The application with ``received`` recorded on its invoice ``invoice_id`` and, when
    ``acknowledged`` (this press recorded the payment), its payer's acknowledgement queued;
    as saved (unchanged when there is nothing to do)."""
    return _recorded(
        ports,
        invoice_id,
        received,
        payment_received_told if acknowledged else None,
        ports.repository.save,
        lambda: load_application(ports, application_id),
    )


def group_recorded_after(
    ports: Ports,
    group_id: str,
    invoice_id: str,
    received: PaymentReceived | None,
    *,
    acknowledged: bool,
) -> GroupBooking:
    """The group as :func:`recorded_after` leaves an application, as saved."""
    return _recorded(
        ports,
        invoice_id,
        received,
        payer_told_of_payment if acknowledged else None,
        ports.groups.save_group,
        lambda: find_group(ports, group_id),
    )
