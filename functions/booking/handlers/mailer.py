"""Email queue consumer: one SQS record is one email job; failures are reported per record.

The answer names the records that failed in ``batchItemFailures`` (SQS's partial batch
response), so only they (SES throttling or rejection, a concurrent delivery still in flight, a
body that is not a job) return to the queue; after 5 receives a record lands in the DLQ, which
is alarmed. Logs name job ids and message ids, never addresses. The loop is ours rather than
Powertools' BatchProcessor: importing that utility loads asyncio and every event type Powertools
knows, about a tenth of this function's cold start, for a loop of a few lines.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.domain.emails import EmailJob
from booking.services.mailer import EmailInFlight, send_email_job
from booking.services.ports import EmailSendError

logger = Logger(service="booking-mailer")
# What its every email reads and writes; a group's store loads with the first group email.
bootstrap.at_cold_start(
    repository_calls=(
        "get_application",
        "get_course",
        "claim_email",
        "hold_send",
        "add_to_timeline",
    )
)


def record_handler(record: dict[str, Any]) -> None:
    job = EmailJob.model_validate_json(record["body"])
    try:
        outcome = send_email_job(bootstrap.ports(), job)
    except EmailSendError as exc:
        logger.warning(
            "email not sent; will retry",
            extra={
                "job_id": job.job_id,
                "kind": job.kind.value,
                "error": str(exc),
                "receive_count": record["attributes"].get("ApproximateReceiveCount"),
            },
        )
        raise
    except EmailInFlight:
        logger.info("email job in flight elsewhere; will retry", extra={"job_id": job.job_id})
        raise
    logger.info(
        "email job done",
        extra={"job_id": job.job_id, "kind": job.kind.value, "outcome": outcome.value},
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    """Each record on its own: one that fails goes back to the queue, the others are done. A
    wholly failed batch is answered the same way (not raised): the same retry, and the log says
    which jobs failed."""
    failed = []
    for record in event["Records"]:
        try:
            record_handler(record)
        except Exception as error:  # whatever failed, only this record is retried
            # The error's type, not its text: a body that is not a job would be quoted in it.
            logger.warning(
                "email record failed; back to the queue",
                extra={"message_id": record["messageId"], "error": type(error).__name__},
            )
            failed.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failed}
