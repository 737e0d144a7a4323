"""Courses and their session rows.

Seats are counted on the course item (``seats_taken``, ``waiting``) and changed only inside the
transaction that changes the application holding the seat (see ``applications.py``), so the
counters always equal the applications. Session rows are written in the same transaction as
their course, so the SESSIONS partition of the by-time index lists exactly the sessions of the
stored definitions, ordered by start instant: the reminder dispatcher reads the sessions of the
next two weeks, never the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from booking.adapters.dynamodb.items import (
    course_from_item,
    follow_up_edits_attribute,
    iso,
    session_item,
)
from booking.adapters.dynamodb.schema import (
    BY_COURSE_INDEX,
    BY_TIME_INDEX,
    COURSES_PARTITION,
    SESSIONS_PARTITION,
    course_key,
    key_instant,
    session_key,
)
from booking.adapters.dynamodb.table import (
    Table,
    cancellation_reasons,
    error_code,
    translate_aws_errors,
)
from booking.domain.course import Course, CourseDefinition, ScheduledSession
from booking.domain.errors import StaleWrite
from booking.services.ports import SessionRow
from booking.services.stored import capacity_refusal, session_rows_refusal

PK, SK = f"{BY_TIME_INDEX}pk", f"{BY_TIME_INDEX}sk"


class DynamoCourseStore:
    table: Table

    @translate_aws_errors
    def get_course(self, course_id: str) -> Course | None:
        return self.table.read(course_key(course_id), course_from_item)

    @translate_aws_errors
    def list_courses(self) -> list[Course]:
        return [course_from_item(item) for item in self.table.course_partition(COURSES_PARTITION)]

    @translate_aws_errors
    def put_course(
        self,
        course_id: str,
        definition: CourseDefinition,
        follow_up_edits: Mapping[str, datetime] | None = None,
        *,
        checked: Course | None = None,
        dates_moved_at: datetime | None = None,
        creating: bool = False,
    ) -> Course:
        """Create or replace a course's definition, keeping its live seat counters.

        Capacity may not drop below the seats already taken: that would overbook silently. The
        write holds only while the course is the version the save was decided on, else
        ``StaleWrite`` (decide again on a fresh read; ``repository_port.CourseStore``), so a
        concurrent replacement can neither be written over unseen nor leave session rows of a
        definition that no longer exists: ``checked`` (and, for a change of currency, nothing
        priced in it since: ``Course.priced``); ``creating``: no course under the id; neither
        (a set-up that decides nothing from a read): the version this write reads itself.
        """
        schedule = definition.schedule()
        pinned = (
            checked is not None and checked.definition.price.currency != definition.price.currency
        )
        previous = checked if checked is not None or creating else self.get_course(course_id)
        old_rows = len(previous.definition.sessions) if previous else 0
        if (too_many := session_rows_refusal(old_rows, len(schedule))) is not None:
            raise too_many
        update = self._course_update(
            course_id, definition, previous, follow_up_edits or {}, pinned=pinned
        )
        if dates_moved_at is not None:
            update["UpdateExpression"] += ", dates_moved_at = :moved"
            update["ExpressionAttributeValues"][":moved"] = {"S": iso(dates_moved_at)}
        actions = [{"Update": update}, *self._session_rows(course_id, schedule, old_rows)]
        try:
            self.table.client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
        except ClientError as exc:
            self._refused(exc, course_id, definition)
        stored = self.get_course(course_id)
        assert stored is not None
        return stored

    def _session_rows(
        self, course_id: str, schedule: Sequence[ScheduledSession], old_rows: int
    ) -> list[dict[str, Any]]:
        """The schedule's session rows written, and the rows past its end deleted."""
        table = self.table.name
        return [
            *({"Put": {"TableName": table, "Item": session_item(course_id, s)}} for s in schedule),
            *(
                {"Delete": {"TableName": table, "Key": session_key(course_id, index)}}
                for index in range(len(schedule) + 1, old_rows + 1)
            ),
        ]

    def _refused(self, exc: ClientError, course_id: str, definition: CourseDefinition) -> None:
        """Why a course's write was refused, raised: the places taken, or ``StaleWrite`` when
        the course is no longer the version the save was decided on."""
        if error_code(exc) != "TransactionCanceledException":
            raise exc
        reasons = cancellation_reasons(exc)
        if not reasons or reasons[0] != "ConditionalCheckFailed":
            raise exc
        current = self.get_course(course_id)
        if (overbooking := capacity_refusal(current, definition)) is not None:
            raise overbooking from exc
        raise StaleWrite("the course was saved again since this save read it") from exc

    def _course_update(
        self,
        course_id: str,
        definition: CourseDefinition,
        previous: Course | None,
        follow_up_edits: Mapping[str, datetime],
        *,
        pinned: bool = False,
    ) -> dict[str, Any]:
        names = {
            "#d": "definition",
            "#fe": "follow_up_edits",
            "#c": "capacity",
            "#st": "seats_taken",
            "#v": "version",
            "#closed": "closed",
            "#cur": "currency",
        }
        values: dict[str, Any] = {
            ":d": {"S": definition.model_dump_json()},
            ":c": {"N": str(definition.capacity)},
            ":zero": {"N": "0"},
            ":one": {"N": "1"},
            ":g": {"S": COURSES_PARTITION},
            ":id": {"S": course_id},
            ":closed": {"BOOL": definition.closed},
            ":fe": follow_up_edits_attribute(follow_up_edits),
            # Beside the definition, for the conditions of the saves that price in it.
            ":cur": {"S": definition.price.currency},
        }
        if previous is None:
            expected = "attribute_not_exists(#v)"
        else:
            expected = "#v = :prev"
            values[":prev"] = {"N": str(previous.version)}
        if previous is not None and pinned:
            # Nothing priced in the cohort now, and nothing priced since its currency check read
            # it (the live count as read, 0 or below; no code made since).
            expected += " AND " + _as_read("#priced", previous.priced, values, ":priced")
            expected += " AND " + _as_read("#pcodes", previous.priced_codes, values, ":pcodes")
            names |= {"#priced": "priced", "#pcodes": "priced_codes"}
        return {
            "TableName": self.table.name,
            "Key": course_key(course_id),
            "UpdateExpression": (
                "SET #d = :d, #c = :c, #st = if_not_exists(#st, :zero), "
                "#v = if_not_exists(#v, :zero) + :one, #closed = :closed, #fe = :fe, #cur = :cur, "
                f"{BY_COURSE_INDEX}pk = :g, {BY_COURSE_INDEX}sk = :id"
            ),
            "ConditionExpression": f"(attribute_not_exists(#st) OR #st <= :c) AND {expected}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    @translate_aws_errors
    def sessions_starting(self, after: datetime, until: datetime) -> list[SessionRow]:
        rows: list[SessionRow] = []
        for item in self.table.query(
            IndexName=BY_TIME_INDEX,
            KeyConditionExpression=f"{PK} = :p AND {SK} BETWEEN :a AND :u",
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


def _as_read(name: str, count: int, values: dict[str, Any], placeholder: str) -> str:
    """A condition that a course item's counter ``name`` is still ``count`` (0: or absent)."""
    values[placeholder] = {"N": str(count)}
    if count == 0:
        return f"(attribute_not_exists({name}) OR {name} = {placeholder})"
    return f"{name} = {placeholder}"
