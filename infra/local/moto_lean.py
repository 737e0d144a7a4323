"""moto as a local AWS that runs for hours: what it keeps that AWS would not, let go.

moto is built for short tests and keeps things that a long ``make run``, a bench or a session of
end-to-end tests pays for in memory and time. Each change below keeps moto's answers exactly as
they were; ``keep_moto_lean`` applies them once per process, before moto is used.

- **Every model object ever made.** ``BaseModel.__new__`` appends each object to its class's
  ``instances_tracked``, for moto's web dashboard, until the mock is reset. That includes every
  rollback copy of a table that ``TransactWriteItems`` takes (below), so memory grew with
  transactions times table size: the bench passed 10 GB. Nothing here uses the dashboard, so
  objects are no longer recorded there.
- **A table copied for every transaction.** ``TransactWriteItems`` deep-copies each whole
  table it names for its rollback (once for each item in the transaction, all before it
  writes anything), so a transaction cost time in proportion to the table: a reminder run
  over 1,000 attendees spent minutes copying. It now keeps only the items it touches, and puts
  exactly those back where moto rolls back (``infra/local/moto_transactions.py``); a table
  whose keys cannot all be worked out (a malformed request) is still copied, once.
- **The stream, copied with the table.** Each copy of a table (a backup, or a transaction's
  on a malformed request) also deep-copied every stream record the table had ever written, so
  it cost time in proportion to all writes so far. A record never changes once written (moto
  fills it in its constructor), so a copy of the table shares its records; the list holding
  them is still copied, so a rolled-back transaction's records go with the table copy they
  were written to, as before.
- **Every answer's field names worked out again.** moto writes each answer by walking its
  botocore shape, and for every field of every value (each attribute of each DynamoDB item)
  asks six alias rules which names the value might be found under, making an object per rule:
  a third of what a DynamoDB call cost the tests. The names depend only on the field's shape,
  its parent shape, its name and the value's class (an alias a class declares in its ``Meta``),
  so they are worked out once per those and handed out again, in the same order; a value
  carrying a ``Meta`` of its own is asked as before. From a plain dict, the value is then read
  by those names without a lookup object per name.
- **Every field of a structure asked for, present or not.** A structure written from a plain
  dict asked for each of its shape's fields in turn: a DynamoDB attribute value's ten (S, N,
  M, L, ...) for every attribute of every item, to find the one it holds. Which field a dict
  gives, and under which of its keys, depends only on the shape and the dict's keys (the names
  above), so that is worked out once per shape and keys; the fields then written are the same,
  in the same order, written the same way.
- **The whole table sorted, value by value, for every query and scan.** ``Table.all_items``
  sorts every item by its keys before a query picks its partition out, comparing moto's
  attribute objects, each comparison working out both values again (a tenth of a lifecycle
  example's time). The keys' own values (a string, a number) give the same order, worked out
  once per item: a key attribute holds one type in a table, and for one type the objects
  compare as their values do.
  A query sorts what it picks again by keys that order its items wholly (the partition's by
  their sort key, unique there; an index's by its keys and then the table's, unique in the
  table), so within a query the table is listed unsorted: the answer is the same.
- **Each request's operation and handler methods looked up again.** For every request moto
  lists its handler class's methods (``inspect.getmembers``) and matches the request against
  the service's routes three or four times over, and converts the operation's name to a method
  name: the methods of a class and the name of an operation do not change, and the operation
  is matched once per request and handed out again.
- **Every request's service found by trying each service's address in turn.** For every call
  moto matches the URL against the address patterns of every service it mocks, in order (about
  60 tried before DynamoDB's), then lists that service's handler URLs anew and compiles and
  tries each. Which services match a URL, and which handler answers it, depend on the URL alone
  (the patterns and each service's URL table are fixed at import), so they are worked out once
  per URL; the settings that let a service through or refuse it are still asked on every
  request, of the same services in the same order.
- **Each answer's request id drawn a letter at a time.** The ``x-amzn-requestid`` of every
  answer was 52 separate draws from moto's random; it is drawn in one call, of the same 52
  letters and digits, from the same random (seeded as moto seeds it).
"""

from __future__ import annotations

import contextvars
import copy
import functools
from collections.abc import Callable, Iterable
from typing import Any

from infra.local.moto_transactions import TableCopies, rolling_back_touched_items

_APPLIED = False
# At most this many field names remembered (the answers' shapes need a few thousand).
_FIELD_NAMES_KEPT = 20_000
# True while a Query runs: the table's items listed unsorted (the query sorts what it picks).
_in_query: contextvars.ContextVar[bool] = contextvars.ContextVar("in_query", default=False)
# id(table) -> its copy, while one TransactWriteItems is running (None otherwise).
_copies_in_transaction: contextvars.ContextVar[TableCopies | None] = contextvars.ContextVar(
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

    transact = rolling_back_touched_items(
        DynamoDBBackend.transact_write_items, _copies_in_transaction
    )
    _remember_field_names()
    _write_dict_structures_by_their_keys()
    _sort_items_by_key_values()
    _look_up_each_request_once()
    _route_each_url_once()
    _draw_request_ids_at_once()
    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]
    StreamRecord.__deepcopy__ = shared_record  # type: ignore[attr-defined]
    Table.__deepcopy__ = table_copy  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact  # type: ignore[method-assign,assignment]
    _APPLIED = True


def _remember_field_names() -> None:
    """moto's response serializer, asking the alias rules once per (shape, parent, name, class):
    the same names in the same order as ``XFormedAttributePicker.get_possible_keys``."""
    from moto.core.serialize import (
        DEFAULT_ALIAS_PROVIDERS,
        AttributePickerContext,
        XFormedAttributePicker,
    )

    asked: Callable[[XFormedAttributePicker, AttributePickerContext], Iterable[str]]
    asked = XFormedAttributePicker.get_possible_keys
    # (class, id(shape), id(parent), name) -> the names, with the shapes (kept alive, so that
    # no other shape takes their ids while they are keys here).
    known: dict[tuple[type, int, int, str], tuple[tuple[str, ...], Any, Any]] = {}

    def possible_keys(
        picker: XFormedAttributePicker, context: AttributePickerContext
    ) -> Iterable[str]:
        obj, shape = context.obj, context.shape
        if picker.alias_providers is not DEFAULT_ALIAS_PROVIDERS or "Meta" in getattr(
            obj, "__dict__", ()
        ):
            return asked(picker, context)
        parent = getattr(shape, "parent", None)
        key = (obj.__class__, id(shape), id(parent), context.key)
        found = known.get(key)
        if found is None:
            if len(known) >= _FIELD_NAMES_KEPT:  # an error's shape is made anew each time
                known.clear()
            found = (tuple(asked(picker, context)), shape, parent)
            known[key] = found
        return found[0]

    picked = XFormedAttributePicker.__call__

    def pick(picker: XFormedAttributePicker, context: AttributePickerContext) -> Any:
        # From a plain dict (most of moto's answers), the first of those names it holds: what
        # moto's get_value finds (a name with a dot is a path, which it follows).
        obj = context.obj
        if type(obj) is not dict or picker.response_transformers:
            return picked(picker, context)
        names = tuple(possible_keys(picker, context))
        for name in names:
            if "." in name:
                return picked(picker, context)
        for name in names:
            if name in obj:
                return obj[name]
        return None

    XFormedAttributePicker.get_possible_keys = possible_keys  # type: ignore[assignment,method-assign]
    XFormedAttributePicker.__call__ = pick  # type: ignore[assignment,method-assign]


# A structure's plan for a dict with given keys: (member, its shape, the dict's key holding it)
# for each field the dict gives, or None where moto's own must write it (a dotted name).
_Plan = tuple[tuple[str, Any, str], ...] | None


def _plan_for(serializer: Any, value: dict[str, Any], shape: Any) -> _Plan:
    """The fields ``value`` gives as ``shape``: the first of the names moto asks for each member
    (``get_possible_keys``, in its order) that the dict holds, as moto's picker finds it."""
    from moto.core.serialize import AttributePickerContext

    fields: list[tuple[str, Any, str]] = []
    for member_key, member_shape in shape.members.items():
        context = AttributePickerContext(
            obj=value,
            key=member_key,
            shape=member_shape,
            operation_model=serializer.operation_model,
            service_model=serializer.operation_model.service_model,
            key_path="",
        )
        names = tuple(serializer._value_picker.get_possible_keys(context))
        if any("." in name for name in names):
            return None
        found = next((name for name in names if name in value), None)
        if found is not None:
            fields.append((member_key, member_shape, found))
    return tuple(fields)


def _write_dict_structures_by_their_keys() -> None:
    """moto's structure writer, for a plain dict: the fields it gives (member, shape, the dict's
    key holding it) worked out once per (shape, the dict's keys) with the names moto asks for,
    then only those written; anything else (an object, a picker or serializer of another kind,
    a dotted name) is written by moto's own."""
    from moto.core.serialize import (
        DEFAULT_ALIAS_PROVIDERS,
        ResponseSerializer,
        XFormedAttributePicker,
    )

    own = ResponseSerializer._serialize_type_structure
    base_member = ResponseSerializer._serialize_structure_member
    # (id(shape), the dict's keys) -> its plan, and the shape (kept alive, so that no other
    # shape takes its id while it is a key here).
    plans: dict[tuple[int, tuple[str, ...]], tuple[_Plan, Any]] = {}

    def plan_for(serializer: Any, value: dict[str, Any], shape: Any) -> _Plan:
        key = (id(shape), tuple(value))
        known = plans.get(key)
        if known is None:
            if len(plans) >= _FIELD_NAMES_KEPT:
                plans.clear()
            known = plans[key] = (_plan_for(serializer, value, shape), shape)
        return known[0]

    @functools.wraps(own)  # moto's own as __wrapped__, for the tests to compare
    def structure(serializer: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        picker = serializer._value_picker
        if (
            type(value) is not dict
            or type(picker) is not XFormedAttributePicker
            or picker.response_transformers
            or picker.alias_providers is not DEFAULT_ALIAS_PROVIDERS
            or type(serializer)._serialize_structure_member is not base_member
            or type(serializer).get_value is not ResponseSerializer.get_value
        ):
            own(serializer, serialized, value, shape, key)
            return
        for member_shape in shape.members.values():
            member_shape.parent = shape  # as moto's own sets it, before the names are asked
        plan = plan_for(serializer, value, shape)
        if plan is None:
            own(serializer, serialized, value, shape, key)
            return
        wrapper: Any = serializer.MAP_TYPE() if key else serialized
        for member_key, member_shape, name in plan:
            member_value = value[name]
            if member_value is not None:
                serializer._serialize(wrapper, member_value, member_shape, member_key)
        if key:
            serializer._default_serialize(serialized, wrapper, shape, key)

    ResponseSerializer._serialize_type_structure = structure  # type: ignore[method-assign,assignment]


def _sort_items_by_key_values() -> None:
    """``Table.all_items`` in moto's order, sorted by the keys' values rather than by comparing
    moto's attribute objects (``DynamoType``: equal when type and value are, ordered by value;
    one type per key attribute, so the order is the same)."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    def key_values(item: Item) -> Any:
        # As moto's key: (hash, range) when the item has a range key, else the hash alone.
        if item.range_key:
            return (item.hash_key.cast_value, item.range_key.cast_value)
        return item.hash_key.cast_value

    @functools.wraps(Table.all_items)  # moto's own as __wrapped__, for the tests to compare
    def all_items(table: Table) -> list[Item]:
        items: list[Item] = []
        for hash_set in table.items.values():
            if table.range_key_attr:
                items.extend(hash_set.values())
            else:
                items.append(hash_set)  # type: ignore[arg-type]  # the item itself
        if _in_query.get():
            return items
        return sorted(items, key=key_values)

    query = Table.query

    @functools.wraps(query)
    def query_of_unsorted_items(table: Table, *args: Any, **kwargs: Any) -> Any:
        token = _in_query.set(True)
        try:
            return query(table, *args, **kwargs)
        finally:
            _in_query.reset(token)

    Table.all_items = all_items  # type: ignore[method-assign,assignment]
    Table.query = query_of_unsorted_items  # type: ignore[method-assign,assignment]


def _look_up_each_request_once() -> None:
    """A handler class's method names listed once per class, an operation's method name worked
    out once per name, and a request's operation matched once per request (moto makes a new
    handler object for each request; the first match sets ``uri_match``, as each did)."""
    from moto.core import responses, utils
    from moto.core.responses import BaseResponse

    method_names: dict[object, list[str]] = {}
    list_methods = utils.method_names_from_class

    def methods_of(clazz: object) -> list[str]:
        if clazz not in method_names:
            method_names[clazz] = list_methods(clazz)
        return list(method_names[clazz])  # a copy: moto's own is new each time

    responses.method_names_from_class = methods_of  # type: ignore[attr-defined]
    method_name = functools.lru_cache(maxsize=4096)(utils.camelcase_to_underscores)
    responses.camelcase_to_underscores = method_name  # type: ignore[attr-defined]

    def operation_of(handler: BaseResponse) -> str:
        # Matched again only if the handler was given another request.
        request = handler.normalized_request
        known: tuple[Any, str] | None = handler.__dict__.get("_lean_operation")
        if known is None or known[0] is not request:
            known = (request, handler._get_action_from_request(request))
            handler.__dict__["_lean_operation"] = known
        return known[1]

    BaseResponse._get_action = operation_of  # type: ignore[method-assign,assignment]


def _route_each_url_once() -> None:
    """``BotocoreStubber.process_request`` with what the URL decides worked out once per URL:
    the services whose address pattern matches, in moto's order, up to the first of them with a
    handler URL that matches, and that handler. The same checks of each of those services'
    settings, the same request recorded, the same answers, and the same 404 for an AWS address
    no service answers."""
    import re

    import moto.backend_index as backend_index
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.core.config import passthrough_service, passthrough_url, service_whitelisted
    from moto.core.exceptions import ServiceNotWhitelisted
    from moto.core.request import normalize_request
    from moto.core.utils import get_equivalent_url_in_aws_domain
    from moto.moto_api import recorder
    from werkzeug.exceptions import HTTPException

    @functools.lru_cache(maxsize=1024)
    def route(clean_url: str) -> tuple[tuple[str, ...], Callable[..., Any] | None]:
        tried: list[str] = []
        for service, pattern in backend_index.backend_url_patterns:
            if not pattern.match(clean_url):
                continue
            tried.append(service)
            for url, handler in _backend_of(service).urls.items():
                if re.compile(url).match(clean_url):
                    return tuple(tried), handler
        return tuple(tried), None

    def process_request(stubber: BotocoreStubber, request: Any) -> Any:
        parsed_url, _ = get_equivalent_url_in_aws_domain(request.url)
        clean_url = f"{parsed_url.scheme}://{parsed_url.netloc}{parsed_url.path}"
        if passthrough_url(clean_url):
            return None
        services, handler = route(clean_url)
        for service in services:
            if passthrough_service(service):
                return None
            if not service_whitelisted(service):
                raise ServiceNotWhitelisted(service)
        if handler is None:
            if re.compile(r"https?://.+\.amazonaws.com/.*").match(clean_url):
                return 404, {}, "Not yet implemented"
            return None
        normalized_request = normalize_request(request)
        try:
            recorder._record_request(normalized_request)
            return handler(
                normalized_request, normalized_request.raw_url, normalized_request.headers
            )
        except HTTPException as refused:
            return refused.code, refused.get_headers(), refused.get_body()

    BotocoreStubber.process_request = process_request  # type: ignore[method-assign,assignment]


def _backend_of(service: str) -> Any:
    """The backend moto reads a service's handler URLs from (its own choice of region)."""
    import moto.backends as backends
    from moto.core.base_backend import BackendDict
    from moto.core.models import DEFAULT_ACCOUNT_ID

    backend_dict: Any = backends.get_backend(service)  # type: ignore[call-overload]
    if not isinstance(backend_dict, BackendDict):
        return backend_dict["global"]
    accounts = backend_dict[DEFAULT_ACCOUNT_ID]
    return accounts["us-east-1"] if "us-east-1" in accounts else accounts["aws"]


def _draw_request_ids_at_once() -> None:
    """moto's request id for an answer: 52 letters and digits from moto's random, one call."""
    import string

    from moto.core import responses
    from moto.moto_api._internal import mock_random

    alphabet = string.ascii_letters + string.digits

    def request_id(headerdict: dict[str, Any] | None = None) -> str:
        made = "".join(mock_random.choices(alphabet, k=52))
        if headerdict is not None:
            headerdict["x-amzn-requestid"] = made
        return made

    responses.gen_amzn_requestid_long = request_id  # type: ignore[attr-defined]
