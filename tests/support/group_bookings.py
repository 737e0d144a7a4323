"""Group bookings as the unit tests write them: one builder, so that a field the model gains is
given in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from booking.domain.application import CheckoutRef
from booking.domain.billing import PaymentMethod
from booking.domain.given_back import GiveBackAsked
from booking.domain.group_given_back import group_given_back
from booking.domain.groups import Colleague, GroupBooking, GroupPlace, GroupStatus
from booking.domain.money import Money
from booking.domain.payment_received import PaymentReceived, ReceivedHow
from tests.support.applications import an_invoice

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)
LONDON = "Europe/London"
# The manager's form as the use cases take it: Florence books one place, for Mary Seacole.
GROUP_FORM: dict[str, Any] = {
    "manager_name": "Florence Nightingale",
    "manager_email": "florence@example.org",
    "organisation": "St Elsewhere",
    "colleagues": [{"name": "Mary Seacole", "email": "mary@example.org"}],
    "consent": True,
}


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


def group_paid_off_stripe(given_up: int = 2, **received: object) -> GroupBooking:
    """Three places at £200.00 paid by a bank transfer (the invoice marked paid on ``NOW``),
    then ``given_up`` of them given up: their shares are owed back by hand."""
    said = PaymentReceived.model_validate(received) if received else None
    invoice = an_invoice(at=NOW, status="paid", received=said, paid_at=NOW, amount_due=60000)
    booked = group_by_invoice()
    places = tuple(p.model_copy(update={"released": p.number <= given_up}) for p in booked.places)
    paid = {"status": GroupStatus.PAID, "invoice": invoice, "amount_paid": 60000}
    return booked.model_copy(update={**paid, "places": places})


def group_give_back(group: GroupBooking, pence: int, day: date, press: str = "p1") -> GroupBooking:
    """``pence`` recorded as given back by hand by bank transfer on ``day``, ten days after
    ``NOW``."""
    asked = GiveBackAsked(pence, day, ReceivedHow.BANK_TRANSFER)
    return group_given_back(group, asked, press, now=NOW + timedelta(days=10), timezone=LONDON)
