"""What the use cases need from the outside world, gathered in one object.

Handlers build one ``Ports`` per container (see ``booking.handlers.wiring``); tests build theirs
around moto and the Stripe fake. The payment gateway is created lazily because importing the
Stripe SDK costs about 160 ms of cold start, and most requests (listing courses, reading a
status) never touch it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Protocol

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.email_queue import SqsEmailQueue
from booking.domain.application import CheckoutRef
from booking.domain.course import Money


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CheckoutRequest:
    application_id: str
    course_id: str
    product_name: str
    price: Money
    customer_email: str
    expires_at: datetime
    success_url: str
    cancel_url: str
    attempt: int
    # Fresh per request: a client's retry after a failure downstream of Stripe asks for a new
    # session instead of replaying a key with different parameters (Stripe refuses that).
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))


class PaymentGateway(Protocol):
    def create_checkout(self, request: CheckoutRequest) -> CheckoutRef: ...

    def expire_checkout(self, session_id: str) -> str: ...

    def refund(self, payment_intent: str, *, amount: int | None, idempotency_key: str) -> str: ...

    def application_of_payment(self, payment_intent: str) -> str | None: ...


@dataclass
class Ports:
    repository: DynamoRepository
    email_queue: SqsEmailQueue
    payment_gateway_factory: Callable[[], PaymentGateway]
    public_base_url: str
    clock: Callable[[], datetime] = field(default=utc_now)

    @cached_property
    def payments(self) -> PaymentGateway:
        return self.payment_gateway_factory()

    def status_url(self, application_id: str, token: str) -> str:
        return f"{self.public_base_url}/applications/{application_id}?token={token}"
