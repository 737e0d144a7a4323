"""Fakes of the services outside: the email queue, the payment provider, the mail service."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from booking.domain.application import CheckoutRef
from booking.domain.emails import EmailJob, OutgoingEmail
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.services.ports import CheckoutRequest, EmailSendError, QueueUnavailable


@dataclass
class FakeEmailQueue:
    jobs: list[EmailJob] = field(default_factory=list)
    down: bool = False

    def send(self, jobs: Sequence[EmailJob]) -> None:
        if self.down:
            raise QueueUnavailable(f"could not queue {len(jobs)} email jobs")
        self.jobs.extend(jobs)


@dataclass
class FakeSession:
    request: CheckoutRequest
    status: str = "open"  # open | complete | expired


@dataclass
class FakePaymentGateway:
    """Checkout sessions and refunds as Stripe keeps them, with idempotency keys honoured."""

    sessions: dict[str, FakeSession] = field(default_factory=dict)
    refunds: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # key -> (pi, amount)
    intents: dict[str, str] = field(default_factory=dict)  # payment intent -> application id
    down: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def create_checkout(self, request: CheckoutRequest) -> CheckoutRef:
        self._check()
        session_id = f"cs_test_{next(self._ids)}"
        self.sessions[session_id] = FakeSession(request)
        return CheckoutRef(
            session_id=session_id,
            url=f"https://checkout.test/{session_id}",
            expires_at=request.expires_at,
            attempt=request.attempt,
            amount=request.price.amount,
            currency=request.price.currency,
        )

    def expire_checkout(self, session_id: str) -> str:
        self._check()
        session = self.sessions.get(session_id)
        if session is None:
            raise Conflict("no such checkout session", code="payment_state_conflict")
        if session.status == "open":
            session.status = "expired"
        return session.status

    def refund(self, payment_intent: str, *, amount: int | None, idempotency_key: str) -> str:
        self._check()
        self.refunds.setdefault(idempotency_key, (payment_intent, amount))
        return f"re_{idempotency_key}"

    def application_of_payment(self, payment_intent: str) -> str | None:
        self._check()
        return self.intents.get(payment_intent)

    def _check(self) -> None:
        if self.down:
            raise DependencyUnavailable(
                "the payment provider is unavailable; please try again shortly",
                code="payment_provider_unavailable",
            )


@dataclass
class FakeEmailSender:
    sent: list[OutgoingEmail] = field(default_factory=list)
    refuse: bool = False

    def send(self, message: OutgoingEmail) -> str:
        if self.refuse:
            raise EmailSendError("the mail service refused the message")
        self.sent.append(message)
        return f"msg-{len(self.sent)}"
