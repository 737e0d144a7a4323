"""The table's stream into the relay function, as Lambda's event source mapping does in AWS.

moto keeps a DynamoDB stream for a table created with a ``StreamSpecification``; this reads it
from where it stood when the relay was created and hands each batch of records to the relay
handler in the event shape Lambda uses. The reading position is kept as a sequence number and a
fresh iterator asked for on every read (as Lambda's poller does; iterators also expire in AWS):
moto replaces a table's stream object when it rolls back a cancelled transaction, so an
iterator held across reads would go on reading the discarded one and see nothing new. A batch
the handler reports as failed (``batchItemFailures``) is delivered again on the next pump, from
the failed record on, as the mapping's retry would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
BATCH_SIZE = 100  # the mapping's batch size in infra/cdk


class StreamRelay:
    def __init__(self, table_name: str, handler: Handler, context: Callable[[], Any]) -> None:
        self._handler = handler
        self._context = context
        dynamodb = boto3.client("dynamodb")
        # Without this, botocore addresses streams by account id, which moto in-process does
        # not answer (the local server's endpoint override does not care).
        self._streams = boto3.client(
            "dynamodbstreams", config=Config(account_id_endpoint_mode="disabled")
        )
        table = dynamodb.describe_table(TableName=table_name)["Table"]
        self._stream_arn = str(table["LatestStreamArn"])
        # Per shard, where the next read starts: (iterator type, sequence number).
        self._positions: dict[str, tuple[str, str | None]] = {}
        self._unacknowledged: list[dict[str, Any]] = []
        for shard in self._shards():
            self._positions[shard] = ("TRIM_HORIZON", None)
        self._new_records()  # from now on: what the stream already holds is not ours to relay

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        return [shard["ShardId"] for shard in description["StreamDescription"]["Shards"]]

    def _iterator(self, shard: str) -> str:
        kind, sequence = self._positions.get(shard, ("TRIM_HORIZON", None))
        request: dict[str, Any] = {
            "StreamArn": self._stream_arn,
            "ShardId": shard,
            "ShardIteratorType": kind,
        }
        if sequence is not None:
            request["SequenceNumber"] = sequence
        return str(self._streams.get_shard_iterator(**request)["ShardIterator"])

    def _new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard in self._shards():
            iterator: str | None = self._iterator(shard)
            while iterator:
                answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
                batch = answer.get("Records", [])
                if not batch:
                    break
                records.extend(batch)
                last = str(batch[-1]["dynamodb"]["SequenceNumber"])
                self._positions[shard] = ("AFTER_SEQUENCE_NUMBER", last)
                iterator = answer.get("NextShardIterator")
        return records

    def pump(self) -> int:
        """Deliver what the stream holds now; returns how many records were acknowledged."""
        pending = self._unacknowledged + self._new_records()
        self._unacknowledged = []
        delivered = 0
        for start in range(0, len(pending), BATCH_SIZE):
            batch = pending[start : start + BATCH_SIZE]
            event = {
                "Records": [{**record, "eventSourceARN": self._stream_arn} for record in batch]
            }
            answer = self._handler(event, self._context())
            failures = [f["itemIdentifier"] for f in answer.get("batchItemFailures") or []]
            if failures:
                first = next(
                    i
                    for i, record in enumerate(batch)
                    if record["dynamodb"]["SequenceNumber"] in failures
                )
                delivered += first
                self._unacknowledged = batch[first:] + pending[start + BATCH_SIZE :]
                break
            delivered += len(batch)
        return delivered
