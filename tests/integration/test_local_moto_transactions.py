"""moto kept lean for long runs (infra/local/moto_transactions.py): a transaction rolled back by
the items it touches, exactly as moto's own rollback of copies of its tables."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from infra.local.aws import REGION, provision
from infra.local.moto_lean import keep_moto_lean
from tests.support.moto_table import moto_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        PutTypeDef,
        TransactWriteItemTypeDef,
    )


def _key(pk: str, sk: str = "X") -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _put(
    table: str, pk: str, sk: str = "X", *, condition: str | None = None
) -> TransactWriteItemTypeDef:
    put: PutTypeDef = {"TableName": table, "Item": _key(pk, sk) | {"v": {"S": pk}}}
    if condition is not None:
        put["ConditionExpression"] = condition
    return {"Put": put}


_VALUES = {":v": {"S": "changed"}, ":n": {"N": "1"}}


def _update(table: str, pk: str, sk: str = "X", expression: str = "SET v = :v") -> Any:
    values = {name: value for name, value in _VALUES.items() if name in expression}
    return {
        "Update": {
            "TableName": table,
            "Key": _key(pk, sk),
            "UpdateExpression": expression,
            **({"ExpressionAttributeValues": values} if values else {}),
        }
    }


def _delete(table: str, pk: str, sk: str = "X") -> TransactWriteItemTypeDef:
    return {"Delete": {"TableName": table, "Key": _key(pk, sk)}}


def _check(table: str, pk: str, condition: str, sk: str = "X", **extra: Any) -> Any:
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": _key(pk, sk),
            "ConditionExpression": condition,
            **extra,
        }
    }


def _transactions(t: str) -> list[list[TransactWriteItemTypeDef]]:
    """Succeeding and failing transactions: puts, updates, deletes and condition checks on
    items absent and present, in partitions absent and present."""
    return [
        [_put(t, "a"), _put(t, "b"), _update(t, "c"), _put(t, "d", "1"), _put(t, "d", "2")],
        # Refused last: a new item, a new partition, a changed item and a deleted one go back.
        [
            _put(t, "new"),
            _update(t, "a"),
            _delete(t, "b"),
            _update(t, "d", "3"),
            _delete(t, "d", "1"),
            _check(t, "nowhere", "attribute_exists(pk)"),
        ],
        # Refused in the middle, its item returned; the rest still run (their reasons None).
        [
            _update(t, "c"),
            _check(
                t, "a", "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD"
            ),
            _put(t, "e"),
            _put(t, "b", condition="attribute_not_exists(pk)"),
        ],
        # Two operations on one item: a validation error, after the first has been written.
        [_put(t, "f"), _update(t, "a"), _delete(t, "a")],
        # An update moto refuses while it runs (ADD to a string), on a new partition.
        [_put(t, "g"), _update(t, "h", "9", "SET v = :v"), _update(t, "a", "X", "ADD v :n")],
        [_put(t, f"many{n}") for n in range(101)],
        # Succeeding: a delete, a check of an absent item (moto makes its partition), updates.
        [
            _delete(t, "b"),
            _check(t, "ghost", "attribute_not_exists(pk)", "7"),
            _update(t, "a"),
            _update(t, "i", "1", "REMOVE v"),
        ],
        [_put(t, "a", condition="attribute_not_exists(pk)"), _delete(t, "c")],
    ]


def _run_transactions() -> list[Any]:
    """Each transaction's answer, then the table and its stream, as the bytes moto wrote; and
    the partitions moto holds."""
    from moto.moto_api._internal import mock_random

    written: list[Any] = []
    with mock_aws(), time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        mock_random.seed(21)
        name = provision().table_name
        client = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client(
            "dynamodbstreams",
            region_name=REGION,
            config=Config(account_id_endpoint_mode="disabled"),
        )
        bodies: list[bytes] = []
        for client_of in (client, streams):
            client_of.meta.events.register(
                "after-call.*.*", lambda http_response, **_: bodies.append(http_response.content)
            )
        arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        for transaction in _transactions(name):
            del bodies[:]
            with contextlib.suppress(ClientError):
                client.transact_write_items(TransactItems=transaction)
            if len(transaction) == 101:
                assert b"Member must have length less than or equal to 100" in bodies[0]
            client.scan(TableName=name)
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            streams.get_records(ShardIterator=iterator)
            partitions = sorted(str(key.value) for key in moto_table(name).items)
            # The answer, the scan and the records (less the next iterator: it is random).
            records = bodies[3].split(b', "NextShardIterator"')[0]
            written.append(([bodies[0], bodies[1], records], partitions))
    return written


def test_a_transaction_rolls_back_the_items_it_touched_as_moto_rolls_back_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """moto_lean keeps the items a transaction touches, not copies of its tables: every
    answer (cancelled with its reasons in order, a condition's item returned, two operations on
    one item, an update refused as it runs, more than 100 items), the table and its stream after
    each, and the partitions moto holds, are what moto's own rollback gives, byte for byte."""
    keep_moto_lean()
    copied: list[int] = []
    copy_table = Table.__deepcopy__  # type: ignore[attr-defined]

    def counted(original: Table, memo: dict[int, Any]) -> Table:
        made: Table = copy_table(original, memo)
        if made is not original:
            copied.append(1)
        return made

    monkeypatch.setattr(Table, "__deepcopy__", counted, raising=False)
    lean = _run_transactions()
    assert copied == [], "a transaction copied a table"
    with monkeypatch.context() as moto_own:
        moto_own.setattr(
            DynamoDBBackend,
            "transact_write_items",
            DynamoDBBackend.transact_write_items.__wrapped__,  # type: ignore[attr-defined]
        )
        own = _run_transactions()
    assert copied  # moto's own copied the table
    assert lean == own
    answers = [bodies[0] for bodies, _ in lean]
    assert answers[0] == answers[6] == b'{"ConsumedCapacity": [], "ItemCollectionMetrics": {}}'
    assert answers[1].count(b'{"Code": "None"}') == 5
    assert b"ConditionalCheckFailed" in answers[1]
    assert b'"Item": {"pk": {"S": "a"}' in answers[2]
    assert b"Transaction request cannot include multiple operations" in answers[3]
    assert b"ValidationException" in answers[4]
    assert b"TransactionCanceledException" in answers[7]
    assert lean[1][0][1:] == lean[0][0][1:]  # cancelled: the table and its stream as they were
    assert lean[4][1] == lean[0][1]  # no partition left of a refused update's new item
