"""The one DynamoDB table: every key shape lives in this module, nowhere else.

    item          pk                    sk          gsi1pk / gsi1sk           gsi2pk / gsi2sk
    course        COURSE#<course_id>    COURSE      COURSES / <course_id>     -
    application   APP#<application_id>  APP         COURSE#<id>#APPS /        DUE / <when>#<id>
                                                    <created>#<id>            (only while due)
    session       COURSE#<course_id>    SESSION#nnn -                         SESSIONS /
                                                                              <start>#<course>#nnn
    payment       PAYMENT#<pi_id>       PAYMENT     -                         -
    person        PERSON#<sha256 email> APP#<id>    -                         -
    enrolment     ENROL#<course>#<sha256 email>  ENROL  (one live application per person per course)
    email claim   EMAIL#<job_id>        EMAIL       -                         -
    suppression   SUPPRESSED#<sha256>   SUPPRESSED  -                         -
    reminder      REMINDER#<course>#nnn#<offset>  <recipient>  -             REMINDERS#CLAIMED /
                                                                              <start>#<pk>#<sk>
                                                                              (only while claimed)

Session items are written in the same transaction as their course, so the SESSIONS partition of
gsi2 lists exactly the sessions of the stored definitions, ordered by start instant: the reminder
dispatcher reads the sessions of the next two weeks, never the table. Instants in keys are UTC,
whole seconds, ``Z``-suffixed, so they sort lexicographically in time order.

Seats are counted on the course item (``seats_taken``) and only ever changed inside the same
transaction that changes the application holding the seat, with a condition on both items: the
course never goes over capacity, and the counter always equals the applications holding seats.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, CourseDefinition, ScheduledSession
from booking.domain.emails import EmailJob
from booking.domain.errors import Conflict, DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

APPLICATION_SK = "APP"
COURSE_SK = "COURSE"
DUE_PARTITION = "DUE"
# Emails not queued by the request that decided them are picked up by the sweep after this.
OUTBOX_GRACE = timedelta(minutes=5)
SESSIONS_PARTITION = "SESSIONS"
COURSES_PARTITION = "COURSES"
EMAIL_SK = "EMAIL"
SUPPRESSED_SK = "SUPPRESSED"
CLAIMED_REMINDERS_PARTITION = "REMINDERS#CLAIMED"
TTL_ATTRIBUTE = "expires_at_ttl"
TRANSACTION_CONFLICT_RETRIES = 3
# How long an application that ended without any payment is kept (configurable per stage).
UNPAID_RETENTION = timedelta(days=90)
# Once an application ends like this, its person may apply to the same course again.
ENROLMENT_ENDS = frozenset({ApplicationStatus.CANCELLED, ApplicationStatus.REFUNDED})
NEVER_PAID_ENDINGS = frozenset(
    {
        ApplicationStatus.EXPIRED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.CANCELLED,
    }
)
# Claims and markers only need to outlive every redelivery or tick that could repeat them.
EMAIL_CLAIM_TTL = timedelta(days=30)
REMINDER_MARKER_TTL = timedelta(days=30)
# A transaction holds at most 100 actions: the course item plus one per session row.
MAX_SESSION_ROWS = 99


def course_key(course_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"COURSE#{course_id}"}, "sk": {"S": COURSE_SK}}


def person_key(email: str, application_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PERSON#{_email_digest(email)}"}, "sk": {"S": f"APP#{application_id}"}}


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def enrolment_key(course_id: str, email: str) -> dict[str, Any]:
    return {"pk": {"S": f"ENROL#{course_id}#{_email_digest(email)}"}, "sk": {"S": "ENROL"}}


def payment_key(payment_intent: str) -> dict[str, Any]:
    return {"pk": {"S": f"PAYMENT#{payment_intent}"}, "sk": {"S": "PAYMENT"}}


def _is_waiting(application: Application | None) -> bool:
    return application is not None and application.status is ApplicationStatus.WAITLISTED


def application_key(application_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"APP#{application_id}"}, "sk": {"S": APPLICATION_SK}}


def course_applications_partition(course_id: str) -> str:
    return f"COURSE#{course_id}#APPS"


def session_key(course_id: str, index: int) -> dict[str, Any]:
    return {"pk": {"S": f"COURSE#{course_id}"}, "sk": {"S": f"SESSION#{index:03d}"}}


def email_claim_key(job_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"EMAIL#{job_id}"}, "sk": {"S": EMAIL_SK}}


def address_digest(address: str) -> str:
    """A stable pseudonym for an address: suppression and de-duplication without storing it."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def suppression_key(address: str) -> dict[str, Any]:
    return {"pk": {"S": f"SUPPRESSED#{address_digest(address)}"}, "sk": {"S": SUPPRESSED_SK}}


def key_instant(moment: datetime) -> str:
    """UTC, whole seconds, fixed width: ISO strings with optional fractions do not sort."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SessionRow:
    """One session in the SESSIONS index: enough to decide whether its course needs a look."""

    course_id: str
    index: int
    start: datetime


class EmailClaim(StrEnum):
    CLAIMED = "claimed"  # this caller may send now
    DONE = "done"  # already sent (or deliberately skipped): do nothing
    IN_FLIGHT = "in_flight"  # another delivery is sending it right now: retry later


@dataclass(frozen=True)
class ReminderMarker:
    """The claim on one reminder: (course, session, offset, recipient), carrying its job.

    ``recipient`` is the application id for a course's own attendees and the address digest for
    a programme's graduates, who may hold several bookings but must get one reminder.
    """

    course_id: str
    session_index: int
    offset: str  # "h24", "h1", or "invite"
    recipient: str
    session_start: datetime
    job: EmailJob | None = None

    @property
    def key(self) -> dict[str, Any]:
        return {
            "pk": {"S": f"REMINDER#{self.course_id}#{self.session_index:03d}#{self.offset}"},
            "sk": {"S": self.recipient},
        }


class StaleWrite(Exception):
    """The item changed since it was read (or already exists): re-read and decide again."""


class CourseFull(Conflict):
    code = "course_full"


class AlreadyApplied(Conflict):
    code = "already_applied"


class CourseClosed(Conflict):
    code = "course_closed"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class DynamoRepository:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        unpaid_retention: timedelta = UNPAID_RETENTION,
    ) -> None:
        self._client = client
        self._table = table_name
        self._unpaid_retention = unpaid_retention

    # -- courses -------------------------------------------------------------------------

    def get_course(self, course_id: str) -> Course | None:
        item = self._client.get_item(
            TableName=self._table, Key=course_key(course_id), ConsistentRead=True
        ).get("Item")
        return _course_from_item(item) if item else None

    def get_course_and_application(
        self, course_id: str, application_id: str
    ) -> tuple[Course | None, Application | None]:
        """One round trip for the two items a submission needs (idempotent replays included)."""
        answer = self._client.batch_get_item(
            RequestItems={
                self._table: {
                    "Keys": [course_key(course_id), application_key(application_id)],
                    "ConsistentRead": True,
                }
            }
        )
        course: Course | None = None
        application: Application | None = None
        for item in answer["Responses"].get(self._table, []):
            if item["sk"]["S"] == COURSE_SK:
                course = _course_from_item(item)
            else:
                application = _application_from_item(item)
        # Unprocessed keys are rare (throttling); fall back to single reads rather than guess.
        if answer.get("UnprocessedKeys"):
            return self.get_course(course_id), self.get_application(application_id)
        return course, application

    def list_courses(self) -> list[Course]:
        courses: list[Course] = []
        for item in self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues={":p": {"S": COURSES_PARTITION}},
        ):
            courses.append(_course_from_item(item))
        return courses

    def put_course(self, course_id: str, definition: CourseDefinition) -> Course:
        """Create or replace a course's definition, keeping its live seat counter.

        Capacity may not drop below the seats already taken: that would overbook silently.
        The course's session rows (the SESSIONS index the reminder dispatcher reads) are
        replaced in the same transaction, conditional on the version read, so a concurrent
        replacement cannot leave rows of a definition that no longer exists.
        """
        schedule = definition.schedule()
        for _ in range(3):
            previous = self.get_course(course_id)
            old_rows = len(previous.definition.sessions) if previous else 0
            if max(old_rows, len(schedule)) > MAX_SESSION_ROWS:
                raise Conflict(
                    f"a course may have at most {MAX_SESSION_ROWS} sessions",
                    code="too_many_sessions",
                )
            actions: list[dict[str, Any]] = [
                {"Update": self._course_update(course_id, definition, previous)}
            ]
            actions += [
                {"Put": {"TableName": self._table, "Item": _session_item(course_id, session)}}
                for session in schedule
            ]
            actions += [
                {"Delete": {"TableName": self._table, "Key": session_key(course_id, index)}}
                for index in range(len(schedule) + 1, old_rows + 1)
            ]
            try:
                self._client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
            except ClientError as exc:
                if _code(exc) != "TransactionCanceledException":
                    raise
                reasons = [
                    r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])
                ]
                if not reasons or reasons[0] != "ConditionalCheckFailed":
                    raise
                current = self.get_course(course_id)
                if current is not None and current.seats_taken > definition.capacity:
                    raise Conflict(
                        "capacity cannot be lower than the places already taken",
                        code="capacity_below_taken",
                    ) from exc
                continue  # replaced concurrently: read the new version and try again
            stored = self.get_course(course_id)
            assert stored is not None
            return stored
        raise Conflict(
            "this course is being changed concurrently; please retry", code="concurrent_update"
        )

    def _course_update(
        self, course_id: str, definition: CourseDefinition, previous: Course | None
    ) -> dict[str, Any]:
        names = {
            "#d": "definition",
            "#c": "capacity",
            "#st": "seats_taken",
            "#v": "version",
            "#closed": "closed",
        }
        values: dict[str, Any] = {
            ":d": {"S": definition.model_dump_json()},
            ":c": {"N": str(definition.capacity)},
            ":zero": {"N": "0"},
            ":one": {"N": "1"},
            ":g": {"S": COURSES_PARTITION},
            ":id": {"S": course_id},
            ":closed": {"BOOL": definition.closed},
        }
        if previous is None:
            expected = "attribute_not_exists(#v)"
        else:
            expected = "#v = :prev"
            values[":prev"] = {"N": str(previous.version)}
        return {
            "TableName": self._table,
            "Key": course_key(course_id),
            "UpdateExpression": (
                "SET #d = :d, #c = :c, #st = if_not_exists(#st, :zero), "
                "#v = if_not_exists(#v, :zero) + :one, #closed = :closed, "
                "gsi1pk = :g, gsi1sk = :id"
            ),
            "ConditionExpression": f"(attribute_not_exists(#st) OR #st <= :c) AND {expected}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    def sessions_starting(self, after: datetime, until: datetime) -> list[SessionRow]:
        """Sessions of every course starting in (after, until], soonest first (one query)."""
        rows: list[SessionRow] = []
        for item in self._query(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :p AND gsi2sk BETWEEN :a AND :u",
            ExpressionAttributeValues={
                ":p": {"S": SESSIONS_PARTITION},
                ":a": {"S": key_instant(after)},
                # "~" sorts after "#<course>", so sessions starting exactly at `until` count.
                ":u": {"S": key_instant(until) + "~"},
            },
        ):
            start = datetime.fromisoformat(item["start"]["S"])
            if after < start <= until:
                rows.append(
                    SessionRow(item["course_id"]["S"], int(item["session_index"]["N"]), start)
                )
        return rows

    # -- email claims and suppression --------------------------------------------------------

    def claim_email(self, job_id: str, now: datetime, stale_before: datetime) -> EmailClaim:
        """Claim a job for sending. A ``sending`` claim older than ``stale_before`` belongs to a
        delivery that died mid-send and may be taken over; so may a ``failed`` one."""
        try:
            self._client.put_item(
                TableName=self._table,
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
            if _code(exc) != "ConditionalCheckFailedException":
                raise
            item = self._client.get_item(
                TableName=self._table, Key=email_claim_key(job_id), ConsistentRead=True
            ).get("Item", {})
            state = item.get("state", {}).get("S")
            return EmailClaim.IN_FLIGHT if state == "sending" else EmailClaim.DONE
        return EmailClaim.CLAIMED

    def finish_email(self, job_id: str, state: str, now: datetime) -> None:
        """Record the outcome of a claimed job: ``sent``, ``skipped`` or ``failed``."""
        self._client.update_item(
            TableName=self._table,
            Key=email_claim_key(job_id),
            UpdateExpression="SET #s = :s, finished_at = :t",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":s": {"S": state}, ":t": {"S": key_instant(now)}},
        )

    def suppress_address(self, address: str, reason: str, now: datetime) -> None:
        """Never mail this address again (SES bounce or complaint). Stores a digest only."""
        self._client.put_item(
            TableName=self._table,
            Item={
                **suppression_key(address),
                "reason": {"S": reason},
                "at": {"S": key_instant(now)},
            },
        )

    def is_suppressed(self, address: str) -> bool:
        return "Item" in self._client.get_item(
            TableName=self._table, Key=suppression_key(address), ConsistentRead=True
        )

    # -- reminder markers --------------------------------------------------------------------

    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """True if this caller now owns the reminder (state ``claimed``); False if anyone
        claimed, queued or superseded it before."""
        assert marker.job is not None
        item = {
            **marker.key,
            **self._marker_attributes(marker, "claimed", now),
            "job": {"S": marker.job.model_dump_json()},
            # Sparse index of claims not yet queued: a crashed run's leftovers, for the next.
            "gsi2pk": {"S": CLAIMED_REMINDERS_PARTITION},
            "gsi2sk": {
                "S": f"{key_instant(marker.session_start)}#{marker.key['pk']['S']}"
                f"#{marker.recipient}"
            },
        }
        return self._put_new(item)

    def supersede_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """Record that this reminder will never be sent (a nearer one went out instead)."""
        return self._put_new({**marker.key, **self._marker_attributes(marker, "superseded", now)})

    def mark_reminder_queued(
        self, marker: ReminderMarker, now: datetime, state: str = "queued"
    ) -> None:
        """Settle a claim: ``queued`` (the job is on the queue) or ``abandoned`` (its session
        started before a crashed run's leftover could be queued). Leaves the claimed index."""
        self._client.update_item(
            TableName=self._table,
            Key=marker.key,
            UpdateExpression="SET #s = :q, settled_at = :t REMOVE gsi2pk, gsi2sk",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":q": {"S": state}, ":t": {"S": key_instant(now)}},
        )

    def claimed_reminders(self) -> list[ReminderMarker]:
        """Reminders claimed but not (known to be) queued: normally none."""
        markers: list[ReminderMarker] = []
        for item in self._query(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :p",
            ExpressionAttributeValues={":p": {"S": CLAIMED_REMINDERS_PARTITION}},
        ):
            _, course_id, index, offset = item["pk"]["S"].rsplit("#", 3)
            markers.append(
                ReminderMarker(
                    course_id=course_id,
                    session_index=int(index),
                    offset=offset,
                    recipient=item["sk"]["S"],
                    session_start=datetime.fromisoformat(item["session_start"]["S"]),
                    job=EmailJob.model_validate_json(item["job"]["S"]),
                )
            )
        return markers

    def _marker_attributes(
        self, marker: ReminderMarker, state: str, now: datetime
    ) -> dict[str, Any]:
        expires = marker.session_start + REMINDER_MARKER_TTL
        return {
            "state": {"S": state},
            "at": {"S": key_instant(now)},
            "session_start": {"S": key_instant(marker.session_start)},
            TTL_ATTRIBUTE: {"N": str(int(expires.timestamp()))},
        }

    def _put_new(self, item: dict[str, Any]) -> bool:
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- applications --------------------------------------------------------------------

    def get_application(self, application_id: str) -> Application | None:
        item = self._client.get_item(
            TableName=self._table, Key=application_key(application_id), ConsistentRead=True
        ).get("Item")
        return _application_from_item(item) if item else None

    def list_applications(self, course_id: str) -> list[Application]:
        return [
            _application_from_item(item)
            for item in self._query(
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :p",
                ExpressionAttributeValues={":p": {"S": course_applications_partition(course_id)}},
            )
        ]

    def save(
        self, new: Application, previous: Application | None, *, replaces: str | None = None
    ) -> Application:
        """Write ``new`` if the stored application is still ``previous``; move its seat with it.

        The seat change is derived, not passed: taking or releasing a seat is exactly the
        difference in ``seat_held`` between the two states, so the course counter cannot drift
        from the applications. A new application also claims its person's enrolment on the
        course (one live application per email per course); ``replaces`` names a dead
        application whose claim it may take over. Raises :class:`StaleWrite` if someone else
        wrote first, :class:`CourseFull` if a seat was needed and none is left, and
        :class:`AlreadyApplied` if the person already has a live application there.
        """
        stored = new.model_copy(update={"version": (previous.version + 1) if previous else 1})
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": _application_to_item(stored, self._unpaid_retention),
        }
        if previous is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(previous.version)}}
        actions: list[tuple[str, dict[str, Any]]] = [("application", {"Put": put})]
        seat_delta = int(stored.seat_held) - int(previous.seat_held if previous else False)
        waiting_delta = int(_is_waiting(stored)) - int(_is_waiting(previous))
        if seat_delta or waiting_delta:
            update = self._seat_update(new.course_id, seat_delta, waiting_delta)
            actions.append(("course", {"Update": update}))
        if previous is None:
            # Who applied, by a digest of the address: export and erasure find a person's
            # applications with one query, and the index itself names no one.
            person = {
                **person_key(stored.answers.email, stored.application_id),
                "application_id": {"S": stored.application_id},
            }
            actions.append(("person", {"Put": {"TableName": self._table, "Item": person}}))
            actions.append(("enrolment", {"Put": self._enrolment_claim(stored, replaces)}))
        elif stored.status in ENROLMENT_ENDS and previous.status not in ENROLMENT_ENDS:
            # Cancelled or refunded: the person may apply to this course again.
            actions.append(
                (
                    "enrolment",
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": enrolment_key(stored.course_id, stored.answers.email),
                            "ConditionExpression": (
                                "attribute_not_exists(pk) OR application_id = :id"
                            ),
                            "ExpressionAttributeValues": {":id": {"S": stored.application_id}},
                        }
                    },
                )
            )
        if stored.payment_intent and stored.payment_intent != (
            previous.payment_intent if previous else None
        ):
            # Refund events name the payment, not the application: remember which is which.
            payment = {
                **payment_key(stored.payment_intent),
                "application_id": {"S": stored.application_id},
            }
            actions.append(("payment", {"Put": {"TableName": self._table, "Item": payment}}))
        self._transact(actions)
        return stored

    def _enrolment_claim(self, application: Application, replaces: str | None) -> dict[str, Any]:
        claim: dict[str, Any] = {
            "TableName": self._table,
            "Item": {
                **enrolment_key(application.course_id, application.answers.email),
                "application_id": {"S": application.application_id},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if replaces is not None:
            claim["ConditionExpression"] = "attribute_not_exists(pk) OR application_id = :old"
            claim["ExpressionAttributeValues"] = {":old": {"S": replaces}}
        return claim

    def enrolled_application_id(self, course_id: str, email: str) -> str | None:
        item = self._client.get_item(
            TableName=self._table, Key=enrolment_key(course_id, email), ConsistentRead=True
        ).get("Item")
        return item["application_id"]["S"] if item else None

    def applications_of_person(self, email: str) -> list[Application]:
        found = []
        for item in self._query(
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": person_key(email, "")["pk"]},
        ):
            application = self.get_application(item["application_id"]["S"])
            if application is not None:
                found.append(application)
        return found

    def forget_person(self, email: str, application_ids: list[str]) -> None:
        """Drop the lookups that lead from an address to applications (already anonymised)."""
        for application_id in application_ids:
            application = self.get_application(application_id)
            if application is not None:
                try:
                    self._client.delete_item(
                        TableName=self._table,
                        Key=enrolment_key(application.course_id, email),
                        ConditionExpression="application_id = :id",
                        ExpressionAttributeValues={":id": {"S": application_id}},
                    )
                except ClientError as exc:
                    if _code(exc) != "ConditionalCheckFailedException":
                        raise
            self._client.delete_item(TableName=self._table, Key=person_key(email, application_id))

    def application_for_payment(self, payment_intent: str) -> Application | None:
        item = self._client.get_item(
            TableName=self._table, Key=payment_key(payment_intent), ConsistentRead=True
        ).get("Item")
        return self.get_application(item["application_id"]["S"]) if item else None

    def applications_due(self, now: datetime, limit: int = 500) -> list[Application]:
        """Applications whose hold lapsed or whose emails wait, oldest first (sparse index)."""
        found: list[Application] = []
        for item in self._query(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :p AND gsi2sk <= :now",
            ExpressionAttributeValues={
                ":p": {"S": DUE_PARTITION},
                ":now": {"S": _iso(now) + "~"},
            },
        ):
            found.append(_application_from_item(item))
            if len(found) >= limit:
                break
        return found

    def clear_outbox(self, application: Application) -> None:
        """Forget queued emails, unless the application changed meanwhile (its writer kept them).

        The version is deliberately not bumped: nothing about the booking changed, and a writer
        holding this version may still write (it carries the outbox forward; the mailer
        de-duplicates by job id).
        """
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_application_to_item(
                    application.model_copy(update={"outbox": ()}), self._unpaid_retention
                ),
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": {"N": str(application.version)}},
            )
        except ClientError as exc:
            if _code(exc) != "ConditionalCheckFailedException":
                raise

    def _seat_update(self, course_id: str, delta: int, waiting_delta: int = 0) -> dict[str, Any]:
        names = {"#taken": "seats_taken", "#waiting": "waiting"}
        values: dict[str, Any] = {":d": {"N": str(delta)}, ":w": {"N": str(waiting_delta)}}
        if delta > 0:
            # Capacity is read from the course item itself, so a concurrent capacity change
            # cannot be bypassed by a stale value held in memory.
            condition = "#taken < #capacity AND (attribute_not_exists(#closed) OR #closed = :f)"
            names |= {"#capacity": "capacity", "#closed": "closed"}
            values[":f"] = {"BOOL": False}
        elif delta < 0:
            condition = "#taken >= :n"
            values[":n"] = {"N": str(-delta)}
        else:
            condition = "attribute_exists(pk)"
        return {
            "TableName": self._table,
            "Key": course_key(course_id),
            "UpdateExpression": "ADD #taken :d, #waiting :w",
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    def _transact(self, labelled: list[tuple[str, dict[str, Any]]]) -> None:
        """Run one transaction. Another transaction on the same items at the same moment (many
        applicants, one course item) cancels it with ``TransactionConflict``: the conditions
        are simply evaluated again after a short, jittered pause, a few times, before giving
        up with a retryable error."""
        actions = [action for _, action in labelled]
        for attempt in range(TRANSACTION_CONFLICT_RETRIES + 1):
            try:
                self._client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
                return
            except ClientError as exc:
                if _code(exc) != "TransactionCanceledException":
                    raise
                reasons = [
                    r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])
                ]
                failed = {
                    label
                    for (label, _), reason in zip(labelled, reasons, strict=False)
                    if reason == "ConditionalCheckFailed"
                }
                if "application" in failed:
                    raise StaleWrite("application changed concurrently") from exc
                if "course" in failed:
                    raise CourseFull("this course has no places left") from exc
                if "enrolment" in failed:
                    raise AlreadyApplied("you have already applied for this course") from exc
                if "TransactionConflict" not in reasons:
                    raise
                if attempt == TRANSACTION_CONFLICT_RETRIES:
                    raise DependencyUnavailable(
                        "many people are booking at this moment; please try again",
                        code="service_busy",
                        retry_after_seconds=2,
                    ) from exc
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        paginator = self._client.get_paginator("query")
        for page in paginator.paginate(TableName=self._table, **kwargs):
            yield from page.get("Items", [])


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _course_from_item(item: dict[str, Any]) -> Course:
    return Course(
        course_id=item["pk"]["S"].removeprefix("COURSE#"),
        definition=CourseDefinition.model_validate_json(item["definition"]["S"]),
        seats_taken=int(item.get("seats_taken", {}).get("N", "0")),
        waiting=int(item.get("waiting", {}).get("N", "0")),
        version=int(item.get("version", {}).get("N", "0")),
    )


def _session_item(course_id: str, session: ScheduledSession) -> dict[str, Any]:
    return {
        **session_key(course_id, session.index),
        "course_id": {"S": course_id},
        "session_index": {"N": str(session.index)},
        "start": {"S": key_instant(session.start)},
        "end": {"S": key_instant(session.end)},
        "kind": {"S": session.kind.value},
        "gsi2pk": {"S": SESSIONS_PARTITION},
        "gsi2sk": {"S": f"{key_instant(session.start)}#{course_id}#{session.index:03d}"},
    }


def _application_to_item(
    application: Application, unpaid_retention: timedelta = UNPAID_RETENTION
) -> dict[str, Any]:
    item: dict[str, Any] = {
        **application_key(application.application_id),
        "course_id": {"S": application.course_id},
        "status": {"S": application.status.value},
        "version": {"N": str(application.version)},
        "seat_held": {"BOOL": application.seat_held},
        "doc": {"S": application.model_dump_json()},
        "gsi1pk": {"S": course_applications_partition(application.course_id)},
        "gsi1sk": {"S": f"{_iso(application.created_at)}#{application.application_id}"},
    }
    due = work_due_at(application)
    if due is not None:
        item["gsi2pk"] = {"S": DUE_PARTITION}
        item["gsi2sk"] = {"S": f"{_iso(due)}#{application.application_id}"}
    if application.amount_paid == 0 and application.status in NEVER_PAID_ENDINGS:
        # Data minimisation: an application that ended without payment is deleted by
        # DynamoDB's TTL once it has been quiet for the retention period.
        forget_at = application.updated_at + unpaid_retention
        item[TTL_ATTRIBUTE] = {"N": str(int(forget_at.timestamp()))}
    return item


def work_due_at(application: Application) -> datetime | None:
    """When the scheduled sweep must look at this application again, if ever.

    The "due" index is sparse: only applications with a hold that can lapse or emails not yet
    queued are in it, so a sweep reads what is due, not the table.
    """
    lapses_at = application.hold_lapses_at()
    moments = [lapses_at] if lapses_at is not None else []
    if application.outbox:
        moments.append(application.updated_at + OUTBOX_GRACE)
    return min(moments) if moments else None


def _application_from_item(item: dict[str, Any]) -> Application:
    return Application.model_validate_json(item["doc"]["S"])
