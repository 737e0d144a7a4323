"""Composition root: builds the ports once per container from the settings.

Tests inject their own ports with :func:`configure` (moto, the Stripe fake, a frozen clock)
instead of patching module globals; :func:`reset` forgets everything after the environment
changes.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import boto3

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.email_queue import SqsEmailQueue
from booking.config import Settings, settings
from booking.services.ports import PaymentGateway, Ports


def stripe_gateway(config: Settings) -> PaymentGateway:
    import stripe

    from booking.adapters.stripe_gateway import StripeGateway

    client = stripe.StripeClient(
        config.stripe_key(),
        # Only the local stand-in changes the address; real Stripe keeps the SDK default.
        base_addresses={"api": config.stripe_api_base} if config.stripe_api_base else {},
        # Safe to retry: every mutating call carries an idempotency key.
        max_network_retries=2,
    )
    return StripeGateway(client)


def repository_for(config: Settings) -> DynamoRepository:
    """The table, as every function reaches it (one place for its settings)."""
    return DynamoRepository(
        boto3.client("dynamodb"), config.table_name, timedelta(days=config.unpaid_retention_days)
    )


_configured: Ports | None = None


def configure(injected: Ports | None) -> None:
    global _configured
    _configured = injected


def ports() -> Ports:
    return _configured if _configured is not None else _ports_from_settings()


@lru_cache(maxsize=1)
def _ports_from_settings() -> Ports:
    config = settings()
    return Ports(
        repository=repository_for(config),
        email_queue=SqsEmailQueue(boto3.client("sqs"), config.email_queue_url),
        payment_gateway_factory=lambda: stripe_gateway(config),
        public_base_url=config.public_base_url.rstrip("/"),
    )


def reset() -> None:
    configure(None)
    settings.cache_clear()
    _ports_from_settings.cache_clear()
