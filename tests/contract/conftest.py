"""Fixtures the contract suites share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from booking.adapters.dynamodb import DynamoRepository
from booking.services.ports import GroupStore, Repository
from tests.fakes import FakeRepository
from tests.fakes.groups import FakeGroupStore
from tests.support.moto_table import TABLE, the_fake_then_dynamodb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture(params=["fake", "dynamodb"])
def repo(request: pytest.FixtureRequest) -> Iterator[Repository]:
    """The repository, the fake then the DynamoDB adapter over moto."""
    repositories: Iterator[Repository] = the_fake_then_dynamodb(
        request.param, FakeRepository, lambda client: DynamoRepository(client, TABLE)
    )
    yield from repositories


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[Repository, GroupStore]]:
    """The repository and the group store, the fake pair then the DynamoDB adapter's."""
    yield from the_fake_then_dynamodb(request.param, _fake_stores, _dynamo_stores)


def _fake_stores() -> tuple[Repository, GroupStore]:
    repository = FakeRepository()
    return repository, FakeGroupStore(repository)


def _dynamo_stores(client: DynamoDBClient) -> tuple[Repository, GroupStore]:
    dynamo = DynamoRepository(client, TABLE)  # one adapter is both stores
    return dynamo, dynamo
