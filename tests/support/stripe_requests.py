"""What the services ask of the payment provider, as the tests write it: one Checkout Session
request and one invoice request, every field given, so a field the port gains is given in one
place. The fields go to the constructor, so the checks each request holds as it is made
(nothing addressed to an erased person) run on what a test changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from booking.domain.billing import AppliedDiscount, BillingDetails
from booking.domain.course import Money
from booking.services.ports import CheckoutRequest, InvoiceRequest

if TYPE_CHECKING:
    from tests.support.system import System


def checkout_request(attempt: int = 1, **fields: Any) -> CheckoutRequest:
    """Ada's £200.00 place on ``c1``, its session open 31 minutes from now; ``fields``: any
    other of its fields."""
    asked: dict[str, Any] = {
        "application_id": "a1",
        "course_id": "c1",
        "product_name": "Course",
        "price": Money(amount=20000),
        "customer_email": "ada@example.org",
        "expires_at": (datetime.now(UTC) + timedelta(minutes=31)).replace(microsecond=0),
        "success_url": "http://booking.test/ok",
        "cancel_url": "http://booking.test/cancel",
        "attempt": attempt,
    }
    return CheckoutRequest(**(asked | fields))


def invoice_request(
    discount: AppliedDiscount | None = None, attempt: int = 1, **fields: Any
) -> InvoiceRequest:
    """Ada's £200.00 place on ``c1`` billed to her employer (a purchase order given), due in
    30 days; ``fields``: any other of its fields."""
    asked: dict[str, Any] = {
        "application_id": "a1",
        "course_id": "c1",
        "description": "Compassionate Leadership: Ada Lovelace",
        "amount": Money(amount=20000),
        "billing": BillingDetails(
            billing_name="St Elsewhere NHS Trust",
            billing_email="accounts@example.nhs.uk",
            billing_address="1 Hospital Road\nLeeds\nLS1 1AA",
            po_number="PO-1234",
        ),
        "due_at": (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0),
        "attempt": attempt,
        "discount": discount,
    }
    return InvoiceRequest(**(asked | fields))


def refunds_asked(system: System, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each refund asked of Stripe from now on, by its payment intent (the real call made)."""
    asked: list[str] = []
    real = system.ports.payments.refund

    def counted(payment_intent: str, **kwargs: Any) -> Any:
        asked.append(payment_intent)
        return real(payment_intent, **kwargs)

    monkeypatch.setattr(system.ports.payments, "refund", counted)
    return asked
