"""Outbox relay: the table's stream (new outbox items) to the email queue; and what an
application deleted by the table's time-to-live held, given back.

The event source mapping filters the stream to new ``OUTBOX#`` items and removed applications
(``infra/cdk``); the records are checked again here, so an unfiltered stream (the local stack)
works the same. One
batch of records becomes one group of queue sends. If the queue refuses, the first record of the
batch is reported as failed, so Lambda retries from there (``ReportBatchItemFailures``); records
that keep failing end in the function's on-failure queue, and the items themselves stay in the
outbox for the scheduled sweep. Nothing is lost either way.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.domain.emails import EmailJob
from booking.services.outbox import relay_emails
from booking.services.ports import QueueUnavailable
from booking.services.retention import give_back_what_deleted_applications_held

logger = Logger(service="booking-relay")
# Its every request forgets relayed outbox items; an application's holdings are given back
# only after the time-to-live deleted one (that store loads then).
bootstrap.at_cold_start(repository_calls=("emails_relayed",))
OUTBOX_PREFIX = "OUTBOX#"
APPLICATION_PREFIX, APPLICATION_SK = "APP#", "APP"


def jobs_in(records: list[dict[str, Any]]) -> list[EmailJob]:
    """The email jobs of new outbox items among stream records (others are ignored)."""
    jobs: list[EmailJob] = []
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        if not str(image.get("pk", {}).get("S", "")).startswith(OUTBOX_PREFIX):
            continue
        jobs.append(EmailJob.model_validate_json(image["job"]["S"]))
    return jobs


def deleted_applications(records: list[dict[str, Any]]) -> list[str]:
    """The ids of applications whose item was deleted (by the time-to-live: nothing else in
    the system deletes one)."""
    ids: list[str] = []
    for record in records:
        if record.get("eventName") != "REMOVE":
            continue
        keys = (record.get("dynamodb") or {}).get("Keys") or {}
        pk, sk = str(keys.get("pk", {}).get("S", "")), str(keys.get("sk", {}).get("S", ""))
        if pk.startswith(APPLICATION_PREFIX) and sk == APPLICATION_SK:
            ids.append(pk.removeprefix(APPLICATION_PREFIX))
    return ids


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = list(event.get("Records") or [])
    jobs = jobs_in(records)
    # Idempotent (each holding goes back once), so a batch retried for the queue's sake
    # repeats this harmlessly.
    give_back_what_deleted_applications_held(bootstrap.ports(), deleted_applications(records))
    try:
        relay_emails(bootstrap.ports(), jobs)
    except QueueUnavailable:
        logger.warning("email jobs not relayed; the stream will retry", extra={"jobs": len(jobs)})
        first = (records[0].get("dynamodb") or {}).get("SequenceNumber") if records else None
        return {"batchItemFailures": [{"itemIdentifier": first}] if first else []}
    logger.info("email jobs relayed", extra={"jobs": len(jobs), "records": len(records)})
    return {"batchItemFailures": []}
