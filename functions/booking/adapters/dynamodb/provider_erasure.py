"""The provider's customers erasure owes a deletion: one item per invoice (its id and when it
was owed, nobody's name), listed oldest first on the by-time index, deleted once done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import islice

from booking.adapters.dynamodb.schema import (
    BY_TIME_INDEX,
    CUSTOMERS_OWED_PARTITION,
    customer_owed_key,
    key_instant,
)
from booking.adapters.dynamodb.table import Table, translate_aws_errors


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
