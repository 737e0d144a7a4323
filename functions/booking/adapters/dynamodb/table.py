"""The boto3 client for one table, and AWS's failures said in the domain's words.

Only this package knows botocore: a throttled or unreachable DynamoDB becomes
:class:`DependencyUnavailable` (the API answers 503 with Retry-After, the webhook asks Stripe to
redeliver), a failed condition becomes :class:`StaleWrite`, :class:`CourseFull`,
:class:`CodeUsedUp`, :class:`AlreadyApplied` or :class:`ColleagueEnrolled` depending on which
item of a transaction refused.
"""

from __future__ import annotations

import functools
import random
import time
import uuid
from collections.abc import Callable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from booking.adapters.dynamodb.schema import BY_COURSE_INDEX, BY_TIME_INDEX
from booking.domain.errors import (
    AlreadyApplied,
    CodeUsedUp,
    ColleagueEnrolled,
    CourseFull,
    DependencyUnavailable,
    PriceChanged,
    ReferenceTaken,
    StaleWrite,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.paginator import QueryPaginator

P = ParamSpec("P")
R = TypeVar("R")

# Another transaction on the same items at the same moment (many applicants, one course item)
# cancels a transaction with TransactionConflict: it is simply tried again, a few times.
TRANSACTION_CONFLICT_RETRIES = 3
# Jitter from the OS's entropy, not the random module's seeded generator: environments that
# SnapStart restores from one snapshot share that generator's state, and would back off in
# step, conflicting again together (infra/cdk/functions.py, SNAPSTART).
_JITTER = random.SystemRandom()


def conflict_backoff_seconds(attempt: int) -> float:
    """How long to wait before retrying a transaction that conflicted ``attempt + 1`` times."""
    return _JITTER.uniform(0.02, 0.1) * (attempt + 1)


# AWS answers that mean "busy or briefly unreachable": retrying later is expected to work.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
CONDITION_FAILED = "ConditionalCheckFailedException"

# What a failed condition on each labelled item of a transaction means.
_REFUSALS: tuple[tuple[str, Callable[[], Exception]], ...] = (
    ("application", lambda: StaleWrite("application changed concurrently")),
    ("course", lambda: CourseFull("this course has no places left")),
    ("priced", PriceChanged),
    ("code", lambda: CodeUsedUp("this discount code has no use left")),
    ("enrolment", lambda: AlreadyApplied("you have already applied for this course")),
    ("reference", lambda: ReferenceTaken("this reference belongs to another application")),
)
# A group's claim of a colleague's enrolment is labelled with its place: ``colleague:<n>``.
COLLEAGUE_LABEL = "colleague:"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def busy(exc: Exception) -> DependencyUnavailable:
    return DependencyUnavailable(
        "the service is busy; please try again shortly", code="service_busy", retry_after_seconds=5
    )


def translate_aws_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Transient AWS failures leave a repository method as DependencyUnavailable."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except ClientError as exc:
            if error_code(exc) in RETRYABLE_CODES:
                raise busy(exc) from exc
            raise
        except BotoCoreError as exc:
            raise busy(exc) from exc

    return wrapper


def at_version(version: int) -> dict[str, Any]:
    """The condition of a write or a check on a versioned item that holds only while it is still
    at ``version``, the one read: nobody wrote it since."""
    return {
        "ConditionExpression": "version = :v",
        "ExpressionAttributeValues": {":v": {"N": str(version)}},
    }


def versioned_put(table: str, item: dict[str, Any], previous_version: int | None) -> dict[str, Any]:
    """A put of a versioned item that holds only if nobody wrote it since it was read: new (no
    ``previous_version``) only where none exists, else only over the version read."""
    if previous_version is None:
        return {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
    return {"TableName": table, "Item": item, **at_version(previous_version)}


class Table:
    def __init__(self, client: DynamoDBClient, name: str) -> None:
        self.client = client
        self.name = name
        self._query_paginator: QueryPaginator | None = None

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.name, Key=key, ConsistentRead=True).get("Item")
        return dict(item) if item else None

    def read(self, key: dict[str, Any], parse: Callable[[dict[str, Any]], R]) -> R | None:
        """The item at ``key``, read consistently, as ``parse`` makes it; None when there is no
        such item. How one stored record (an application, a course, a code) is read."""
        item = self.get(key)
        return parse(item) if item else None

    def text(self, key: dict[str, Any], name: str) -> str | None:
        """The string ``name`` of the item at ``key``, read consistently; None when there is no
        such item or it holds no ``name``. How a pointer item (a provider object's owner, a
        payment's, a reference's, ...) is followed."""
        item = self.get(key)
        return item[name]["S"] if item and name in item else None

    def get_many(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items of ``keys`` that exist, in one consistent round trip (in no order)."""
        answer = self.client.batch_get_item(
            RequestItems={self.name: {"Keys": keys, "ConsistentRead": True}}
        )
        items = [dict(item) for item in answer["Responses"].get(self.name, [])]
        # Unprocessed keys are rare (throttling); read those one by one rather than guess.
        unprocessed: dict[str, Any] = dict(answer.get("UnprocessedKeys") or {})
        for key in unprocessed.get(self.name, {}).get("Keys", []):
            item = self.get(dict(key))
            if item is not None:
                items.append(item)
        return items

    def query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        # One paginator for the container's life: botocore's get_paginator defines a new class
        # each time it is asked (30 microseconds of every query on our machine), and a
        # paginator keeps no state between its paginate() calls.
        if self._query_paginator is None:
            self._query_paginator = self.client.get_paginator("query")
        for page in self._query_paginator.paginate(TableName=self.name, **kwargs):
            yield from page.get("Items", [])

    def under(
        self, partition: str, prefix: str, *, keys_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every item of ``partition`` whose sort key begins with ``prefix`` (only its keys with
        ``keys_only``), read consistently, a page at a time as the caller takes them."""
        return self.query(
            KeyConditionExpression="pk = :p AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":p": {"S": partition}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
            **({"ProjectionExpression": "pk, sk"} if keys_only else {}),
        )

    def course_partition(self, partition: str) -> Iterator[dict[str, Any]]:
        """Every item of ``partition`` of the by-course index (the courses; a course's
        applications, its groups), in its sort key's order, read a page at a time as the
        caller takes them."""
        return self.query(
            IndexName=BY_COURSE_INDEX,
            KeyConditionExpression=f"{BY_COURSE_INDEX}pk = :p",
            ExpressionAttributeValues={":p": {"S": partition}},
        )

    def time_partition(
        self, partition: str, *, newest_first: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every item of ``partition`` of the by-time index, the earliest first (the latest
        first with ``newest_first``), read a page at a time as the caller takes them."""
        return self.query(
            IndexName=BY_TIME_INDEX,
            KeyConditionExpression=f"{BY_TIME_INDEX}pk = :p",
            ExpressionAttributeValues={":p": {"S": partition}},
            ScanIndexForward=not newest_first,
        )

    def in_time_order(
        self, partition: str, *, until: str, limit: int, before: bool = False
    ) -> list[dict[str, Any]]:
        """The items of ``partition`` of the by-time index whose sort key is ``until`` or
        earlier (strictly earlier with ``before``), the earliest first, at most ``limit``."""
        compared = "<" if before else "<="
        return list(
            islice(
                self.query(
                    IndexName=BY_TIME_INDEX,
                    KeyConditionExpression=(
                        f"{BY_TIME_INDEX}pk = :p AND {BY_TIME_INDEX}sk {compared} :until"
                    ),
                    ExpressionAttributeValues={":p": {"S": partition}, ":until": {"S": until}},
                ),
                limit,
            )
        )

    def put_new(self, item: dict[str, Any]) -> bool:
        """Put ``item`` unless its key exists; False when it did."""
        try:
            self.client.put_item(
                TableName=self.name, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if error_code(exc) == CONDITION_FAILED:
                return False
            raise
        return True

    def transact(self, labelled: list[tuple[str, dict[str, Any]]]) -> None:
        """Run one transaction of labelled actions; a refused condition raises what it means
        for that item (see ``_REFUSALS``); a conflict with a concurrent transaction is retried
        after a short jittered pause, then reported as a retryable error."""
        actions = [action for _, action in labelled]
        # One token for every try of this transaction: if a try committed but its answer was
        # lost (botocore then retries), DynamoDB answers the retry as a success instead of
        # applying it again and failing its own conditions.
        token = uuid.uuid4().hex
        for attempt in range(TRANSACTION_CONFLICT_RETRIES + 1):
            try:
                self.client.transact_write_items(
                    TransactItems=actions,  # type: ignore[arg-type]
                    ClientRequestToken=token,
                )
                return
            except ClientError as exc:
                if error_code(exc) != "TransactionCanceledException":
                    raise
                reasons = cancellation_reasons(exc)
                failed = {
                    label
                    for (label, _), reason in zip(labelled, reasons, strict=False)
                    if reason == "ConditionalCheckFailed"
                }
                for label, refusal in _REFUSALS:
                    if label in failed:
                        raise refusal() from exc
                places = sorted(
                    int(label.removeprefix(COLLEAGUE_LABEL))
                    for label in failed
                    if label.startswith(COLLEAGUE_LABEL)
                )
                if places:
                    raise ColleagueEnrolled(
                        "a colleague already has a place on this course", tuple(places)
                    ) from exc
                if failed:
                    raise StaleWrite(f"condition failed on {sorted(failed)}") from exc
                if "TransactionConflict" not in reasons:
                    raise
                if attempt == TRANSACTION_CONFLICT_RETRIES:
                    raise DependencyUnavailable(
                        "many people are booking at this moment; please try again",
                        code="service_busy",
                        retry_after_seconds=2,
                    ) from exc
                time.sleep(conflict_backoff_seconds(attempt))


def cancellation_reasons(exc: ClientError) -> list[str]:
    return [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
