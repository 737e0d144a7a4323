"""The outbox: the emails a change decided, written in the change's transaction
(``items.outbox_item``), relayed to the email queue by the table's stream (the relay function)
or, when the stream left any behind, by the scheduled sweep; then forgotten.

A store of its own, apart from the applications' whose transactions write it: the relay's every
request forgets what it relayed, and needs no model but the email job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from booking.adapters.dynamodb.schema import OUTBOX_PARTITION, key_instant, outbox_key
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.emails import EmailJob


def job_from_outbox_item(item: dict[str, Any]) -> EmailJob:
    return EmailJob.model_validate_json(item["job"]["S"])


class DynamoEmailOutbox:
    table: Table

    @translate_aws_errors
    def pending_emails(self, written_before: datetime, limit: int = 500) -> list[EmailJob]:
        """Emails the stream has not relayed yet (normally none older than a few seconds)."""
        written = self.table.in_time_order(
            OUTBOX_PARTITION, until=key_instant(written_before), limit=limit, before=True
        )
        return [job_from_outbox_item(item) for item in written]

    @translate_aws_errors
    def emails_relayed(self, job_ids: Sequence[str]) -> None:
        # One delete per job (BatchWriteItem would need its own IAM action for the same end,
        # and relays are small and off every request path).
        for job_id in job_ids:
            self.table.client.delete_item(TableName=self.table.name, Key=outbox_key(job_id))
