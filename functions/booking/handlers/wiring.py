"""Composition root: builds the ports once per container from the settings.

Tests and the local stack call :func:`reset` after changing the environment, instead of
patching module globals.
"""

from __future__ import annotations

from functools import lru_cache

import boto3

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.email_queue import SqsEmailQueue
from booking.config import Settings, settings
from booking.services.ports import PaymentGateway, Ports


def stripe_gateway(config: Settings) -> PaymentGateway:
    import stripe

    from booking.adapters.stripe_gateway import StripeGateway

    base = {"api": config.stripe_api_base} if config.stripe_api_base else None
    client = stripe.StripeClient(
        config.stripe_key(), base_addresses=base, max_network_retries=2  # type: ignore[arg-type]
    )
    return StripeGateway(client)


@lru_cache(maxsize=1)
def ports() -> Ports:
    config = settings()
    return Ports(
        repository=DynamoRepository(boto3.client("dynamodb"), config.table_name),
        email_queue=SqsEmailQueue(boto3.client("sqs"), config.email_queue_url),
        payment_gateway_factory=lambda: stripe_gateway(config),
        public_base_url=config.public_base_url.rstrip("/"),
    )


def reset() -> None:
    settings.cache_clear()
    ports.cache_clear()
