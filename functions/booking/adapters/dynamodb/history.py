"""An application's history, kept in the application's own partition.

Entries of a change are written by ``DynamoApplicationStore.save`` in the change's transaction;
this reads them back with the application in one Query, and records the emails the mailer sent,
and whom each facilitators' copy went to (the addresses, a work list, never the applicant's).
"""

from __future__ import annotations

from booking.adapters.dynamodb.items import application_from_item, entry_from_item, timeline_item
from booking.adapters.dynamodb.schema import (
    APPLICATION_SK,
    COPY_PREFIX,
    TIMELINE_PREFIX,
    application_partition,
    copy_key,
)
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.application import Application
from booking.domain.facilitators_told import CopySent
from booking.domain.timeline import TimelineEntry


class DynamoApplicationHistory:
    table: Table

    @translate_aws_errors
    def application_with_timeline(
        self, application_id: str
    ) -> tuple[Application | None, list[TimelineEntry]]:
        application: Application | None = None
        entries: list[TimelineEntry] = []
        # "APP" sorts before "LOG#...", and entries sort by the instant in their key.
        for item in self.table.query(
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": application_partition(application_id)}},
            ConsistentRead=True,
        ):
            sort_key = item["sk"]["S"]
            if sort_key == APPLICATION_SK:
                application = application_from_item(item)
            elif sort_key.startswith(TIMELINE_PREFIX):
                entries.append(entry_from_item(item))
        return application, entries

    @translate_aws_errors
    def add_to_timeline(self, application_id: str, entry: TimelineEntry) -> None:
        tiebreak = f"E#{entry.job_id or entry.kind.value}"
        self.table.client.put_item(
            TableName=self.table.name, Item=timeline_item(application_id, entry, tiebreak)
        )

    @translate_aws_errors
    def record_copy(self, application_id: str, copy: CopySent) -> None:
        self.table.client.put_item(
            TableName=self.table.name,
            Item={
                **copy_key(application_id, copy.job_id),
                "course_id": {"S": copy.course_id},
                "to": {"L": [{"S": address} for address in copy.to]},
            },
        )

    @translate_aws_errors
    def recorded_copies(self, application_id: str) -> list[CopySent]:
        return [
            CopySent(
                job_id=item["sk"]["S"].removeprefix(COPY_PREFIX),
                course_id=item["course_id"]["S"],
                to=tuple(address["S"] for address in item["to"]["L"]),
            )
            for item in self.table.under(application_partition(application_id), COPY_PREFIX)
        ]
