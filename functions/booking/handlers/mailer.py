"""Email queue consumer: one SQS record is one email job; failures are reported per record.

Powertools' BatchProcessor answers with ``batchItemFailures``, so only the records that failed
(SES throttling or rejection, a concurrent delivery still in flight) return to the queue; after
5 receives a record lands in the DLQ, which is alarmed. Logs name job ids, never addresses.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking.adapters.ses_sender import EmailSendError, SesSender
from booking.config import Settings, settings
from booking.domain.emails import EmailJob
from booking.handlers.wiring import repository_for
from booking.services.mailer import EmailInFlight, MailerDeps, send_email_job

logger = Logger(service="booking-mailer")
# Report even a wholly failed batch as item failures (rather than raising): the result is the
# same retry, but the invocation stays a success and the log says which jobs failed.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

_configured: MailerDeps | None = None


def mailer_deps(config: Settings, ses_client: Any = None) -> MailerDeps:
    """The mailer's dependencies; the local stack passes its capturing SES client."""
    return MailerDeps(
        repository=repository_for(config),
        sender=SesSender(
            ses_client if ses_client is not None else boto3.client("sesv2"),
            config.sender_email,
            config.ses_configuration_set,
        ),
        public_base_url=config.public_base_url.rstrip("/"),
        calendar_domain=config.sender_email.rpartition("@")[2] or "localhost",
        claim_timeout=timedelta(seconds=config.email_claim_timeout_seconds),
        sender_email=config.sender_email,
    )


def configure(injected: MailerDeps | None) -> None:
    """Tests and the local stack inject their dependencies instead of patching globals."""
    global _configured
    _configured = injected


@lru_cache(maxsize=1)
def _deps_from_settings() -> MailerDeps:
    return mailer_deps(settings())


def deps() -> MailerDeps:
    return _configured if _configured is not None else _deps_from_settings()


def reset() -> None:
    configure(None)
    _deps_from_settings.cache_clear()


def record_handler(record: SQSRecord) -> None:
    job = EmailJob.model_validate_json(record.body)
    try:
        outcome = send_email_job(deps(), job)
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
