"""The retention a subject access answer says is the one the repository writes each ended
application's expiry with: one setting, both built from it by the bootstrap."""

from __future__ import annotations

from datetime import timedelta

import boto3

from booking import bootstrap
from booking.config import Settings


def test_the_ports_and_the_repository_keep_one_retention() -> None:
    config = Settings(
        table_name="t",
        public_base_url="http://localhost",
        stripe_secret_key="sk_test_x",
        unpaid_retention_days=45,
    )
    client = boto3.client("dynamodb", region_name="eu-west-2")
    built = bootstrap.build(config, dynamodb=client)
    assert built.unpaid_retention == timedelta(days=45)
    assert built.repository.unpaid_retention == timedelta(days=45)  # type: ignore[attr-defined]
