"""EventBridge Scheduler: run the reminders/sweep function every 15 minutes."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.checkers import ignore_cfn_lint, skip_checkov
from infra.cdk.config import StageConfig
from infra.cdk.failures import send_failures_to
from infra.cdk.nag import acknowledge
from infra.cdk.queues import failure_queue

RATE = Duration.minutes(15)

# Scheduled handlers take "now" from the event (DESIGN.md), so pass the *scheduled* time rather
# than letting the function read the clock: a retried or delayed invocation then still plans
# reminders for the tick it belongs to. Shaped like an EventBridge "Scheduled Event".
SCHEDULER_INPUT = {
    "version": "0",
    "id": scheduler.ContextAttribute.execution_id,
    "detail-type": "Scheduled Event",
    "source": "aws.scheduler",
    "time": scheduler.ContextAttribute.scheduled_time,
    "resources": [scheduler.ContextAttribute.schedule_arn],
    "detail": {"attempt": scheduler.ContextAttribute.attempt_number},
}


class Scheduling(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        reminders_function: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = self._dead_letter_queue()
        # Scheduler invokes the function asynchronously: a run that fails all of Lambda's own
        # retries lands here too, not only events Scheduler could not deliver.
        send_failures_to(
            reminders_function,
            self.dead_letter_queue,
            retry_attempts=2,
            # The next tick redoes the work after 15 minutes; older events are not worth it.
            max_event_age=RATE,
        )
        # Our own role (instead of the stack-wide one CDK would share between targets) so its
        # permissions and the acknowledgement below cover this schedule only.
        role = iam.Role(
            self,
            "TargetRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
        )
        self.schedule = scheduler.Schedule(
            self,
            "RemindersEvery15Min",
            schedule_name=f"{config.prefix}-reminders",
            description="Due reminders and stale Checkout session sweep",
            schedule=scheduler.ScheduleExpression.rate(RATE),
            target=targets.LambdaInvoke(
                reminders_function,
                input=scheduler.ScheduleTargetInput.from_object(SCHEDULER_INPUT),
                # The run is idempotent (markers claimed by conditional put), so retrying is
                # safe; after an hour the next ticks have covered the work anyway.
                retry_attempts=3,
                max_event_age=Duration.hours(1),
                dead_letter_queue=self.dead_letter_queue,
                role=role,
            ),
        )
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::<{_logical_id(reminders_function)}.Arn>:*]",
            "Added by CDK's grant_invoke: lambda:InvokeFunction on the reminders function's own "
            "qualified ARNs (versions/aliases), i.e. one function. No other function or action.",
        )

    def _dead_letter_queue(self) -> sqs.Queue:
        """Where a run goes that Scheduler could not deliver or the function failed on."""
        queue = failure_queue(self, "SchedulerDlq")
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            "This queue IS a dead-letter queue: EventBridge Scheduler's DLQ for the reminders "
            "schedule (cdk-nag only recognises DLQs referenced by another queue's redrive "
            "policy). It is alarmed on depth > 0 and nothing consumes it automatically.",
        )
        skip_checkov(
            queue,
            "CKV_AWS_27",
            "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which checkov does not "
            "recognise: it looks only for a KMS key id.",
        )
        ignore_cfn_lint(
            queue,
            "ES6000",
            "This queue is a dead-letter queue (the schedule's and the reminders function's "
            "on-failure destination); a redrive policy on it would hide failures from the alarm.",
        )
        return queue


def _logical_id(fn: lambda_.IFunction) -> str:
    """cdk-nag names a finding by the CloudFormation logical id of the referenced resource."""
    default_child = fn.node.default_child
    assert isinstance(default_child, lambda_.CfnFunction)
    return Stack.of(fn).get_logical_id(default_child)
