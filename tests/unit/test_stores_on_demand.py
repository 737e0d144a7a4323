"""The repository the functions are built with (``StoresOnDemand``) serves each store's methods
exactly as ``DynamoRepository`` does, building a store only when one of its methods is first
called, or at init for the calls a function names (every store in a SnapStart init)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol

import boto3
import pytest
from moto import mock_aws

from booking.adapters.dynamodb import STORES, DynamoRepository, OnTheTable, StoresOnDemand
from booking.adapters.dynamodb.schema import TABLE_DEFINITION
from booking.services.ports import GroupStore, Repository
from tests.support.lambda_init import last_line_printed

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def on_demand() -> Iterator[StoresOnDemand]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-2")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
        yield StoresOnDemand(client, "t")


def _public_methods(cls: type) -> frozenset[str]:
    return frozenset(n for n, v in vars(cls).items() if callable(v) and not n.startswith("_"))


def test_the_table_of_stores_is_the_repositorys_own_stores_and_methods() -> None:
    stores = [
        (cls.__module__.rpartition(".")[2], cls.__name__, _public_methods(cls))
        for cls in DynamoRepository.__mro__[1:-1]
        if cls is not OnTheTable
    ]
    assert list(STORES) == stores


def test_every_method_of_the_ports_is_served() -> None:
    def members(port: type) -> set[str]:
        return {
            name
            for cls in port.__mro__
            if cls not in (Protocol, object) and cls.__module__ != "typing"
            for name in vars(cls)
            if not name.startswith("_")
        }

    served = {method for _, _, methods in STORES for method in methods}
    assert members(Repository) | members(GroupStore) <= served


def test_a_method_is_the_repositorys_own_run_on_the_same_table(
    on_demand: StoresOnDemand,
) -> None:
    on_demand.suppress_address("someone@example.org", "bounce", NOW)
    assert on_demand.is_suppressed("someone@example.org")
    assert not on_demand.is_suppressed("else@example.org")
    for _, _, methods in STORES:
        for method in methods:
            assert getattr(on_demand, method).__func__ is getattr(DynamoRepository, method)
            assert getattr(on_demand, method).__self__.table is on_demand.table


def test_a_name_no_store_serves_fails_as_on_any_object(on_demand: StoresOnDemand) -> None:
    with pytest.raises(AttributeError, match="no_such_method"):
        on_demand.no_such_method  # noqa: B018 - the lookup is what is tested
    with pytest.raises(ValueError, match="no_such_method"):
        on_demand.build_stores(["suppress_address", "no_such_method"])


_STORES_LOADED = """
import json, sys
from booking.adapters.dynamodb import StoresOnDemand
import boto3
on_demand = StoresOnDemand(boto3.client("dynamodb", region_name="eu-west-2"), "t")
{action}
prefix = "booking.adapters.dynamodb."
print(json.dumps(sorted(m.removeprefix(prefix) for m in sys.modules if m.startswith(prefix))))
"""


@pytest.mark.parametrize(
    ("action", "loaded"),
    [
        ("", {"schema", "table"}),
        ("on_demand.is_suppressed", {"schema", "table", "ledgers"}),
        ("on_demand.build_stores(['suppress_address'])", {"schema", "table", "ledgers"}),
        (
            "on_demand.build_stores(['get_course', 'emails_relayed'])",
            {"schema", "table", "courses", "items", "outbox"},
        ),
    ],
)
def test_a_store_is_imported_only_when_one_of_its_methods_is_asked_for(
    action: str, loaded: set[str]
) -> None:
    script = _STORES_LOADED.format(action=action)
    assert set(json.loads(last_line_printed(script, in_lambda=False))) == loaded


def test_every_store_is_built_when_none_is_named(on_demand: StoresOnDemand) -> None:
    on_demand.build_stores()
    every_method = {method for _, _, methods in STORES for method in methods}
    assert every_method <= vars(on_demand).keys()
