"""moto as a local AWS that runs for hours: what it keeps that AWS would not, let go.

moto is built for short tests and keeps things that a long ``make run``, a bench or a session of
end-to-end tests pays for in memory and time. Each change below keeps moto's answers exactly as
they were; ``keep_moto_lean`` applies them once per process, before moto is used.

- **Every model object ever made.** ``BaseModel.__new__`` appends each object to its class's
  ``instances_tracked``, for moto's web dashboard, until the mock is reset. That includes every
  rollback copy of a table that ``TransactWriteItems`` takes (below), so memory grew with
  transactions times table size: the bench passed 10 GB. Nothing here uses the dashboard, so
  objects are no longer recorded there.
- **A table copied once per item.** ``TransactWriteItems`` deep-copies the whole table for its
  rollback once for each item in the transaction, all before it writes anything, keeping the
  last: twelve copies for an application with its outbox. The copies are identical, so within
  one transaction each table is copied once and that copy is handed out again.
- **The stream, copied with the table.** Each copy also deep-copied every stream record the
  table had ever written, so a transaction cost time in proportion to all writes so far. A
  record never changes once written (moto fills it in its constructor), so a copy of the table
  shares its records; the list holding them is still copied, so a rolled-back transaction's
  records go with the table copy they were written to, as before.
"""

from __future__ import annotations

import contextvars
import copy
from typing import Any

_APPLIED = False
# id(table) -> its copy, while one TransactWriteItems is running (None otherwise).
_copies_in_transaction: contextvars.ContextVar[dict[int, Any] | None] = contextvars.ContextVar(
    "copies_in_transaction", default=None
)


def keep_moto_lean() -> None:
    """Apply the changes above to moto's classes (idempotent; the whole process)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamRecord, Table

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        # What BaseModel.__new__ does, less the record: the next class in the MRO makes it.
        return super(BaseModel, cls).__new__(cls)  # type: ignore[misc]

    def shared_record(record: StreamRecord, memo: dict[int, Any]) -> StreamRecord:
        return record

    def table_copy(table: Table, memo: dict[int, Any]) -> Table:
        copies = _copies_in_transaction.get()
        if copies is not None and id(table) in copies:
            made: Table = copies[id(table)]
            return made
        # What deepcopy does for a plain object: a new one, then a deep copy of its __dict__.
        result: Table = object.__new__(type(table))
        memo[id(table)] = result
        result.__dict__.update(copy.deepcopy(table.__dict__, memo))
        if copies is not None:
            copies[id(table)] = result
        return result

    transact_write_items = DynamoDBBackend.transact_write_items

    def copying_each_table_once(
        backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
    ) -> None:
        token = _copies_in_transaction.set({})
        try:
            transact_write_items(backend, transact_items)
        finally:
            _copies_in_transaction.reset(token)

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]
    StreamRecord.__deepcopy__ = shared_record  # type: ignore[attr-defined]
    Table.__deepcopy__ = table_copy  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = copying_each_table_once  # type: ignore[method-assign,assignment]
    _APPLIED = True
