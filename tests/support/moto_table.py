"""The service's one DynamoDB table on moto, for the tests that hold a fake to the real adapter:
each such contract runs once on the fake and once on the adapter over this table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import boto3
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from booking.adapters.dynamodb.schema import TABLE_DEFINITION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "t"
REGION = "eu-west-2"
Store = TypeVar("Store")


def moto_table(name: str, region: str = REGION) -> Table:
    """moto's own object for the table ``name`` (its items, its copies), inside ``mock_aws``."""
    table: Table = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables[name]
    return table


@contextmanager
def table_on_moto() -> Iterator[DynamoDBClient]:
    """A client of a moto DynamoDB holding the table ``TABLE``, made from the stack's one
    definition (keys, indexes); moto's state goes when the block ends."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
        yield client


def the_fake_then_dynamodb(
    param: str, fake: Callable[[], Store], on_moto: Callable[[DynamoDBClient], Store]
) -> Iterator[Store]:
    """A contract fixture's body (``params=["fake", "dynamodb"]``): the fake for "fake", else
    the adapter ``on_moto`` makes over the moto table, which goes when the test ends."""
    if param == "fake":
        yield fake()
        return
    with table_on_moto() as client:
        yield on_moto(client)
