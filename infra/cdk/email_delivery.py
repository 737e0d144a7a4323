"""Outbound email: the email queue + DLQ, the SES identity/configuration set, and the SNS topic
that carries SES bounce/complaint events to the ``ses_events`` function."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.checkers import ignore_cfn_lint, skip_checkov
from infra.cdk.config import StageConfig
from infra.cdk.nag import acknowledge
from infra.cdk.queues import failure_queue

_SSE_SQS = (
    "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which checkov does not recognise: "
    "it looks only for a KMS key id. No KMS key policy to get wrong, no $1/month key."
)

# The mailer's timeout; the queue's visibility timeout is derived from it (see below).
MAILER_TIMEOUT = Duration.seconds(30)
# AWS guidance for Lambda event sources: >= 6x the function timeout. The mailer reads the same
# figure (EMAIL_CLAIM_TIMEOUT_SECONDS) to know when a "sending" claim belongs to a dead delivery.
EMAIL_VISIBILITY_TIMEOUT = Duration.seconds(6 * MAILER_TIMEOUT.to_seconds())
MAX_RECEIVE_COUNT = 5


class EmailDelivery(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        topic_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        self._queues()
        self._ses(config, topic_key, stack)

    def _queues(self) -> None:
        """The email queue, its dead-letter queue, and the one for SES events not recorded."""
        self.dead_letter_queue = failure_queue(self, "EmailDlq")
        ignore_cfn_lint(
            self.dead_letter_queue,
            "ES6000",
            "This queue is the email queue's dead-letter queue: a redrive policy on it would "
            "move failed emails away from the place the alarm and the operator look.",
        )
        self.queue = sqs.Queue(
            self,
            "EmailQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # A message is not redelivered while a (retrying) invocation still holds it.
            visibility_timeout=EMAIL_VISIBILITY_TIMEOUT,
            dead_letter_queue=sqs.DeadLetterQueue(
                # 5 receives rides out SES throttling/transient errors; a message that still fails
                # is broken (bad address, template bug) and is parked for a human + alarm.
                max_receive_count=MAX_RECEIVE_COUNT,
                queue=self.dead_letter_queue,
            ),
        )

        for queue in (self.queue, self.dead_letter_queue):
            skip_checkov(queue, "CKV_AWS_27", _SSE_SQS)

        # Bounces and complaints that the ses_events function fails to record, whether SNS
        # could not deliver them (subscription redrive) or the function failed on every
        # asynchronous attempt (on-failure destination, set in stack.py): kept and alarmed,
        # so an address that must be suppressed is never silently dropped.
        self.events_dead_letter_queue = failure_queue(self, "SesEventsDlq")
        skip_checkov(self.events_dead_letter_queue, "CKV_AWS_27", _SSE_SQS)
        ignore_cfn_lint(
            self.events_dead_letter_queue,
            "ES6000",
            "This queue is the dead-letter queue of the SES events subscription and of the "
            "ses_events function's asynchronous invocations; nothing consumes it automatically.",
        )
        acknowledge(
            self.events_dead_letter_queue,
            "AwsSolutions-SQS3",
            "This queue IS a dead-letter queue (SNS subscription redrive and the ses_events "
            "function's on-failure destination); cdk-nag only recognises DLQs referenced by "
            "another queue's redrive policy. It is alarmed on depth > 0.",
        )

    def _ses(self, config: StageConfig, topic_key: kms.IKey, stack: Stack) -> None:
        """The sending identity, its configuration set, and its bounces and complaints."""
        # --- SES -----------------------------------------------------------------------------
        self.configuration_set_name = f"{config.prefix}-emails"
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=self.configuration_set_name,
            reputation_metrics=True,
            # Account-level suppression list also covers addresses that bounced for others.
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        identity = (
            ses.Identity.email(config.ses_identity)
            if "@" in config.ses_identity
            else ses.Identity.domain(config.ses_identity)
        )
        self.identity = ses.EmailIdentity(
            self,
            "Identity",
            identity=identity,
            configuration_set=self.configuration_set,
        )
        self.identity_name = config.ses_identity
        self.configuration_set_arn = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set_name,
        )

        # Bounce/complaint events -> SNS -> ses_events fn (records suppression items so the
        # mailer stops mailing that address; keeps the SES reputation healthy).
        self.events_topic = sns.Topic(
            self,
            "SesEventsTopic",
            master_key=topic_key,
            enforce_ssl=True,
        )
        # The event destination below also adds the topic-policy statement letting SES publish,
        # scoped to this account and configuration set.
        self.configuration_set.add_event_destination(
            "BounceComplaintToSns",
            destination=ses.EventDestination.sns_topic(self.events_topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
