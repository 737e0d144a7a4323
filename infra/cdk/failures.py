"""Where asynchronous invocations that fail every retry go: an alarmed SQS queue.

CDK's ``SqsDestination`` grants the function ``sqs:SendMessage``, ``GetQueueAttributes`` and
``GetQueueUrl``; Lambda needs only ``SendMessage`` to deliver to an on-failure destination, and
the recorded-calls IAM check (tests/infra/test_iam_recorded.py) reports grants nothing uses, so
this destination grants exactly that one action on exactly that queue.
"""

from __future__ import annotations

import jsii
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def _grant_send_only(fn: lambda_.IFunction, queue: sqs.IQueue, *, sid: str) -> None:
    """``sqs:SendMessage`` on ``queue`` and nothing else: all Lambda needs to deliver a failure
    (see the module's docstring), asynchronous or from a stream alike."""
    fn.add_to_role_policy(
        iam.PolicyStatement(sid=sid, actions=["sqs:SendMessage"], resources=[queue.queue_arn])
    )


@jsii.implements(lambda_.IDestination)
class QueueOnFailure:
    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(
        self,
        scope: Construct,
        fn: lambda_.IFunction,
        *,
        type: lambda_.DestinationType | None = None,
    ) -> lambda_.DestinationConfig:
        _grant_send_only(fn, self._queue, sid="AsyncFailuresToQueue")
        return lambda_.DestinationConfig(destination=self._queue.queue_arn)


def send_failures_to(
    fn: lambda_.IFunction,
    queue: sqs.IQueue,
    *,
    retry_attempts: int,
    max_event_age: Duration | None = None,
) -> None:
    """Async invocations of ``fn`` that fail Lambda's retries land in ``queue``."""
    fn.configure_async_invoke(
        on_failure=QueueOnFailure(queue),
        retry_attempts=retry_attempts,
        max_event_age=max_event_age,
    )


@jsii.implements(lambda_.IEventSourceDlq)
class StreamFailuresToQueue:
    """The on-failure destination of a stream event source mapping, granting the function only
    ``sqs:SendMessage`` on the queue (CDK's ``SqsDlq`` adds the two read actions too)."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(
        self, target: lambda_.IEventSourceMapping, target_handler: lambda_.IFunction
    ) -> lambda_.DlqDestinationConfig:
        _grant_send_only(target_handler, self._queue, sid="StreamFailuresToQueue")
        return lambda_.DlqDestinationConfig(destination=self._queue.queue_arn)
