"""Stripe's webhook deliveries (``WebhookEvents`` port): verified with the SDK on the exact
bytes received, with the endpoint's signing secret, then read into the domain's events."""

from __future__ import annotations

from collections.abc import Callable

from booking.adapters.stripe_disputes import dispute_event_from
from booking.adapters.stripe_gateway import (
    checkout_event_from,
    refund_event_from,
    verify_webhook,
)
from booking.adapters.stripe_invoicing import invoice_event_from
from booking.services.ports import WebhookDelivery


class StripeWebhookEvents:
    def __init__(self, signing_secret: Callable[[], str]) -> None:
        # Read on each delivery: Secrets Manager's value is cached for five minutes, so a
        # rotated secret takes effect without a new container.
        self._signing_secret = signing_secret

    def read(self, payload: bytes, signature: str | None) -> WebhookDelivery:
        event = verify_webhook(payload, signature, self._signing_secret())
        facts = (
            checkout_event_from(event)
            or invoice_event_from(event)
            or refund_event_from(event)
            or dispute_event_from(event)
        )
        return WebhookDelivery(str(event.get("id", "")), str(event.get("type", "")), facts)
