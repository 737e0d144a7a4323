"""Where failures are kept: every dead-letter and failure-destination queue is made the same way,
so that none keeps failures for less time than the others or is encrypted differently."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def failure_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    """A queue that holds what failed (emails, scheduler runs, SES notifications, relay batches)
    for an operator and an alarm; nothing consumes it automatically."""
    return sqs.Queue(
        scope,
        construct_id,
        # The maximum: gives an operator two weeks to inspect and redrive what failed.
        retention_period=Duration.days(14),
        # SSE-SQS: encrypted at rest with no KMS key policy to get wrong or pay for.
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
