"""Stripe, through the official SDK's ``StripeClient``.

The same code runs against real Stripe (test or live mode) and, under ``make run``, against the
local stand-in: only the client's base address differs. Nothing personal goes into metadata:
ids only. The customer's email is passed as ``customer_email`` because Stripe needs it to send
its receipt, which is Stripe's own processing, not metadata we attach.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import stripe

# Named here, not looked up on first use: Stripe's SDK loads each name lazily, and these load its
# webhook and event modules, which a SnapStart snapshot of the webhook should hold already.
from stripe import SignatureVerificationError, WebhookSignature

from booking.adapters.stripe_addressees import invoice_addressee, invoices_no_longer_payable_to
from booking.adapters.stripe_calls import call_stripe
from booking.adapters.stripe_disputes import dispute_facts
from booking.adapters.stripe_invoicing import StripeInvoicing, discount_param
from booking.adapters.stripe_payloads import is_stripe_event, whole_amount
from booking.domain.application import CheckoutRef
from booking.domain.billing import BillingDetails
from booking.domain.disputes import DisputeEvent
from booking.domain.errors import Conflict, DependencyUnavailable, InvalidInput
from booking.domain.payments import CheckoutEvent, CheckoutEventKind, RefundEvent
from booking.services.ports import CheckoutAtStripe, CheckoutRequest, RefundAtStripe, RefundMade

# Stripe's own recommendation for webhook replay protection.
SIGNATURE_TOLERANCE_SECONDS = 300

HANDLED_REFUND_EVENTS = {"charge.refunded", "refund.created", "refund.updated"}
HANDLED_CHECKOUT_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


class StripeGateway(StripeInvoicing):
    def __init__(
        self,
        client: stripe.StripeClient,
        reader: stripe.StripeClient | None = None,
        brief: Callable[[], stripe.StripeClient] | None = None,
    ) -> None:
        self._client = client
        # The webhook's reads of what Stripe holds: a short timeout, so a slow Stripe is a
        # quick 503 Stripe retries, not a paid event held for the whole Lambda timeout.
        self._reader = reader or client
        # A client as the reader, asking nothing more once Stripe is silent (``UntilSilent``),
        # new for each run that asks for it (``brief``). None (a test's in-process Stripe,
        # which never hangs): such a run asks through the reader itself.
        self._brief = brief

    def brief(self) -> StripeGateway:
        """This gateway for one scheduled run: every call, writes too, made once by the
        short-timeout client, none at all after Stripe first failed to answer. A write cut
        short is safe to make again: each carries its idempotency key, or is harmless twice
        (a void, a customer's deletion: gone already counts as done)."""
        if self._brief is None and self._reader is self._client:
            return self  # an in-process Stripe that never hangs: asked as it is already
        client = self._brief() if self._brief is not None else self._reader
        return StripeGateway(client, client)

    def invoice_addressee(self, invoice_id: str) -> BillingDetails | None:
        return invoice_addressee(self._client, invoice_id)

    def invoices_no_longer_payable_to(
        self, email: str, spellings: Sequence[str] = (), made_by: datetime | None = None
    ) -> tuple[str, ...]:
        # A search reads only: the short-timeout reader, so a Stripe that hangs costs an
        # erasure or the reminders run seconds, not the SDK's minutes of timeouts and retries.
        return invoices_no_longer_payable_to(self._reader, email, spellings, made_by)

    def create_checkout(self, request: CheckoutRequest) -> CheckoutRef:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.price.currency,
                        "unit_amount": request.price.amount,
                        "product_data": {"name": request.product_name},
                    },
                }
            ],
            "client_reference_id": request.application_id,
            "metadata": {
                "application_id": request.application_id,
                "course_id": request.course_id,
                "attempt": str(request.attempt),
            },
            "payment_intent_data": {
                "metadata": {
                    "application_id": request.application_id,
                    "course_id": request.course_id,
                }
            },
            "customer_email": request.customer_email,
            "expires_at": int(request.expires_at.timestamp()),
            # The code the applicant gave, as its coupon: Stripe takes it off the price.
            **({"discounts": [discount_param(request.discount)]} if request.discount else {}),
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        # One key per (application, attempt, request): the SDK's own network retries reuse it,
        # so a lost answer cannot open a second session.
        key = request.move_key or (
            f"checkout-{request.application_id}-{request.attempt}-{request.nonce}"
        )
        session = self._call(
            lambda: self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": key},
            )
        )
        if not session.url:
            raise DependencyUnavailable("Stripe returned a session without a payment page")
        return CheckoutRef(
            session_id=session.id,
            url=session.url,
            expires_at=datetime.fromtimestamp(session.expires_at, tz=UTC),
            attempt=request.attempt,
            # What Stripe will collect: the price less the promotion code Stripe applied.
            amount=session.amount_total
            if session.amount_total is not None
            else request.price.amount,
            currency=session.currency or request.price.currency,
            product_name=request.product_name,
        )

    def expire_checkout(self, session_id: str) -> str:
        """Expire an open session; returns its status afterwards (``expired`` or ``complete``)."""
        try:
            session = self._call(
                lambda: self._client.v1.checkout.sessions.expire(session_id),
                expected="the checkout is no longer open (paid or expired); its status is read",
            )
            return str(session.status)
        except Conflict:
            session = self._call(lambda: self._client.v1.checkout.sessions.retrieve(session_id))
            return str(session.status)

    def refund(
        self, payment_intent: str, *, amount: int | None, idempotency_key: str
    ) -> RefundMade:
        params: dict[str, Any] = {"payment_intent": payment_intent}
        if amount is not None:
            params["amount"] = amount
        refund = self._call(
            lambda: self._client.v1.refunds.create(
                params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return RefundMade(
            refund_id=str(refund.id),
            amount=int(refund.amount),
            succeeded=refund.status == "succeeded",
        )

    def refunds_held(self, payment_intent: str) -> tuple[RefundEvent, ...]:
        listed = self._call(
            lambda: self._client.v1.refunds.list({"payment_intent": payment_intent, "limit": 100})
        )
        return tuple(
            RefundEvent(
                event_id=str(refund.id),
                payment_intent=payment_intent,
                refund_id=str(refund.id),
                refund_amount=int(refund.amount),
                refund_succeeded=refund.status == "succeeded",
                created=datetime.fromtimestamp(refund.created, tz=UTC),
                refunded_at=datetime.fromtimestamp(refund.created, tz=UTC),
                currency=str(refund.currency or ""),
            )
            for refund in listed.data
        )

    def refunds_at_stripe(self, payment_intent: str) -> tuple[RefundAtStripe, ...]:
        listed = self._call(
            lambda: self._reader.v1.refunds.list({"payment_intent": payment_intent, "limit": 100})
        )
        return tuple(
            RefundAtStripe(str(refund.id), int(refund.amount), str(refund.status or ""))
            for refund in listed.data
        )

    def dispute_at_stripe(self, dispute_id: str) -> DisputeEvent | None:
        dispute = self._call(lambda: self._reader.v1.disputes.retrieve(dispute_id))
        return dispute_facts(dispute.to_dict(), "")

    def application_of_payment(self, payment_intent: str) -> str | None:
        """The application a payment belongs to, from the ids we put on its PaymentIntent."""
        try:
            intent = self._call(lambda: self._client.v1.payment_intents.retrieve(payment_intent))
        except Conflict:
            return None  # Stripe knows no such payment on this account: not ours
        metadata = intent.metadata.to_dict() if intent.metadata else {}
        value = metadata.get("application_id")
        return str(value) if value else None

    def checkout_at_stripe(self, session_id: str) -> CheckoutAtStripe:
        # Unknown at Stripe raises UnknownToProvider: a session the booking recorded that
        # Stripe does not hold is our misconfiguration (another account's key), never forgery.
        session = self._call(lambda: self._reader.v1.checkout.sessions.retrieve(session_id))
        intent = session.payment_intent
        return CheckoutAtStripe(
            payment_intent=intent if intent is None or isinstance(intent, str) else str(intent.id),
            status=str(session.status or ""),
            payment_status=str(session.payment_status or ""),
        )

    # Stripe's errors said in the domain's words (see ``stripe_calls``).
    _call = staticmethod(call_stripe)


def verify_webhook(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """Check Stripe's signature on the exact bytes received, then parse them.

    Raises :class:`InvalidInput` for a missing, stale or wrong signature, or a body that is not
    a Stripe event; the caller answers 400 and writes nothing.
    """
    if not signature:
        raise InvalidInput("missing Stripe-Signature header", {"stripe-signature": "required"})
    try:
        # Stripe signs with hex digests. A non-ASCII header cannot match, and the SDK's
        # compare_digest would raise TypeError on it instead of saying so.
        if not signature.isascii():
            raise UnicodeError("a Stripe-Signature is ASCII")
        WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        _refuse_future_signature(signature, time.time())
    except (SignatureVerificationError, UnicodeError, ValueError) as exc:
        raise InvalidInput(
            "the Stripe signature does not match this payload",
            {"stripe-signature": "invalid or expired"},
        ) from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidInput("the webhook body is not JSON") from exc
    if not is_stripe_event(event):
        raise InvalidInput("the webhook body is not a Stripe event")
    return event


def _refuse_future_signature(signature: str, now: float) -> None:
    """Stripe's SDK refuses a signature older than its tolerance, but not one from the future:
    the same tolerance bounds both sides, so a header signed ahead of time (a leaked secret's
    replay kit) is refused as a stale one is."""
    for part in signature.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and int(value) > now + SIGNATURE_TOLERANCE_SECONDS:
            raise ValueError("signed in the future")


def checkout_event_from(event: dict[str, Any]) -> CheckoutEvent | None:
    """The facts of a Checkout event, or ``None`` for events this system does not act on."""
    event_type = event.get("type")
    if event_type not in HANDLED_CHECKOUT_EVENTS:
        return None
    session = event["data"]["object"]
    if session.get("object") != "checkout.session":
        raise InvalidInput("a checkout event must carry a checkout.session object")
    application_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "application_id"
    )
    if not application_id or not isinstance(application_id, str):
        return None  # a session this system did not create (another integration on the account)
    if event_type == "checkout.session.completed":
        kind = (
            CheckoutEventKind.PAID
            if session.get("payment_status") in ("paid", "no_payment_required")
            else CheckoutEventKind.PENDING
        )
    elif event_type == "checkout.session.async_payment_succeeded":
        kind = CheckoutEventKind.PAID
    elif event_type == "checkout.session.async_payment_failed":
        kind = CheckoutEventKind.FAILED
    else:
        kind = CheckoutEventKind.EXPIRED
    payment_intent = session.get("payment_intent")
    if isinstance(payment_intent, dict):  # expanded object
        payment_intent = payment_intent.get("id")
    return CheckoutEvent(
        event_id=str(event.get("id", "")),
        kind=kind,
        session_id=str(session.get("id", "")),
        application_id=application_id,
        payment_intent=payment_intent if isinstance(payment_intent, str) else None,
        amount_total=whole_amount(session, "amount_total"),
        currency=str(session.get("currency") or ""),
        # The event's, not the session's: the session was created when its checkout opened
        # (``PaymentRecord.paid_at``).
        created=_moment(event),
    )


def refund_event_from(event: dict[str, Any]) -> RefundEvent | None:
    """The facts of a refund event, or ``None`` for events that are not about refunds."""
    event_type = event.get("type")
    if event_type not in HANDLED_REFUND_EVENTS:
        return None
    obj = event["data"]["object"]
    payment_intent = obj.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    if not isinstance(payment_intent, str) or not payment_intent:
        return None  # a refund of a charge made outside Checkout: not ours
    event_id = str(event.get("id", ""))
    when = _moment(event)
    currency = obj.get("currency") if isinstance(obj.get("currency"), str) else ""
    key = _request_key(event)
    if event_type == "charge.refunded":
        # The charge's own ``created`` is its payment's moment; the refund's is the event's.
        return RefundEvent(
            event_id=event_id,
            payment_intent=payment_intent,
            charge_amount_refunded=whole_amount(obj, "amount_refunded"),
            created=when,
            refunded_at=when,
            currency=str(currency),
            idempotency_key=key,
        )
    return RefundEvent(
        event_id=event_id,
        created=when,
        # The refund's own moment: a ``refund.updated`` (pending to succeeded) comes later.
        refunded_at=_moment(obj) or when,
        idempotency_key=key,
        currency=str(currency),
        payment_intent=payment_intent,
        refund_id=str(obj.get("id", "")),
        refund_amount=whole_amount(obj, "amount"),
        # Only money actually returned counts: a pending refund may still fail.
        refund_succeeded=obj.get("status") == "succeeded",
        refund_failed=obj.get("status") == "failed",
    )


def _request_key(event: dict[str, Any]) -> str | None:
    """The idempotency key of the API request that caused ``event`` (None: none, or made on
    Stripe's dashboard)."""
    request = event.get("request")
    key = request.get("idempotency_key") if isinstance(request, dict) else None
    return key if isinstance(key, str) and key else None


def _moment(obj: dict[str, Any]) -> datetime | None:
    """An object's ``created``: seconds since 1970, as Stripe sends; anything else (or
    absurd) counts as unknown."""
    created = obj.get("created")
    if isinstance(created, int) and not isinstance(created, bool) and 0 < created < 2**33:
        return datetime.fromtimestamp(created, tz=UTC)
    return None
