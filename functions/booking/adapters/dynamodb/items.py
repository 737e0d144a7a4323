"""Domain objects to table items and back (the documents are the models' own JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from booking.adapters.dynamodb.schema import (
    BY_COURSE_INDEX,
    BY_TIME_INDEX,
    DUE_PARTITION,
    ERASED_ATTRIBUTE,
    OUTBOX_PARTITION,
    SESSIONS_PARTITION,
    TTL_ATTRIBUTE,
    application_key,
    course_applications_partition,
    key_instant,
    outbox_key,
    session_key,
    timeline_key,
)
from booking.domain.addresses import STORED
from booking.domain.application import NEVER_PAID_ENDINGS, Application
from booking.domain.course import Course, CourseDefinition, ScheduledSession
from booking.domain.emails import EmailJob
from booking.domain.timeline import TimelineEntry

# An outbox item the relay never deleted is harmless once the mailer's claim on its job id has
# expired too; DynamoDB removes it after this.
OUTBOX_TTL = timedelta(days=30)


def iso(moment: datetime) -> str:
    """A UTC instant in a key, fixed width (microseconds always written), so that keys sort
    as the times they hold: ``isoformat`` drops zero microseconds, and "...00:00Z" sorts
    after "...00:00.002Z" though it is earlier."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def course_from_item(item: dict[str, Any]) -> Course:
    return Course(
        course_id=item["pk"]["S"].removeprefix("COURSE#"),
        definition=CourseDefinition.model_validate_json(item["definition"]["S"], context=STORED),
        seats_taken=int(item.get("seats_taken", {}).get("N", "0")),
        waiting=int(item.get("waiting", {}).get("N", "0")),
        version=int(item.get("version", {}).get("N", "0")),
        priced=int(item.get("priced", {}).get("N", "0")),
        priced_codes=int(item.get("priced_codes", {}).get("N", "0")),
        follow_up_edits={
            key: datetime.fromisoformat(value["S"])
            for key, value in item.get("follow_up_edits", {}).get("M", {}).items()
        },
        dates_moved_at=(
            datetime.fromisoformat(item["dates_moved_at"]["S"])
            if "dates_moved_at" in item
            else None
        ),
    )


def follow_up_edits_attribute(edits: Mapping[str, datetime]) -> dict[str, Any]:
    """When each follow-up was last written, to the microsecond: two files saved in one second
    are still told apart."""
    return {"M": {key: {"S": moment.astimezone(UTC).isoformat()} for key, moment in edits.items()}}


def session_item(course_id: str, session: ScheduledSession) -> dict[str, Any]:
    return {
        **session_key(course_id, session.index),
        "course_id": {"S": course_id},
        "session_index": {"N": str(session.index)},
        "start": {"S": key_instant(session.start)},
        "end": {"S": key_instant(session.end)},
        "kind": {"S": session.kind.value},
        f"{BY_TIME_INDEX}pk": {"S": SESSIONS_PARTITION},
        f"{BY_TIME_INDEX}sk": {
            "S": f"{key_instant(session.start)}#{course_id}#{session.index:03d}"
        },
    }


def application_to_item(application: Application, unpaid_retention: timedelta) -> dict[str, Any]:
    item: dict[str, Any] = {
        **application_key(application.application_id),
        "course_id": {"S": application.course_id},
        "status": {"S": application.status.value},
        "version": {"N": str(application.version)},
        "seat_held": {"BOOL": application.seat_held},
        # Read by a condition: a send's lease is refused once the person is erased.
        ERASED_ATTRIBUTE: {"BOOL": application.is_erased},
        "doc": {"S": application.model_dump_json()},
        f"{BY_COURSE_INDEX}pk": {"S": course_applications_partition(application.course_id)},
        f"{BY_COURSE_INDEX}sk": {
            "S": f"{iso(application.created_at)}#{application.application_id}"
        },
    }
    due = application.sweep_due_at()
    if due is not None:
        # Sparse: only applications whose hold can lapse are in the DUE partition, so the
        # sweep reads what is due, not the table.
        item[f"{BY_TIME_INDEX}pk"] = {"S": DUE_PARTITION}
        item[f"{BY_TIME_INDEX}sk"] = {"S": f"{iso(due)}#{application.application_id}"}
    if not application.was_booked and application.status in NEVER_PAID_ENDINGS:
        # Data minimisation: an application that ended without ever being a booking is
        # deleted by DynamoDB's TTL once it has been quiet for the retention period (a funded
        # booking, with no money taken, is a booking all the same and is kept).
        forget_at = application.updated_at + unpaid_retention
        item[TTL_ATTRIBUTE] = {"N": str(int(forget_at.timestamp()))}
    return item


def application_from_item(item: dict[str, Any]) -> Application:
    return Application.model_validate_json(item["doc"]["S"], context=STORED)


def outbox_item(job: EmailJob, written_at: datetime) -> dict[str, Any]:
    return {
        **outbox_key(job.job_id),
        "job": {"S": job.model_dump_json()},
        f"{BY_TIME_INDEX}pk": {"S": OUTBOX_PARTITION},
        f"{BY_TIME_INDEX}sk": {"S": f"{key_instant(written_at)}#{job.job_id}"},
        TTL_ATTRIBUTE: {"N": str(int((written_at + OUTBOX_TTL).timestamp()))},
    }


def timeline_item(application_id: str, entry: TimelineEntry, tiebreak: str) -> dict[str, Any]:
    return {
        **timeline_key(application_id, entry.at, tiebreak),
        "entry": {"S": entry.model_dump_json(exclude_none=True)},
    }


def entry_from_item(item: dict[str, Any]) -> TimelineEntry:
    return TimelineEntry.model_validate_json(item["entry"]["S"])
