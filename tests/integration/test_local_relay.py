"""The local stream relay keeps reading after a cancelled transaction.

moto answers a cancelled TransactWriteItems by putting back deep copies of its tables, stream
and all; a relay that followed its old iterators read the discarded copy from then on and went
quiet for good (every e2e test after the fuzzers waited for email that never came)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.aws import REGION
from infra.local.relay import StreamRelay, moto_stream_mark


def _put(client: Any, table: str, pk: str) -> None:
    client.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "X"}})


def _transaction_cancelled(client: Any, table: str) -> None:
    """A TransactWriteItems that moto cancels (its one put's condition fails)."""
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "refused"}, "sk": {"S": "X"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            ]
        )


def test_records_written_after_a_cancelled_transaction_are_still_relayed(table: str) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    _put(client, table, "before-the-relay")  # already in the stream: not the relay's
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.extend(r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"])
        return {"batchItemFailures": []}

    relay = StreamRelay(table, handler, lambda: None)
    _put(client, table, "first")
    assert relay.pump() == 1
    _transaction_cancelled(client, table)
    _put(client, table, "second")
    _put(client, table, "third")
    assert relay.pump() == 2
    assert relay.pump() == 0
    assert seen == ["first", "second", "third"]


def test_the_relay_describes_the_stream_once_not_before_every_pump(table: str) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    relay = StreamRelay(table, lambda event, context: {"batchItemFailures": []}, lambda: None)
    described: list[str] = []
    relay._streams.meta.events.register(
        "before-call.dynamodb-streams.DescribeStream",
        lambda **kwargs: described.append("DescribeStream"),
    )
    for pk in ("first", "second", "third"):
        _put(client, table, pk)
        assert relay.pump() == 1
    assert described == []


def test_a_pump_reads_the_stream_once_when_moto_answers_all_there_is(table: str) -> None:
    """moto answers every record up to GetRecords' limit: a pump asks once after its iterator,
    not again to be told there is nothing more; and what the writes put there is all relayed."""
    client = boto3.client("dynamodb", region_name=REGION)
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.extend(r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"])
        return {"batchItemFailures": []}

    relay = StreamRelay(table, handler, lambda: None)
    reads: list[str] = []
    relay._streams.meta.events.register(
        "before-call.dynamodb-streams.GetRecords", lambda **kwargs: reads.append("GetRecords")
    )
    for pk in ("first", "second", "third"):
        _put(client, table, pk)
    assert relay.pump() == 3
    assert relay.pump() == 0
    assert seen == ["first", "second", "third"]
    assert reads == ["GetRecords", "GetRecords"]


def test_a_pump_reads_only_a_stream_that_changed_since_its_last_read(table: str) -> None:
    """Given how moto's stream stands (``moto_stream_mark``), a pump after nothing was written
    (a read, a cancelled transaction) asks the stream nothing; every write is still relayed
    once, and a batch the function failed is delivered again though nothing new was written."""
    client = boto3.client("dynamodb", region_name=REGION)
    seen: list[str] = []
    failing = [True]

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if failing[0]:
            failing[0] = False
            first = event["Records"][0]["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": first}]}
        seen.extend(r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"])
        return {"batchItemFailures": []}

    relay = StreamRelay(table, handler, lambda: None, grown=moto_stream_mark(table, REGION))
    asked: list[str] = []
    relay._streams.meta.events.register(
        "before-call.dynamodb-streams", lambda model, **kwargs: asked.append(model.name)
    )
    _put(client, table, "first")
    assert relay.pump() == 0  # the function failed the batch
    assert asked
    asked.clear()
    assert relay.pump() == 1  # delivered again, the stream unchanged
    assert asked == []
    client.get_item(TableName=table, Key={"pk": {"S": "first"}, "sk": {"S": "X"}})
    _transaction_cancelled(client, table)
    assert relay.pump() == 0
    assert asked == []
    _put(client, table, "second")
    assert relay.pump() == 1
    assert asked
    assert seen == ["first", "second"]
