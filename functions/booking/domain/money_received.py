"""Each payment a course received, as an organiser reconciles it against the bank: its day, the
way it came, the bank's reference, the amount and whose it is (the money page listed totals
only). Every payment ``money_received`` counts is one here (a payment given back too: it was
received), so the list adds up to the page's *Paid in*. Pure: the service gives it the
course's applications and group bookings; the page names and links each.

A payment at Stripe's day is the moment Stripe reported it paid, in the course's timezone: a
card's (a person's or a group's), its checkout's completed event; an invoice's (a person's or a
group's), the invoice's own ``paid_at``, recorded when its ``invoice.paid`` was applied. A
payment recorded before those moments were kept has no day ("not recorded"). A payment
received outside Stripe has the day, the way and the bank's reference the organiser recorded
(``domain.payment_received``), each "not recorded" when not given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef, PaymentMethod
from booking.domain.disputed_refunds import group_payment_held
from booking.domain.payment_received import HOW_CHOICES, PaymentReceived
from booking.domain.payment_record import PaymentRecord

if TYPE_CHECKING:  # a group's models load with the groups' code, not every function's init
    from booking.domain.groups import GroupBooking

BY_CARD = "Card, through Stripe"
INVOICE_AT_STRIPE = "Invoice, paid through Stripe"
OUTSIDE_STRIPE = "Outside Stripe"  # the way, when the organiser did not record it
THROUGH_STRIPE = "Through Stripe"
GIVEN_BACK = " (given back whole: it could not be taken)"
# Beside a payment a dispute holds (withdrawn, not reinstated): why the bank has not got it.
TAKEN_BACK = " (taken back by the payer's bank in a dispute)"
HOW_SAID = dict(HOW_CHOICES)


@dataclass(frozen=True)
class Receipt:
    """One payment received: ``day`` (None: not recorded), ``way`` in words, the bank's
    ``reference`` ("" for a payment at Stripe or none recorded), ``amount`` in minor units;
    whose: ``application_id`` or ``group_id``; ``off_stripe``: received outside Stripe."""

    day: date | None
    way: str
    reference: str
    amount: int
    currency: str
    application_id: str = ""
    group_id: str = ""
    off_stripe: bool = False
    at: datetime | None = None  # Stripe's moment, to order two payments of one day


def receipts(
    applications: Iterable[Application],
    groups: Iterable[GroupBooking],
    currency: str,
    timezone: str,
) -> list[Receipt]:
    """Every payment the course's applications and group bookings received, newest first
    (those whose day is not recorded last)."""
    zone = ZoneInfo(timezone)
    found = [r for a in applications for r in _of_application(a, currency, zone)]
    found += [r for g in groups for r in _of_group(g, currency, zone)]
    dated = sorted(
        (r for r in found if r.day is not None),
        key=lambda r: (r.day, r.at or datetime.min.replace(tzinfo=zone)),
        reverse=True,
    )
    return dated + [r for r in found if r.day is None]


def _of_application(application: Application, currency: str, zone: ZoneInfo) -> list[Receipt]:
    whose = application.application_id
    found = []
    if application.amount_paid > 0:  # the booking's own payment (``money_received``'s first)
        record = application.payment(application.payment_intent)
        if application.payment_intent is None:
            found.append(_off_stripe(application.invoice, application.amount_paid, currency, whose))
        else:
            invoice = application.invoice
            paid_at = invoice.paid_at if record is None and invoice is not None else None
            own = _at_stripe(record, application.amount_paid, currency, zone, whose, paid_at)
            found.append(_disputed(own, application, application.payment_intent))
    for record in application.payments_beside_first:  # each further, or given back
        further = _at_stripe(record, record.amount, record.currency, zone, whose)
        found.append(_disputed(further, application, record.payment_intent))
    return found


def _disputed(receipt: Receipt, application: Application, payment_intent: str) -> Receipt:
    """``receipt`` of ``payment_intent``, said as taken back while a dispute of it holds
    money withdrawn (a dispute won gave it back: nothing more said)."""
    held = sum(d.withdrawn for d in application.disputes if d.payment_intent == payment_intent)
    return replace(receipt, way=f"{receipt.way}{TAKEN_BACK}") if held else receipt


def _at_stripe(
    record: PaymentRecord | None,
    amount: int,
    currency: str,
    zone: ZoneInfo,
    whose: str,
    invoice_paid_at: datetime | None = None,
) -> Receipt:
    """A payment at Stripe: its ``record``'s (a checkout's, or any given back), or, with no
    record, the booking's invoice's, paid at ``invoice_paid_at``."""
    paid_at = record.paid_at if record is not None else invoice_paid_at
    by_card = record is not None and bool(record.session_id)
    way = BY_CARD if by_card else INVOICE_AT_STRIPE
    return Receipt(
        day=paid_at.astimezone(zone).date() if paid_at else None,
        way=f"{way}{GIVEN_BACK}" if record is not None and not record.kept else way,
        reference="",
        amount=amount,
        currency=currency,
        application_id=whose,
        at=paid_at,
    )


def _off_stripe(
    invoice: InvoiceRef | None,
    amount: int,
    currency: str,
    application_id: str = "",
    group_id: str = "",
) -> Receipt:
    said = invoice.received if invoice is not None else None
    said = said or PaymentReceived()
    return Receipt(
        day=said.received_on,
        way=f"{OUTSIDE_STRIPE}: {HOW_SAID[said.method.value]}" if said.method else OUTSIDE_STRIPE,
        reference=said.reference or "",
        amount=amount,
        currency=currency,
        application_id=application_id,
        group_id=group_id,
        off_stripe=True,
    )


def _of_group(group: GroupBooking, currency: str, zone: ZoneInfo) -> list[Receipt]:
    found = []
    if group.amount_paid > 0:
        if group.payment_intent is None:
            found.append(
                _off_stripe(group.invoice, group.amount_paid, currency, group_id=group.group_id)
            )
        else:
            way = INVOICE_AT_STRIPE if group.payment_method is PaymentMethod.INVOICE else BY_CARD
            way = f"{way}{TAKEN_BACK}" if group_payment_held(group) else way
            day = group.paid_at.astimezone(zone).date() if group.paid_at else None
            found.append(
                Receipt(
                    day,
                    way,
                    "",
                    group.amount_paid,
                    currency,
                    group_id=group.group_id,
                    at=group.paid_at,
                )
            )
    for amount in group.given_back.values():  # paid and given back whole: received all the same
        way = f"{THROUGH_STRIPE}{GIVEN_BACK}"
        found.append(Receipt(None, way, "", amount, currency, group_id=group.group_id))
    return found
