"""Email queue consumer: one SQS record is one email job; failures are reported per record.

Powertools' BatchProcessor answers with ``batchItemFailures``, so only the records that failed
(SES throttling or rejection, a concurrent delivery still in flight) return to the queue; after
5 receives a record lands in the DLQ, which is alarmed. Logs name job ids, never addresses.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.domain.emails import EmailJob
from booking.services.mailer import EmailInFlight, send_email_job
from booking.services.ports import EmailSendError

logger = Logger(service="booking-mailer")
# Report even a wholly failed batch as item failures (rather than raising): the result is the
# same retry, but the invocation stays a success and the log says which jobs failed.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
bootstrap.at_cold_start()


def record_handler(record: SQSRecord) -> None:
    job = EmailJob.model_validate_json(record.body)
    try:
        outcome = send_email_job(bootstrap.ports(), job)
    except EmailSendError as exc:
        logger.warning(
            "email not sent; will retry",
            extra={
                "job_id": job.job_id,
                "kind": job.kind.value,
                "error": str(exc),
                "receive_count": record.attributes.approximate_receive_count,
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
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
