"""What was sent and what may not be: email claims, suppressed addresses, reminder markers."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from botocore.exceptions import ClientError

from booking.adapters.dynamodb.schema import (
    ANOMALIES_PARTITION,
    BY_TIME_INDEX,
    CLAIMED_REMINDERS_PARTITION,
    ERASED_ATTRIBUTE,
    TTL_ATTRIBUTE,
    anomaly_key,
    application_key,
    calendar_sequence_key,
    email_claim_key,
    given_back_for_nobody_key,
    key_instant,
    last_reminder_key,
    reminder_key,
    reminder_partition,
    send_lease_key,
    send_lease_partition,
    suppression_key,
    told_key,
    told_partition,
)
from booking.adapters.dynamodb.table import (
    CONDITION_FAILED,
    Table,
    error_code,
    translate_aws_errors,
)
from booking.domain.emails import EmailJob
from booking.domain.errors import StaleWrite
from booking.domain.invitations import Telling, Told
from booking.domain.reminders import INVITATION
from booking.services.ports import Anomaly, ClaimHeld, EmailClaim, ReminderMarker

# A send's lease is read only while it lasts (seconds); the table forgets it a day later.
SEND_LEASE_TTL = timedelta(days=1)
# Claims and markers only need to outlive every redelivery or tick that could repeat them.
EMAIL_CLAIM_TTL = timedelta(days=30)
REMINDER_MARKER_TTL = timedelta(days=30)
# An invitation's claim is also the record of whom its event was announced to, kept while the
# event may still move (a year past the start it was claimed for).
INVITATION_MARKER_TTL = timedelta(days=365)


def marker_key(marker: ReminderMarker) -> dict[str, Any]:
    return reminder_key(marker.about, marker.occasion, marker.offset, marker.recipient)


def leased(table: Table, check: dict[str, Any], about: str, job_id: str, until: datetime) -> bool:
    """Lease the send of a job about ``about`` until ``until`` if ``check`` (a ConditionCheck
    on what it is about) holds, in one transaction: whether it did."""
    lease = {
        **send_lease_key(about, job_id),
        "until": {"S": until.isoformat()},
        TTL_ATTRIBUTE: {"N": str(int((until + SEND_LEASE_TTL).timestamp()))},
    }
    try:
        table.transact(
            [
                ("send's check", {"ConditionCheck": check}),
                ("send lease", {"Put": {"TableName": table.name, "Item": lease}}),
            ]
        )
    except StaleWrite:
        return False
    return True


class DynamoEmailLedger:
    table: Table

    @translate_aws_errors
    def claim_email(self, job_id: str, now: datetime, stale_before: datetime) -> EmailClaim:
        try:
            self.table.client.put_item(
                TableName=self.table.name,
                Item={
                    **email_claim_key(job_id),
                    "state": {"S": "sending"},
                    "claimed_at": {"S": key_instant(now)},
                    TTL_ATTRIBUTE: {"N": str(int((now + EMAIL_CLAIM_TTL).timestamp()))},
                },
                ConditionExpression=(
                    "attribute_not_exists(pk) OR #s = :failed "
                    "OR (#s = :sending AND claimed_at < :stale)"
                ),
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":failed": {"S": "failed"},
                    ":sending": {"S": "sending"},
                    ":stale": {"S": key_instant(stale_before)},
                },
            )
        except ClientError as exc:
            if error_code(exc) != CONDITION_FAILED:
                raise
            item = self.table.get(email_claim_key(job_id)) or {}
            state = item.get("state", {}).get("S")
            return EmailClaim.IN_FLIGHT if state == "sending" else EmailClaim.DONE
        return EmailClaim.CLAIMED

    @translate_aws_errors
    def finish_email(self, job_id: str, state: str, now: datetime) -> None:
        self.table.client.update_item(
            TableName=self.table.name,
            Key=email_claim_key(job_id),
            UpdateExpression="SET #s = :s, finished_at = :t",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":s": {"S": state}, ":t": {"S": key_instant(now)}},
        )

    @translate_aws_errors
    def hold_send(
        self, application_id: str, job_id: str, until: datetime, *, erased_read: bool = False
    ) -> bool:
        """Lease the send of a job about ``application_id`` until ``until``, in one transaction
        with the check that its person is not erased. False (no lease) when they are, or the
        application is gone: an erasure saved first refuses the lease; one saved after it finds
        the lease (``sends_held``) and waits for it. ``erased_read``: the message was composed
        from the record already erased (it names nobody), so only that it exists."""
        check: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": application_key(application_id),
            "ConditionExpression": (
                "attribute_exists(pk) AND (attribute_not_exists(#e) OR #e = :no)"
            ),
            "ExpressionAttributeNames": {"#e": ERASED_ATTRIBUTE},
            "ExpressionAttributeValues": {":no": {"BOOL": False}},
        }
        if erased_read:
            check = {**check, "ConditionExpression": "attribute_exists(pk)"}
            del check["ExpressionAttributeNames"], check["ExpressionAttributeValues"]
        return leased(self.table, check, application_id, job_id, until)

    @translate_aws_errors
    def release_send(self, about: str, job_id: str) -> None:
        self.table.client.delete_item(TableName=self.table.name, Key=send_lease_key(about, job_id))

    @translate_aws_errors
    def sends_held(self, about: str) -> list[datetime]:
        """Until when each lease on a send about ``about`` (an application or a group booking)
        lasts, read consistently."""
        items = self.table.query(
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": send_lease_partition(about)}},
            ConsistentRead=True,
        )
        return [datetime.fromisoformat(item["until"]["S"]) for item in items]

    @translate_aws_errors
    def email_state(self, job_id: str) -> str | None:
        return self.table.text(email_claim_key(job_id), "state")

    @translate_aws_errors
    def email_claim(self, job_id: str) -> ClaimHeld | None:
        item = self.table.get(email_claim_key(job_id))
        if item is None or "state" not in item or "claimed_at" not in item:
            return None
        return ClaimHeld(item["state"]["S"], datetime.fromisoformat(item["claimed_at"]["S"]))

    @translate_aws_errors
    def suppress_address(self, address: str, reason: str, now: datetime) -> None:
        self.table.client.put_item(
            TableName=self.table.name,
            Item={
                **suppression_key(address),
                "reason": {"S": reason},
                "at": {"S": key_instant(now)},
            },
        )

    @translate_aws_errors
    def is_suppressed(self, address: str) -> bool:
        return self.table.get(suppression_key(address)) is not None

    @translate_aws_errors
    def calendar_sequence(self, person: str) -> int:
        item = self.table.get(calendar_sequence_key(person))
        return int(item["sequence"]["N"]) if item and "sequence" in item else 0

    @translate_aws_errors
    def next_calendar_sequence(self, person: str) -> int:
        """An atomic counter per person (ADD returns the value after this caller's increment)."""
        answer = self.table.client.update_item(
            TableName=self.table.name,
            Key=calendar_sequence_key(person),
            UpdateExpression="ADD #n :one",
            ExpressionAttributeNames={"#n": "sequence"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(answer["Attributes"]["sequence"]["N"])


class DynamoAnomalyLog:
    table: Table

    @translate_aws_errors
    def record_anomaly(self, anomaly: Anomaly) -> None:
        self.table.put_new(
            {
                **anomaly_key(anomaly.event_id),
                "kind": {"S": anomaly.kind},
                "at": {"S": key_instant(anomaly.at)},
                "details": {"M": {k: {"S": v} for k, v in anomaly.details.items()}},
                f"{BY_TIME_INDEX}pk": {"S": ANOMALIES_PARTITION},
                f"{BY_TIME_INDEX}sk": {"S": f"{key_instant(anomaly.at)}#{anomaly.event_id}"},
            }
        )

    @translate_aws_errors
    def record_given_back_for_nobody(self, payment_intent: str) -> None:
        self.table.put_new(given_back_for_nobody_key(payment_intent))

    @translate_aws_errors
    def given_back_for_nobody(self, payment_intent: str) -> bool:
        return self.table.get(given_back_for_nobody_key(payment_intent)) is not None

    @translate_aws_errors
    def forget_given_back_for_nobody(self, payment_intent: str) -> None:
        self.table.client.delete_item(
            TableName=self.table.name, Key=given_back_for_nobody_key(payment_intent)
        )

    @translate_aws_errors
    def anomalies(self, limit: int = 100) -> list[Anomaly]:
        newest = self.table.time_partition(ANOMALIES_PARTITION, newest_first=True)
        return [
            Anomaly(
                event_id=item["pk"]["S"].removeprefix("ANOMALY#"),
                kind=item["kind"]["S"],
                at=datetime.fromisoformat(item["at"]["S"]),
                details={k: v["S"] for k, v in item.get("details", {}).get("M", {}).items()},
            )
            for item in islice(newest, limit)
        ]


class DynamoReminderLedger:
    table: Table

    @translate_aws_errors
    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """True if this caller now owns the reminder (state ``claimed``); False if anyone
        claimed, queued or superseded it before, or one at the same offset claimed at another
        start still reminds in time for this one. A reminder's claim and the offset's latest
        claim are written in one transaction, each on its condition."""
        assert marker.job is not None
        key = marker_key(marker)
        item = {
            **key,
            **self._marker_attributes(marker, "claimed", now),
            "job": {"S": marker.job.model_dump_json()},
            # Sparse index of claims not yet queued: a crashed run's leftovers, for the next.
            f"{BY_TIME_INDEX}pk": {"S": CLAIMED_REMINDERS_PARTITION},
            f"{BY_TIME_INDEX}sk": {
                "S": f"{key_instant(marker.session_start)}#{key['pk']['S']}#{marker.recipient}"
            },
        }
        counts_from = marker.counts_from
        if counts_from is None:  # an invitation: one per person and event
            return self.table.put_new(item)
        put = {
            "TableName": self.table.name,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        latest = self._latest_reminder(marker, now, counts_from)
        try:
            self.table.transact([("reminder", {"Put": put}), ("latest reminder", latest)])
        except StaleWrite:  # either condition refused: claimed before, or still reminds
            return False
        return True

    def _latest_reminder(
        self, marker: ReminderMarker, now: datetime, counts_from: datetime
    ) -> dict[str, Any]:
        """The offset's latest claim moved to ``now``, unless one claimed at or after
        ``counts_from`` (for any start) still reminds in time for this one."""
        expires = marker.session_start + REMINDER_MARKER_TTL
        return {
            "Update": {
                "TableName": self.table.name,
                "Key": last_reminder_key(marker.about, marker.offset, marker.recipient),
                "UpdateExpression": "SET reminded_at = :now, session_start = "
                f":start, {TTL_ATTRIBUTE} = :expires",
                "ConditionExpression": "attribute_not_exists(pk) OR reminded_at < :counts_from",
                "ExpressionAttributeValues": {
                    ":now": {"S": key_instant(now)},
                    ":start": {"S": key_instant(marker.session_start)},
                    ":expires": {"N": str(int(expires.timestamp()))},
                    ":counts_from": {"S": key_instant(counts_from)},
                },
            }
        }

    @translate_aws_errors
    def supersede_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        return self.table.put_new(
            {**marker_key(marker), **self._marker_attributes(marker, "superseded", now)}
        )

    @translate_aws_errors
    def mark_reminder_queued(
        self, marker: ReminderMarker, now: datetime, state: str = "queued"
    ) -> None:
        """Settle a claim (``ReminderLedger.mark_reminder_queued``): it leaves the claimed
        index."""
        self.table.client.update_item(
            TableName=self.table.name,
            Key=marker_key(marker),
            UpdateExpression=(
                f"SET #s = :q, settled_at = :t REMOVE {BY_TIME_INDEX}pk, {BY_TIME_INDEX}sk"
            ),
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":q": {"S": state}, ":t": {"S": key_instant(now)}},
        )

    @translate_aws_errors
    def claimed_reminders(self) -> list[ReminderMarker]:
        return [
            self._marker_from_item(item)
            for item in self.table.time_partition(CLAIMED_REMINDERS_PARTITION)
        ]

    @translate_aws_errors
    def invitations_to(self, about: str) -> list[ReminderMarker]:
        return [
            self._marker_from_item(item)
            for item in self.table.query(
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={
                    ":p": {"S": reminder_partition(about, None, INVITATION)}
                },
            )
        ]

    @staticmethod
    def _marker_from_item(item: dict[str, Any]) -> ReminderMarker:
        job = item.get("job")
        return ReminderMarker(
            about=item["about"]["S"],
            session_start=datetime.fromisoformat(item["session_start"]["S"]),
            offset=item["offset"]["S"],
            recipient=item["sk"]["S"],
            job=EmailJob.model_validate_json(job["S"]) if job else None,
        )

    @staticmethod
    def _marker_attributes(marker: ReminderMarker, state: str, now: datetime) -> dict[str, Any]:
        kept = REMINDER_MARKER_TTL if marker.occasion else INVITATION_MARKER_TTL
        expires = marker.session_start + kept
        return {
            "state": {"S": state},
            "at": {"S": key_instant(now)},
            # Read back as they are, never parsed out of the key (a programme name is free text).
            "about": {"S": marker.about},
            "offset": {"S": marker.offset},
            "session_start": {"S": key_instant(marker.session_start)},
            TTL_ATTRIBUTE: {"N": str(int(expires.timestamp()))},
        }


class DynamoAnnouncementLedger:
    """Whom each follow-up event was sent to (``TOLD#<about>``, one item per person key)."""

    table: Table

    @translate_aws_errors
    def record_told(self, telling: Telling, *, keep_until: datetime, now: datetime) -> None:
        about, person, holds, when = telling
        times = {}
        if holds and when is not None:
            times = {"start": {"S": key_instant(when.start)}, "end": {"S": key_instant(when.end)}}
            if when.title is not None:
                times["title"] = {"S": when.title}
            if when.link is not None:
                times["link"] = {"S": when.link}
        self.table.client.put_item(
            TableName=self.table.name,
            Item={
                **told_key(about, person),
                "holds": {"BOOL": holds},
                "at": {"S": key_instant(now)},
                TTL_ATTRIBUTE: {"N": str(int(keep_until.timestamp()))},
                **times,
            },
        )

    @translate_aws_errors
    def told_of(self, about: str) -> dict[str, bool]:
        return {item["sk"]["S"]: item["holds"]["BOOL"] for item in self._told(about)}

    @translate_aws_errors
    def told_when(self, about: str) -> dict[str, Told]:
        return {
            item["sk"]["S"]: _told_times(item)
            for item in self._told(about)
            if item["holds"]["BOOL"] and "start" in item and "end" in item
        }

    @translate_aws_errors
    def told_to(self, about: str, person: str) -> tuple[bool, Told | None] | None:
        item = self.table.get(told_key(about, person))
        if item is None:
            return None
        holds = item["holds"]["BOOL"]
        return holds, _told_times(item) if holds and "start" in item and "end" in item else None

    def _told(self, about: str) -> list[dict[str, Any]]:
        return list(
            self.table.query(
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": told_partition(about)}},
            )
        )


def _told_times(item: dict[str, Any]) -> Told:
    return Told(
        datetime.fromisoformat(item["start"]["S"]),
        datetime.fromisoformat(item["end"]["S"]),
        item["title"]["S"] if "title" in item else None,
        item["link"]["S"] if "link" in item else None,
    )
