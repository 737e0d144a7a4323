"""The organisers' console sessions: one item per signed-in browser, under its organiser.

Read on every console request by key (one consistent GetItem), so signing out (DeleteItem)
takes effect on the next request; "sign out everywhere" deletes every item of the organiser's
partition. An ended session's item is also removed by the table's TTL a day after it expires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.adapters.dynamodb.schema import (
    CONSOLE_SESSION_PREFIX,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
    console_session_key,
    key_instant,
    organiser_partition,
)
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.organisers import ConsoleSession

# Kept a little past its end, so that a clock a little behind still finds it ended.
KEPT_AFTER_END = timedelta(days=1)


class DynamoConsoleSessions:
    def __init__(self, table: Table) -> None:
        self.table = table

    @translate_aws_errors
    def put_session(self, session: ConsoleSession) -> None:
        self.table.client.put_item(
            TableName=self.table.name,
            Item={
                **console_session_key(session.subject, session.session_id),
                "expires_at": {"S": key_instant(session.expires_at)},
                TTL_ATTRIBUTE: {"N": str(int((session.expires_at + KEPT_AFTER_END).timestamp()))},
            },
        )

    @translate_aws_errors
    def get_session(self, subject: str, session_id: str) -> ConsoleSession | None:
        item = self.table.get(console_session_key(subject, session_id))
        if item is None:
            return None
        expires_at = datetime.fromisoformat(item["expires_at"]["S"].replace("Z", "+00:00"))
        return ConsoleSession(subject, session_id, expires_at.astimezone(UTC))

    @translate_aws_errors
    def delete_session(self, subject: str, session_id: str) -> None:
        self.table.client.delete_item(
            TableName=self.table.name, Key=console_session_key(subject, session_id)
        )

    @translate_aws_errors
    def delete_sessions(self, subject: str) -> int:
        keys = [
            {PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]}
            for item in self.table.under(
                organiser_partition(subject), CONSOLE_SESSION_PREFIX, keys_only=True
            )
        ]
        for key in keys:
            self.table.client.delete_item(TableName=self.table.name, Key=key)
        return len(keys)
