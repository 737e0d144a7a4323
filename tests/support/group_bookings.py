"""Group bookings as the unit tests write them: one builder, so that a field the model gains is
given in one place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.application import CheckoutRef
from booking.domain.billing import PaymentMethod
from booking.domain.groups import Colleague, GroupBooking, GroupPlace, GroupStatus
from booking.domain.money import Money
from tests.support.applications import an_invoice

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)


def group(**changes: object) -> GroupBooking:
    """Florence's booking of three places for St Elsewhere at £200.00 each, by card, its
    checkout open ``NOW``; ``changes``: any other of its fields."""
    base = GroupBooking(
        group_id="g1",
        course_id="c1",
        token="manager-token",
        manager=Colleague(name="Florence Nightingale", email="florence@example.org"),
        organisation="St Elsewhere",
        status=GroupStatus.AWAITING_PAYMENT,
        places=tuple(
            GroupPlace(
                number=n,
                colleague=Colleague(name=f"Person {n}", email=f"p{n}@example.org"),
                token=f"t{n}",
            )
            for n in (1, 2, 3)
        ),
        price=Money(amount=20000),
        payment_method=PaymentMethod.CARD,
        checkout=CheckoutRef(
            session_id="cs_1", url="https://x", expires_at=NOW + timedelta(minutes=30), attempt=1
        ),
        hold_expires_at=NOW + timedelta(minutes=30),
        apply_by=NOW + timedelta(days=20),
        created_at=NOW,
        updated_at=NOW,
    )
    return base.model_copy(update=changes)


def group_by_invoice(**changes: object) -> GroupBooking:
    """:func:`group` booked by invoice: Stripe's ``in_1`` for its three places, still open."""
    invoice = an_invoice(at=NOW, url="https://invoice.test/in_1", amount_due=60000)
    return group(
        status=GroupStatus.AWAITING_INVOICE_PAYMENT,
        payment_method=PaymentMethod.INVOICE,
        checkout=None,
        invoice=invoice,
        **changes,
    )
