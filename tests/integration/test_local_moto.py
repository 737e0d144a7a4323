"""moto kept lean for long runs (infra/local/moto_lean.py): transactions leave nothing behind,
copy no table, still roll back exactly as before (by the items they touch), answer as moto
writes answers, list a table in moto's order and match each request once."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest, HTTPHeaders
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import backend_index as moto_backend_index
from moto import mock_aws
from moto.core import responses as moto_responses
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.responses import ActionResult, BaseResponse
from moto.core.serialize import (
    AttributePicker,
    AttributePickerContext,
    ResponseSerializer,
    XFormedAttributePicker,
)
from moto.core.utils import method_names_from_class
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.moto_api._internal import mock_random
from moto.sqs.responses import SQSResponse

from infra.local.aws import REGION
from tests.support.moto_table import moto_table
from tests.support.system import System

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def _puts(
    table: str, prefix: str, count: int, *, refused: bool = False
) -> list[TransactWriteItemTypeDef]:
    items: list[TransactWriteItemTypeDef] = [
        {"Put": {"TableName": table, "Item": {"pk": {"S": f"{prefix}-{n}"}, "sk": {"S": "X"}}}}
        for n in range(count)
    ]
    if refused:
        items[-1]["Put"]["ConditionExpression"] = "attribute_exists(pk)"
    return items


def _live_tables() -> int:
    gc.collect()
    return sum(1 for found in gc.get_objects() if type(found) is Table)


def test_transactions_leave_no_copies_of_the_table_behind(table: str) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    before = _live_tables()
    for n in range(20):
        client.transact_write_items(TransactItems=_puts(table, f"kept{n}", 4))
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=_puts(table, "refused", 4, refused=True))
    # Each transaction took rollback copies of the table (84 before moto_lean): none is kept.
    assert _live_tables() <= before


def test_a_transaction_copies_no_table(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    client.transact_write_items(TransactItems=_puts(table, "first", 3))
    copies: list[int] = []
    copy_table = Table.__deepcopy__  # type: ignore[attr-defined]

    def counted(original: Table, memo: dict[int, Any]) -> Table:
        made: Table = copy_table(original, memo)
        copies.append(id(made))
        return made

    monkeypatch.setattr(Table, "__deepcopy__", counted, raising=False)
    client.transact_write_items(TransactItems=_puts(table, "second", 10))
    assert len(copies) == 10  # moto asks for a copy once per item...
    assert set(copies) == {id(moto_table(table))}  # ...and is given the table itself


def test_a_refused_transaction_still_rolls_back_items_and_stream(table: str) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        config=Config(account_id_endpoint_mode="disabled"),  # as infra/local/relay.py
    )
    client.transact_write_items(TransactItems=_puts(table, "kept", 2))
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=_puts(table, "refused", 3, refused=True))
    client.put_item(TableName=table, Item={"pk": {"S": "after"}, "sk": {"S": "X"}})

    keys = {item["pk"]["S"] for item in client.scan(TableName=table)["Items"]}
    assert keys == {"kept-0", "kept-1", "after"}
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    written = [record["dynamodb"]["Keys"]["pk"]["S"] for record in records]
    assert written == ["kept-0", "kept-1", "after"]


def test_every_boto3_session_shares_one_parsed_model_loader() -> None:
    """tests/support/boto_models.py: a new session (as each mock_aws start makes) does not
    parse botocore's JSON models again."""
    first = boto3.session.Session(region_name=REGION)._session.get_component("data_loader")
    with mock_aws():
        again = boto3.session.Session(region_name=REGION)._session.get_component("data_loader")
    assert again is first


def test_every_answer_is_written_as_moto_writes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean's field names, remembered, and read from a dict without a lookup per name, and
    a dict's structure written by the fields its keys give: each answer of a booking's life
    (DynamoDB items of every kind, the stream, the queue) is written again by moto's own picker
    and structure writer, and is the same."""
    lean_serialized = BaseResponse.serialized
    operations: set[str] = set()

    def moto_keys(picker: XFormedAttributePicker, context: AttributePickerContext) -> Any:
        for key in AttributePicker.get_possible_keys(picker, context):
            yield key
            yield xform_name(key)

    def both(handler: BaseResponse, result: ActionResult) -> Any:
        lean = lean_serialized(handler, result)
        with monkeypatch.context() as moto_own:
            moto_own.setattr(XFormedAttributePicker, "__call__", AttributePicker.__call__)
            moto_own.setattr(XFormedAttributePicker, "get_possible_keys", moto_keys)
            moto_own.setattr(
                ResponseSerializer,
                "_serialize_type_structure",
                ResponseSerializer._serialize_type_structure.__wrapped__,  # type: ignore[attr-defined]
            )
            assert lean == lean_serialized(handler, result)
        operations.add(handler._get_action())
        return lean

    monkeypatch.setattr(BaseResponse, "serialized", both)
    application = system.apply().json()
    assert system.apply().status == 409  # the same address again: a transaction refused
    assert system.pay(application["checkout_url"]).status == 200
    assert system.deliver_emails()
    assert system.status_of(application)["status"] == "confirmed"
    assert {
        "Query",
        "GetItem",
        "TransactWriteItems",
        "UpdateItem",
        "GetRecords",
        "SendMessageBatch",
        "ReceiveMessage",
    } <= operations


def test_an_items_attributes_are_written_without_asking_for_absent_fields(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean writes a dict's structure by the fields its keys give: an item of 30
    attributes read back asks no field of any attribute value by name (moto's own asked all
    ten of each: S, N, B, M, L, ...), and reads back as written."""
    client = boto3.client("dynamodb", region_name=REGION)
    item: dict[str, Any] = {"pk": {"S": "p"}, "sk": {"S": "s"}}
    item |= {f"n{i}": {"N": str(i)} for i in range(10)}
    item |= {f"m{i}": {"M": {"on": {"BOOL": True}, "none": {"NULL": True}}} for i in range(10)}
    item |= {f"l{i}": {"L": [{"S": "a"}, {"B": b"\x00b"}, {"SS": ["x", "y"]}]} for i in range(8)}
    client.put_item(TableName=table, Item=item)
    asked: list[str] = []
    get_value = ResponseSerializer.get_value

    def counted(serializer: ResponseSerializer, value: Any, key: str, shape: Any) -> Any:
        asked.append(key)
        return get_value(serializer, value, key, shape)

    monkeypatch.setattr(ResponseSerializer, "get_value", counted)
    read = client.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"S": "s"}})["Item"]
    assert read == item
    assert asked == []


def test_a_table_is_listed_in_motos_own_order_without_comparing_its_values(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean sorts a table's items by their keys' values: the order moto's own sort of its
    attribute objects gives (a table with a range key and one without), and a query of one
    partition no longer compares every item of the table with another."""
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName="hash-only",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "n", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "n", "KeyType": "HASH"}],
    )
    for n in (7, 30, 3, 1000, -2, 55, 4):  # numbers: not in the order their strings sort
        client.put_item(TableName="hash-only", Item={"n": {"N": str(n)}})
        for sk in ("b", "A", "a#2", "a#10"):
            client.put_item(TableName=table, Item={"pk": {"S": f"p{n}"}, "sk": {"S": sk}})
    for name in (table, "hash-only"):
        held = moto_table(name)
        assert Table.all_items(held) == Table.all_items.__wrapped__(held)  # type: ignore[attr-defined]
    assert [item["n"]["N"] for item in client.scan(TableName="hash-only")["Items"]] == [
        "-2", "3", "4", "7", "30", "55", "1000"
    ]  # fmt: skip

    compared: list[int] = []
    less_than = DynamoType.__lt__

    def counted(value: DynamoType, other: DynamoType) -> bool:
        compared.append(1)
        return less_than(value, other)

    monkeypatch.setattr(DynamoType, "__lt__", counted)
    found = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p55"}},
    )["Items"]
    assert [item["sk"]["S"] for item in found] == ["A", "a#10", "a#2", "b"]
    # Its four items sorted among themselves; moto's own sort compared all 28 (about 100 times).
    assert len(compared) <= 6


def test_a_query_answers_in_motos_own_order_without_sorting_the_table(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean lists the table unsorted within a query, which sorts what it picks by keys
    that order it wholly: every query (a partition and an index, both ways, a page at a time,
    with a range condition) answers as moto's own does, and sorts none of the other items."""
    client = boto3.client("dynamodb", region_name=REGION)
    for n in (7, 30, 3, 1000, 55, 4):
        for sk in ("b", "A", "a#2", "a#10"):
            item = {"pk": {"S": f"p{n % 2}"}, "sk": {"S": f"{sk}{n}"}}
            # Index keys shared between items (ties the table's keys break) and unshared.
            item |= {"gsi1pk": {"S": f"g{n % 3}"}, "gsi1sk": {"S": sk}}
            client.put_item(TableName=table, Item=item)
    queries: list[dict[str, Any]] = []
    for forward in (True, False):
        for limit in ({}, {"Limit": 5}):
            common = {"TableName": table, "ScanIndexForward": forward, **limit}
            queries.append(
                {
                    **common,
                    "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": "p1"}},
                }
            )
            queries.append(
                {
                    **common,
                    "IndexName": "gsi1",
                    "KeyConditionExpression": "gsi1pk = :g",
                    "ExpressionAttributeValues": {":g": {"S": "g1"}},
                }
            )
            queries.append(
                {
                    **common,
                    "IndexName": "gsi1",
                    "KeyConditionExpression": "gsi1pk = :g AND begins_with(gsi1sk, :a)",
                    "ExpressionAttributeValues": {":g": {"S": "g0"}, ":a": {"S": "a"}},
                }
            )

    def every_page(query: dict[str, Any]) -> list[list[dict[str, Any]]]:
        pages: list[list[dict[str, Any]]] = []
        start: dict[str, Any] = {}
        while True:
            answer = client.query(**query, **start)
            pages.append(answer["Items"])
            if "LastEvaluatedKey" not in answer:
                return pages
            start = {"ExclusiveStartKey": answer["LastEvaluatedKey"]}

    sorted_lists: list[int] = []
    real_sorted = sorted

    def counted_sorted(items: Any, **kwargs: Any) -> Any:
        sorted_lists.append(1)
        return real_sorted(items, **kwargs)

    monkeypatch.setitem(Table.all_items.__globals__, "sorted", counted_sorted)
    lean = [every_page(query) for query in queries]
    assert sorted_lists == [], "a query sorted the whole table"
    assert sum(len(page) for page in lean[0]) == 12
    with monkeypatch.context() as moto_own:
        moto_own.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
        moto_own.setattr(Table, "all_items", Table.all_items.__wrapped__)  # type: ignore[attr-defined]
        assert [every_page(query) for query in queries] == lean


def test_each_request_is_matched_to_its_operation_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean matches a request to its operation once (moto asked three or four times per
    request), and lists a handler's methods as moto does."""
    for handler in (DynamoHandler, SQSResponse):
        assert moto_responses.method_names_from_class(handler) == method_names_from_class(handler)  # type: ignore[attr-defined]
    matched: list[str] = []
    requests: list[object] = []
    match = BaseResponse._get_action_from_request
    setup = BaseResponse.setup_class

    def counted_match(handler: BaseResponse, request: Any) -> str:
        operation = match(handler, request)
        matched.append(operation)
        return operation

    def counted_setup(handler: BaseResponse, request: Any, *args: Any, **kwargs: Any) -> None:
        requests.append(request)
        setup(handler, request, *args, **kwargs)

    monkeypatch.setattr(BaseResponse, "_get_action_from_request", counted_match)
    monkeypatch.setattr(BaseResponse, "setup_class", counted_setup)
    application = system.booked()
    assert system.deliver_emails()
    assert system.status_of(application)["status"] == "confirmed"
    assert len(matched) == len(requests) > 10
    assert {"Query", "TransactWriteItems", "SendMessageBatch", "ReceiveMessage"} <= set(matched)


def test_each_url_is_routed_to_its_service_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean works out which service answers a URL once (moto tried every service's
    address pattern in turn for every request); the answers are moto's, and an AWS address no
    service answers is still refused as moto refuses it."""
    tried: list[str] = []

    class Counted(list[tuple[str, Any]]):
        def __iter__(self) -> Any:
            tried.append("patterns")
            return super().__iter__()

    monkeypatch.setattr(
        moto_backend_index, "backend_url_patterns", Counted(moto_backend_index.backend_url_patterns)
    )
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for _ in range(3):
        assert system.resources.table_name in dynamodb.list_tables()["TableNames"]
    assert len(tried) <= 1  # once for this URL in the process (none if routed before)
    stubber = BotocoreStubber()
    request = AWSPreparedRequest(
        "GET", "https://nothing.amazonaws.com/x", HTTPHeaders(), b"", False
    )
    assert stubber.process_request(request) == (404, {}, "Not yet implemented")


def test_each_answers_request_id_is_drawn_in_one_call(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto_lean draws each answer's request id in one call from moto's random (moto drew its
    52 letters and digits one call each): the same length and letters, a new one each time."""
    letters: list[str] = []
    one_letter = type(mock_random).choice

    def counted(chooser: Any, pool: Any) -> Any:
        letters.append("drawn")
        return one_letter(chooser, pool)

    monkeypatch.setattr(type(mock_random), "choice", counted)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    ids = {
        dynamodb.list_tables()["ResponseMetadata"]["RequestId"],
        dynamodb.list_tables()["ResponseMetadata"]["RequestId"],
    }
    assert len(ids) == 2
    assert all(len(made) == 52 and made.isalnum() and made.isascii() for made in ids)
    assert letters == []
