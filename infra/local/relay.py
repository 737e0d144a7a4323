"""The table's stream into the relay function, as Lambda's event source mapping does in AWS.

moto keeps a DynamoDB stream for a table created with a ``StreamSpecification``; this reads it
from where it stood when the relay was created and hands each batch of records to the relay
handler in the event shape Lambda uses. A batch the handler reports as failed
(``batchItemFailures``) is delivered again on the next pump, from the failed record on, as the
mapping's retry would.

moto is kinder than DynamoDB in one way that matters here and unkind in another: a transaction
that fails (a seat taken meanwhile, an address that has applied already) still writes its
records to the stream, then restores the table from a copy taken before it, stream included. The
next writes reuse those sequence numbers, and an iterator taken earlier points into the copy
that was thrown away. So each pump takes a fresh iterator a little behind where it got to and
delivers every record it has not seen by (sequence number, event id): the lost transaction's
records went out (their jobs find no application and are skipped), and the writes after it are
never missed. DynamoDB itself writes nothing to the stream for a cancelled transaction.

Lambda's mapping hands the function records only when the stream has some; a pump here that
found nothing still cost two calls (an iterator, then its empty read), and in the tests the
harness pumps after every call, half of them after a call that wrote nothing: a fifth of an
integration test's time. Given ``grown`` (``moto_stream_mark``: moto's stream in this process),
a pump first looks whether the stream has changed since the last one read it, and reads only if
it has (or a batch waits to be delivered again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
BATCH_SIZE = 100  # the mapping's batch size in infra/cdk
# The most records one GetRecords answers (DynamoDB's own limit).
READ_LIMIT = 1000
# How many records back each pump re-reads: more than one transaction can write (100 items).
WINDOW = 200


class StreamMark:
    """The stream as a pump found it: the list moto keeps its records in, how many it held and
    the last of them. Equal marks mean nothing was written since (a write appends a new record;
    a cancelled transaction's records are taken off again, leaving the list as it was)."""

    def __init__(self, records: list[Any] | None) -> None:
        self._records = records
        self._length = len(records) if records is not None else -1
        self._last = records[-1] if records else None

    def same_as(self, other: StreamMark | None) -> bool:
        return (
            other is not None
            and self._records is not None
            and other._records is self._records
            and other._length == self._length
            and other._last is self._last
        )


def moto_stream_mark(table_name: str, region: str) -> Callable[[], StreamMark]:
    """How ``table_name``'s stream stands in moto in this process (in-process or its server
    thread): read from moto's own table each time (a test's moto state may be put back under
    the relay); a table moto does not hold gives a mark equal to none, so the pump reads."""

    def mark() -> StreamMark:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables.get(table_name)
        shard = getattr(table, "stream_shard", None)
        return StreamMark(shard.items if shard is not None else None)

    return mark


class StreamRelay:
    def __init__(
        self,
        table_name: str,
        handler: Handler,
        context: Callable[[], Any],
        client: Callable[[str], Any] | None = None,
        grown: Callable[[], StreamMark] | None = None,
    ) -> None:
        """``client``: where the relay's clients come from (by service name), when not from
        boto3's default session (the tests hand out one client per service for the process,
        ``infra.local.aws.client``). ``grown``: how the stream stands now (``moto_stream_mark``),
        so that a pump reads it only when it has changed; None: every pump reads."""
        self._handler = handler
        self._grown = grown
        self._read_at: StreamMark | None = None
        self._context = context
        dynamodb = (client or boto3.client)("dynamodb")
        # Without this, botocore addresses streams by account id, which moto in-process does
        # not answer (the local server's endpoint override does not care).
        self._streams = (
            client("dynamodbstreams")
            if client is not None
            else boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        )
        table = dynamodb.describe_table(TableName=table_name)["Table"]
        self._stream_arn = str(table["LatestStreamArn"])
        self._unacknowledged: list[dict[str, Any]] = []
        # Per shard: sequence number -> event id of the last WINDOW records read, and where to
        # read from when none has been read yet.
        self._seen: dict[str, dict[int, str]] = {}
        self._floor: dict[str, int] = {}
        # moto gives a table's stream one shard, under a fixed id, for the table's life (a
        # rolled-back copy of the table keeps it): described once, not before every pump,
        # which was a fifth of what relaying cost the lifecycle machine.
        self._shard_ids = self._shards()
        for shard in self._shard_ids:
            existing = self._read(shard, self._iterator(shard, "TRIM_HORIZON"))
            self._remember(shard, existing)
            if not existing:
                self._floor[shard] = self._starting_sequence(shard)

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        return [shard["ShardId"] for shard in description["StreamDescription"]["Shards"]]

    def _starting_sequence(self, shard: str) -> int:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        for found in description["StreamDescription"]["Shards"]:
            if found["ShardId"] == shard:
                return int(found["SequenceNumberRange"]["StartingSequenceNumber"])
        return 0

    def _iterator(self, shard: str, position: str, sequence: int | None = None) -> str:
        extra = {"SequenceNumber": str(sequence)} if sequence is not None else {}
        answer = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn, ShardId=shard, ShardIteratorType=position, **extra
        )
        return str(answer["ShardIterator"])

    def _read(self, shard: str, iterator: str) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while True:
            answer = self._streams.get_records(ShardIterator=iterator, Limit=READ_LIMIT)
            batch = answer.get("Records", [])
            records.extend(batch)
            # moto answers every record up to the limit: fewer is all there is (asking again,
            # to be told nothing, was a third of each pump's calls).
            if len(batch) < READ_LIMIT or not answer.get("NextShardIterator"):
                return records
            iterator = str(answer["NextShardIterator"])

    def _remember(self, shard: str, records: list[dict[str, Any]]) -> None:
        seen = self._seen.setdefault(shard, {})
        for record in records:
            seen[int(record["dynamodb"]["SequenceNumber"])] = str(record["eventID"])
        for old in sorted(seen)[:-WINDOW]:
            del seen[old]

    def _after_last_seen(self, shard: str, seen: dict[int, str]) -> list[dict[str, Any]]:
        """The records after the last one seen. Usually that record is still where it was, and
        only what follows it is read; when it is not (a cancelled transaction put the stream
        back under us), the whole window is read again and what was delivered is left out."""
        last = max(seen)
        records = self._read(shard, self._iterator(shard, "AT_SEQUENCE_NUMBER", last))
        if records and _identity(records[0]) == (last, seen[last]):
            return records[1:]
        records = self._read(shard, self._iterator(shard, "AT_SEQUENCE_NUMBER", min(seen)))
        return [
            record for record in records if seen.get(_identity(record)[0]) != _identity(record)[1]
        ]

    def _new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for shard in self._shard_ids:
            seen = self._seen.get(shard, {})
            if seen:
                fresh = self._after_last_seen(shard, seen)
            else:
                start = self._floor.get(shard)
                iterator = (
                    self._iterator(shard, "AT_SEQUENCE_NUMBER", start)
                    if start is not None
                    else self._iterator(shard, "TRIM_HORIZON")
                )
                fresh = self._read(shard, iterator)
            self._remember(shard, fresh)
            records.extend(fresh)
        return records

    def _unread(self) -> list[dict[str, Any]]:
        """The records not read yet: none without a read when ``grown`` says the stream stands
        as it did at the last read. The mark is taken before the read and kept once the read
        succeeded: what is written meanwhile is read now or next time."""
        mark = self._grown() if self._grown is not None else None
        if mark is not None and mark.same_as(self._read_at):
            return []
        records = self._new_records()
        self._read_at = mark
        return records

    def pump(self) -> int:
        """Deliver what the stream holds now; returns how many records were acknowledged."""
        pending = self._unacknowledged + self._unread()
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


def _identity(record: dict[str, Any]) -> tuple[int, str]:
    """A stream record as told apart from another that reuses its sequence number."""
    return int(record["dynamodb"]["SequenceNumber"]), str(record["eventID"])
