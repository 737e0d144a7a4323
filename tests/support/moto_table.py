"""The service's one DynamoDB table on moto, for the tests that hold a fake to the real adapter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
from moto import mock_aws

from booking.adapters.dynamodb.schema import TABLE_DEFINITION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "t"


@contextmanager
def table_on_moto() -> Iterator[DynamoDBClient]:
    """A client of a moto DynamoDB holding the table ``TABLE``, made from the stack's one
    definition (keys, indexes); moto's state goes when the block ends."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-2")
        client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
        yield client
