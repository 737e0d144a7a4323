"""The provider's customers erasure owes a deletion: one item per invoice (its id and when it
was owed, nobody's name), listed oldest first on the by-time index, deleted once done. And the
searches at the provider an erasure owes: one item per address (keyed by its digest), listed
on the by-time index by when it is next due, claimed by moving that, deleted once done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from botocore.exceptions import ClientError

from booking.adapters.dynamodb.schema import (
    BY_TIME_INDEX,
    CUSTOMERS_OWED_PARTITION,
    PROVIDER_SEARCHES_OWED_PARTITION,
    TTL_ATTRIBUTE,
    customer_owed_key,
    key_instant,
    provider_search_key,
)
from booking.adapters.dynamodb.table import (
    CONDITION_FAILED,
    Table,
    error_code,
    translate_aws_errors,
)
from booking.domain.people import address_digest
from booking.services.ports import OwedSearch


def _due(at: datetime, email: str) -> dict[str, Any]:
    """The search's place on the by-time index: due at ``at``."""
    return {"S": f"{key_instant(at)}#{address_digest(email)}"}


# No erasure of the address recorded after ``:now`` (an ISO instant, compared as text).
_NOT_ERASED_SINCE = "attribute_not_exists(last_erased_at) OR last_erased_at <= :now"


class DynamoCustomerErasureLedger:
    table: Table

    @translate_aws_errors
    def owe_customer_deletions(self, invoice_ids: Sequence[str], now: datetime) -> None:
        for invoice_id in dict.fromkeys(invoice_ids):
            # A put, not a conditional one: owing it again (an erasure asked twice) only
            # moves it later in the list.
            self.table.client.put_item(
                TableName=self.table.name,
                Item={
                    **customer_owed_key(invoice_id),
                    "invoice_id": {"S": invoice_id},
                    f"{BY_TIME_INDEX}pk": {"S": CUSTOMERS_OWED_PARTITION},
                    f"{BY_TIME_INDEX}sk": {"S": f"{key_instant(now)}#{invoice_id}"},
                },
            )

    @translate_aws_errors
    def owed_customer_deletions(self, limit: int = 100) -> list[str]:
        owed = self.table.time_partition(CUSTOMERS_OWED_PARTITION)
        return [item["invoice_id"]["S"] for item in islice(owed, limit)]

    @translate_aws_errors
    def customer_deletion_done(self, invoice_id: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=customer_owed_key(invoice_id))

    @translate_aws_errors
    def customer_deletion_owed(self, invoice_id: str) -> bool:
        return self.table.get(customer_owed_key(invoice_id)) is not None

    @translate_aws_errors
    def owe_provider_search(
        self, email: str, spellings: Sequence[str], now: datetime, expires: datetime
    ) -> None:
        # Each erasure's spellings added to those kept: the address as typed each time too.
        spelt = sorted({email, *spellings})
        kept = (
            "email = :e, owed_at = if_not_exists(owed_at, :now), #ip = :p, "
            "#is = if_not_exists(#is, :due), #ttl = if_not_exists(#ttl, :ttl)"
        )
        owed: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": provider_search_key(email),
            "UpdateExpression": f"SET {kept} ADD spellings :s",
            "ExpressionAttributeNames": {
                "#ip": f"{BY_TIME_INDEX}pk",
                "#is": f"{BY_TIME_INDEX}sk",
                "#ttl": TTL_ATTRIBUTE,
            },
            "ExpressionAttributeValues": {
                ":e": {"S": email},
                ":now": {"S": key_instant(now)},
                ":p": {"S": PROVIDER_SEARCHES_OWED_PARTITION},
                ":due": _due(now, email),
                ":ttl": {"N": str(int(expires.timestamp()))},
                ":s": {"SS": spelt},
            },
        }
        try:
            # The latest erasure's time, never an earlier one over it (erasures at once).
            latest = {
                "UpdateExpression": f"SET {kept}, last_erased_at = :now ADD spellings :s",
                "ConditionExpression": _NOT_ERASED_SINCE,
            }
            self.table.client.update_item(**{**owed, **latest})
        except ClientError as exc:
            if error_code(exc) != CONDITION_FAILED:
                raise
            self.table.client.update_item(**owed)

    @translate_aws_errors
    def claim_provider_searches(
        self, now: datetime, until: datetime, limit: int
    ) -> list[OwedSearch]:
        due = self.table.in_time_order(
            PROVIDER_SEARCHES_OWED_PARTITION, until=f"{key_instant(now)}#~", limit=limit
        )
        return [search for item in due if (search := self._claimed(item, until)) is not None]

    @translate_aws_errors
    def claim_provider_search(
        self, email: str, now: datetime, until: datetime
    ) -> OwedSearch | None:
        item = self.table.get(provider_search_key(email))
        if item is None or item[f"{BY_TIME_INDEX}sk"]["S"] > f"{key_instant(now)}#~":
            return None  # not owed, or claimed (by a run, or another erasure) until later
        return self._claimed(item, until)

    def _claimed(self, item: dict[str, Any], until: datetime) -> OwedSearch | None:
        """The search listed as ``item``, claimed until ``until`` if it is still due as
        listed (another run's claim, or its done, moved or deleted it: None)."""
        email = item["email"]["S"]
        try:
            self.table.client.update_item(
                TableName=self.table.name,
                Key=provider_search_key(email),
                UpdateExpression="SET #is = :until",
                ConditionExpression="#is = :listed",
                ExpressionAttributeNames={"#is": f"{BY_TIME_INDEX}sk"},
                ExpressionAttributeValues={
                    ":until": _due(until, email),
                    ":listed": item[f"{BY_TIME_INDEX}sk"],
                },
            )
        except ClientError as exc:
            if error_code(exc) != CONDITION_FAILED:
                raise
            return None
        owed_at = datetime.fromisoformat(item["owed_at"]["S"])
        spellings = tuple(sorted(item.get("spellings", {}).get("SS", [])))
        last = item.get("last_erased_at", {}).get("S")
        return OwedSearch(email, owed_at, spellings, datetime.fromisoformat(last) if last else None)

    @translate_aws_errors
    def provider_search_done(self, email: str, made_by: datetime | None = None) -> None:
        if made_by is None:
            self.table.client.delete_item(TableName=self.table.name, Key=provider_search_key(email))
            return
        try:
            self.table.client.delete_item(
                TableName=self.table.name,
                Key=provider_search_key(email),
                ConditionExpression=_NOT_ERASED_SINCE,
                ExpressionAttributeValues={":now": {"S": key_instant(made_by)}},
            )
        except ClientError as exc:
            if error_code(exc) != CONDITION_FAILED:
                raise  # else owed again by an erasure since: kept for it

    @translate_aws_errors
    def provider_search_owed_for(self, email: str) -> bool:
        return self.table.get(provider_search_key(email)) is not None

    @translate_aws_errors
    def provider_searches_owed(self) -> list[datetime]:
        owed = self.table.time_partition(PROVIDER_SEARCHES_OWED_PARTITION)
        return [datetime.fromisoformat(item["owed_at"]["S"]) for item in owed]
