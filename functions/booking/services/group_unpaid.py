"""A place given up before the group paid: a new way to pay for the places kept (an invoice to
the employer, or a Checkout Session for the card) is asked of Stripe before the save that records
it, so the seat is given back only with it, and the old one is closed at Stripe after (voided,
expired); a payment that still arrives on the old one is not the group's current one and goes
back whole (``domain.groups.decide_paid``). The last place given up ends the booking. If the
group changed since it was read, what was asked of Stripe is undone and the manager asked to try
again (nothing else changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.errors import Conflict, StaleWrite
from booking.domain.group_notices import GroupEvent, manager_told
from booking.domain.groups import (
    GroupBooking,
    GroupStatus,
    lapsed,
    place_given_up,
    refuse_once_started,
)
from booking.services.groups import GroupView, manager_url, places_line, view_of, void_quietly
from booking.services.ports import CheckoutRequest, InvoiceRequest, Ports
from booking.services.settle import expire_quietly
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


@dataclass(frozen=True)
class _ByInvoice:
    """The employer's invoice, replaced by one for the places kept (due when the old was)."""

    ports: Ports
    before: GroupBooking
    course: Course
    done: str = "group place taken off its invoice"

    @property
    def attempt(self) -> int:
        old = self.before.invoice
        return old.attempt + 1 if old is not None else 1

    def ask(self, released: GroupBooking, now: datetime) -> GroupBooking:
        old, billing = self.before.invoice, self.before.billing
        assert old is not None
        assert billing is not None
        invoice = self.ports.payments.create_invoice(
            InvoiceRequest(
                application_id=released.group_id,
                course_id=released.course_id,
                description=places_line(released, self.course),
                amount=released.total,
                billing=billing,
                due_at=old.due_at,
                attempt=self.attempt,
            )
        )
        return released.model_copy(update={"invoice": invoice})

    def told(self, new: GroupBooking, number: int) -> GroupBooking:
        """Told what the invoice now asks (or that none is owed), as it is at this change."""
        return manager_told(
            new,
            GroupEvent.INVOICE_REISSUED,
            f"invoice{self.attempt}",
            amount=new.total.amount if new.seats_held else 0,
            places=(number,),
            places_kept=new.seats_held,
        )

    def undo(self, new: GroupBooking) -> None:
        if new.invoice is not None and new.invoice is not self.before.invoice:
            self.ports.payments.void_invoice(new.invoice.invoice_id)

    def close_old(self, saved: GroupBooking) -> None:
        if self.before.invoice is not None:
            void_quietly(self.ports, saved.model_copy(update={"invoice": self.before.invoice}))


@dataclass(frozen=True)
class _ByCard:
    """The open Checkout Session, replaced by one for the places kept."""

    ports: Ports
    before: GroupBooking
    course: Course
    done: str = "group place taken off its checkout"

    def ask(self, released: GroupBooking, now: datetime) -> GroupBooking:
        hold_until = now + CHECKOUT_HOLD  # Stripe asks at least 30 minutes of a new session
        back = manager_url(self.ports, self.before)
        checkout = self.ports.payments.create_checkout(
            CheckoutRequest(
                application_id=released.group_id,
                course_id=released.course_id,
                product_name=places_line(released, self.course),
                price=released.total,
                customer_email=released.manager.email,
                expires_at=hold_until,
                success_url=back,
                cancel_url=back,
                # One session per set of places kept: a retry of this change asks for it again.
                attempt=1 + len(released.places) - released.seats_held,
            )
        )
        return released.model_copy(update={"checkout": checkout, "hold_expires_at": hold_until})

    def told(self, new: GroupBooking, number: int) -> GroupBooking:
        return new  # no email: the answer is the manager's page, with the new total and link

    def undo(self, new: GroupBooking) -> None:
        if new.checkout is not None and new.checkout is not self.before.checkout:
            expire_quietly(self.ports, new.checkout.session_id)

    def close_old(self, saved: GroupBooking) -> None:
        if self.before.checkout is not None:
            expire_quietly(self.ports, self.before.checkout.session_id)


def off_the_way_to_pay(ports: Ports, group: GroupBooking, course: Course, number: int) -> GroupView:
    """Place ``number`` of ``group`` (its invoice or its card payment still open) given up."""
    by_invoice = group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
    way = (_ByInvoice if by_invoice else _ByCard)(ports, group, course)
    now = ports.clock()
    refuse_once_started(now, course.first_start())
    released = place_given_up(group, number, now)
    if released is None:
        return view_of(ports, group)
    new = lapsed(released, now) if released.seats_held == 0 else way.ask(released, now)
    new = way.told(new, number)
    try:
        saved = ports.groups.save_group(new, group)
    except StaleWrite:
        way.undo(new)
        raise Conflict(
            "the booking changed meanwhile; please try again", code="group_changed"
        ) from None
    way.close_old(saved)
    logger.info(way.done, extra={"group_id": group.group_id})
    offer_free_places(ports, saved.course_id)
    return view_of(ports, saved)
