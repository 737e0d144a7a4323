"""moto's ``TransactWriteItems`` rolled back by the items it touches, not by copies of tables.

moto deep-copies every table a transaction names before it writes anything, and on failure puts
the copies in the tables' place: each transaction cost time in proportion to the table (a
reminder run over 1,000 attendees spent minutes copying). A transaction writes only the items
its operations name, so those are what is kept: for each (table, key), the item as it was (a
copy, since an update changes it in place) or its absence, whether its partition was there
(moto makes an empty one when it looks up a key it lacks), and how many stream records the
table held. On the failures after which moto rolls back (a cancelled transaction, two
operations on one item, a validation error), exactly those are put back; the answers and errors
are moto's own, since moto's own code still runs the transaction.

A table whose operations' keys cannot all be worked out (a malformed request) is copied whole,
as moto did. A table named only by its ARN is not rolled back, as moto does not. Within a
partition a restored item may come back in another place in the dict: nothing reads that order
(every listing sorts by key).
"""

from __future__ import annotations

import contextvars
import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# id(table) -> the table itself, for each table whose touched items are kept: moto's "copy" of
# it is then the table, and its rollback puts the table back in its own place.
TableCopies = dict[int, Any]


@dataclass
class _ItemBefore:
    table: Any
    hash_key: Any
    range_key: Any
    item: Any  # a copy of the item as it was, or None if it was absent
    partition_was_there: bool


@dataclass
class TouchedItems:
    """What a transaction may change, as it was before it ran."""

    items: dict[tuple[int, Any, Any], _ItemBefore] = field(default_factory=dict)
    # (shard, its list of records, how many it held)
    streams: list[tuple[Any, list[Any], int]] = field(default_factory=list)
    kept_tables: dict[int, Any] = field(default_factory=dict)

    def restore(self) -> None:
        """Each touched item as it was, partitions made since gone, stream records since gone."""
        emptied: list[_ItemBefore] = []
        for before in self.items.values():
            table, hash_key, range_key = before.table, before.hash_key, before.range_key
            if table.range_key_attr is None:
                if before.item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before.item
                continue
            if before.item is None:
                table.items.get(hash_key, {}).pop(range_key, None)
            else:
                table.items[hash_key][range_key] = before.item
            if not before.partition_was_there:
                emptied.append(before)
        for before in emptied:
            if before.hash_key in before.table.items and not before.table.items[before.hash_key]:
                del before.table.items[before.hash_key]
        for shard, records, count in self.streams:
            del records[count:]
            shard.items = records


def _key_of(table: Any, op_type: str, op: dict[str, Any]) -> tuple[Any, Any]:
    """The item an operation names, as moto works it out (``get_keys_value``, ``put_item``)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    attrs = op["Item"] if op_type == "Put" else op["Key"]
    hash_key = DynamoType(attrs[table.hash_key_attr])
    range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_key, range_key


def _table_named(backend: Any, name: Any) -> Any:
    """The table moto's operation writes to (by name or ARN), or None: moto refuses it."""
    try:
        return backend.get_table(name)
    except Exception:  # no such table (or no name): moto refuses the operation before it writes
        return None


def _rolled_back_tables(backend: Any, transact_items: list[Any]) -> dict[int, Any]:
    """The tables moto copies for its rollback: those an operation names by their name."""
    tables: dict[int, Any] = {}
    for item in transact_items:
        op = next(iter(item.values()), None) if isinstance(item, dict) else None
        name = op.get("TableName") if isinstance(op, dict) else None
        if isinstance(name, str) and name in backend.tables:
            tables[id(backend.tables[name])] = backend.tables[name]
    return tables


def _writable(backend: Any, item: Any, tables: dict[int, Any]) -> tuple[Any, str, Any] | None:
    """(table, operation, its parameters) for an operation moto may write in one of
    ``tables``; None for one it refuses before it writes, or writes elsewhere."""
    if not isinstance(item, dict) or not item:
        return None
    op_type, op = next(iter(item.items()))
    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"} or not isinstance(op, dict):
        return None
    table = _table_named(backend, op.get("TableName"))
    if table is None or id(table) not in tables:
        return None
    return table, op_type, op


def _as_it_is(table: Any, op_type: str, op: dict[str, Any]) -> _ItemBefore:
    """The item an operation names, as it is now (raises on a key moto cannot work out)."""
    hash_key, range_key = _key_of(table, op_type, op)
    partition_was_there = hash_key in table.items  # not table.items[...]: that would make one
    found = table.items.get(hash_key) if partition_was_there else None
    if found is not None and range_key is not None:
        found = found.get(range_key)
    return _ItemBefore(table, hash_key, range_key, copy.deepcopy(found), partition_was_there)


def touched_items(backend: Any, transact_items: list[dict[str, Any]]) -> TouchedItems:
    """The items a transaction's operations name, in the tables moto would roll back, as they
    are now; a table with a key not worked out is left out (moto's copy of it stays)."""
    touched = TouchedItems()
    tables = _rolled_back_tables(backend, transact_items)
    unknown: set[int] = set()
    for item in transact_items:
        target = _writable(backend, item, tables)
        if target is None:
            continue
        table = target[0]
        try:
            before = _as_it_is(*target)
        except Exception:  # a malformed key: the table is copied whole, as moto did
            unknown.add(id(table))
            continue
        touched.items.setdefault((id(table), before.hash_key, before.range_key), before)
    touched.items = {at: kept for at, kept in touched.items.items() if at[0] not in unknown}
    touched.kept_tables = {key: table for key, table in tables.items() if key not in unknown}
    for table in touched.kept_tables.values():
        shard = table.stream_shard
        if shard is not None:
            touched.streams.append((shard, shard.items, len(shard.items)))
    return touched


def rolling_back_touched_items(
    transact_write_items: Callable[[Any, list[dict[str, Any]]], None],
    copies_in_transaction: contextvars.ContextVar[TableCopies | None],
) -> Callable[[Any, list[dict[str, Any]]], None]:
    """moto's ``transact_write_items``, with the tables whose touched items are kept given to
    its rollback as they are (no copy), and those items put back where moto rolls back."""
    from moto.dynamodb.exceptions import (
        MockValidationException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    @functools.wraps(transact_write_items)  # moto's own as __wrapped__, for the tests
    def transact(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()  # as moto's own, before anything
        touched = touched_items(backend, transact_items)
        token = copies_in_transaction.set(dict(touched.kept_tables))
        try:
            transact_write_items(backend, transact_items)
        except (TransactionCanceledException, MockValidationException) as refused:
            # moto rolls back on these, except a second operation in one item (before its try)
            if not isinstance(refused, TransactWriteSingleOpException):
                touched.restore()
            raise
        finally:
            copies_in_transaction.reset(token)

    return transact
