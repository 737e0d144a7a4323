"""The table's stream into the relay function, as Lambda's event source mapping does in AWS.

moto keeps a DynamoDB stream for a table created with a ``StreamSpecification``; this reads it
from where it stood when the relay was created and hands each batch of records to the relay
handler in the event shape Lambda uses. A batch the handler reports as failed
(``batchItemFailures``) is delivered again on the next pump, from the failed record on, as the
mapping's retry would.

Each read asks for a fresh iterator just after the last record seen (``AFTER_SEQUENCE_NUMBER``)
rather than following ``NextShardIterator``: moto answers a cancelled transaction by putting
back deep copies of its tables, stream included, so an iterator taken before one would read the
discarded copy for ever and the relay would go quiet (as it did after the fuzz tests, whose
repeated addresses cancel enrolment transactions).
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
        # The last sequence number read from each shard; None: nothing there yet.
        self._last: dict[str, str | None] = {}
        self._unacknowledged: list[dict[str, Any]] = []
        for shard in self._shards():
            # Start where the stream stands now: what is already in it was written before.
            self._last[shard] = None
            self._read(shard)

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        return [shard["ShardId"] for shard in description["StreamDescription"]["Shards"]]

    def _read(self, shard: str) -> list[dict[str, Any]]:
        """Every record of ``shard`` after the last one read (all of them, the first time)."""
        last = self._last.get(shard)
        position: dict[str, str] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
            if last is not None
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn,
            ShardId=shard,
            **position,
        )["ShardIterator"]
        records: list[dict[str, Any]] = []
        while iterator:
            answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            batch = answer.get("Records", [])
            if not batch:
                break
            records.extend(batch)
            self._last[shard] = str(batch[-1]["dynamodb"]["SequenceNumber"])
            iterator = answer.get("NextShardIterator", "")
        return records

    def _new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard in self._shards():
            records.extend(self._read(shard))
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
