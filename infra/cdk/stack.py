"""The whole booking backend as one stack, composed from one construct per concern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from booking.adapters.dynamodb.schema import APPLICATION_SK, OUTBOX_PREFIX, application_partition
from infra.cdk.api import WEBHOOK_PATH, Api
from infra.cdk.app_secrets import AppSecrets
from infra.cdk.auth import Auth
from infra.cdk.checkers import ignore_cfn_lint, skip_checkov
from infra.cdk.config import StageConfig
from infra.cdk.data import Data
from infra.cdk.email_delivery import EmailDelivery
from infra.cdk.failures import StreamFailuresToQueue, send_failures_to
from infra.cdk.functions import Functions
from infra.cdk.monitoring import Monitoring
from infra.cdk.nag import acknowledge
from infra.cdk.queues import failure_queue
from infra.cdk.scheduling import Scheduling


class BookingStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config

        topic_key = self._topic_key(config)

        data = Data(self, "Data", config=config)
        secrets = AppSecrets(self, "Secrets", config=config)
        email = EmailDelivery(self, "Email", config=config, topic_key=topic_key)
        auth = Auth(self, "Auth", config=config)
        fns = Functions(
            self, "Functions", config=config, table=data.table, secrets=secrets, email=email
        )
        f = fns.functions

        self._email_events(f, email)
        relay_failures = self._relay_from_stream(f["relay"], data)

        api = self._api(config, fns, auth)

        scheduling = Scheduling(
            self, "Scheduling", config=config, reminders_function=f["reminders"]
        )
        Monitoring(
            self,
            "Monitoring",
            config=config,
            topic_key=topic_key,
            http_api=api.http_api,
            functions=f,
            dead_letter_queues={
                "email": email.dead_letter_queue,
                "ses-events": email.events_dead_letter_queue,
                "scheduler": scheduling.dead_letter_queue,
                "relay": relay_failures,
            },
        )

        self._outputs(api, auth, secrets)

    def _topic_key(self, config: StageConfig) -> kms.Key:
        # One customer-managed key for both SNS topics: AWS-managed aws/sns cannot be used by
        # SES or CloudWatch (its policy cannot be edited), and one key costs $1/month, not $2.
        topic_key = kms.Key(
            self,
            "TopicKey",
            description=f"{config.prefix} SNS topics (SES events, alarms)",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
            pending_window=Duration.days(7),
        )
        for service in ("ses.amazonaws.com", "cloudwatch.amazonaws.com"):
            topic_key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Publish-{service.split('.')[0]}",
                    principals=[iam.ServicePrincipal(service)],
                    # What a publisher to a KMS-encrypted topic needs; nothing else.
                    actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                    resources=["*"],  # in a key policy "*" means "this key"
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                )
            )

        return topic_key

    def _email_events(self, f: Mapping[str, lambda_.Function], email: EmailDelivery) -> None:
        """The mailer reads the email queue; SES's bounces and complaints reach ses_events."""
        f["mailer"].add_event_source(
            sources.SqsEventSource(
                email.queue,
                # 10 = SQS maximum without a batching window; partial failures are reported per
                # message so one bad email does not resend the other nine.
                batch_size=10,
                report_batch_item_failures=True,
            )
        )
        # SNS invokes the function asynchronously: a notification SNS cannot deliver goes to
        # the subscription's DLQ, one the function fails on every retry to the on-failure
        # destination. Both are the same alarmed queue: a bounce is never lost.
        send_failures_to(f["ses_events"], email.events_dead_letter_queue, retry_attempts=2)
        email.events_topic.add_subscription(
            subs.LambdaSubscription(
                f["ses_events"], dead_letter_queue=email.events_dead_letter_queue
            )
        )
        for child in f["mailer"].node.children:
            if isinstance(child, lambda_.EventSourceMapping):
                ignore_cfn_lint(
                    child,
                    "ES1001",
                    "Lambda supports on-failure destinations for stream and Kafka sources, not "
                    "SQS: a message the mailer keeps failing goes to the email queue's redrive "
                    "DLQ after 5 receives, and that DLQ is alarmed.",
                )
        for child in f["ses_events"].node.children:
            if isinstance(child, lambda_.CfnPermission) and child.principal == "sns.amazonaws.com":
                ignore_cfn_lint(
                    child,
                    "ES1007",
                    "The function has its EventInvokeConfig with an on-failure destination "
                    "(above); the rule compares FunctionName literally, and CDK writes the "
                    "permission's as the ARN and the config's as the name.",
                )

    def _relay_from_stream(self, relay: lambda_.Function, data: Data) -> sqs.Queue:
        """The relay reads the table's stream (new outbox items, deleted applications); the
        queue that records the batches it could not deliver."""
        # What the relay could not deliver after its retries (the outbox items stay in the
        # table for the sweep; this records which stream records failed, for the alarm).
        relay_failures = failure_queue(self, "RelayFailures")
        no_dlq_of_its_own = (
            "This queue is itself the failure destination of the relay's stream mapping (it "
            "holds records of failed batches for the alarm, nobody consumes it), so a DLQ of "
            "its own would have nothing to catch."
        )
        acknowledge(relay_failures, "AwsSolutions-SQS3", no_dlq_of_its_own)
        ignore_cfn_lint(relay_failures, "ES6000", no_dlq_of_its_own)
        skip_checkov(
            relay_failures,
            "CKV_AWS_27",
            "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which checkov does not "
            "recognise: it looks only for a KMS key id.",
        )
        relay.add_event_source(
            sources.DynamoEventSource(
                data.table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=100,
                filters=_relay_filters(),
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=10,
                on_failure=StreamFailuresToQueue(relay_failures),
            )
        )
        acknowledge(
            relay.role or relay,
            "AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams, added by the stream event source, has no resource-level "
            "permissions in IAM; every other stream action is scoped to this table's stream.",
        )

        return relay_failures

    def _outputs(self, api: Api, auth: Auth, secrets: AppSecrets) -> None:
        CfnOutput(self, "ApiUrl", value=api.endpoint)
        CfnOutput(self, "StripeWebhookUrl", value=f"{api.endpoint}{WEBHOOK_PATH}")
        CfnOutput(self, "UserPoolId", value=auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=auth.client.user_pool_client_id)
        CfnOutput(self, "AuthDomain", value=auth.domain.base_url())
        CfnOutput(self, "StripeSecretKeyName", value=secrets.stripe_secret_key_name)
        CfnOutput(self, "StripeWebhookSecretName", value=secrets.stripe_webhook_secret_name)

    def _api(self, config: StageConfig, fns: Functions, auth: Auth) -> Api:
        """The HTTP API in front of the four functions people call, and what those functions
        learn of it: their public URL, and the console's sign-in."""
        api = Api(
            self,
            "Api",
            config=config,
            # Their SnapStart aliases: API Gateway never invokes the unpublished $LATEST.
            api_function=fns.entry_points["api"],
            webhook_function=fns.entry_points["webhook"],
            admin_function=fns.entry_points["admin"],
            console_function=fns.entry_points["console"],
            user_pool=auth.user_pool,
            user_pool_client=auth.client,
        )
        public_base_url = config.public_base_url or api.endpoint
        for fn in fns.functions.values():
            fn.add_environment("PUBLIC_BASE_URL", public_base_url)
        # Organisers sign in to the console through Cognito's hosted sign-in (code + PKCE).
        auth.allow_console(public_base_url)
        fns.functions["console"].add_environment("COGNITO_DOMAIN", auth.domain.base_url())
        fns.functions["console"].add_environment(
            "COGNITO_CLIENT_ID", auth.client.user_pool_client_id
        )

        return api


def _relay_filters() -> list[Mapping[str, Any]]:
    """Only new outbox items, and applications deleted (by the time-to-live: what they held
    goes back): every other write on the table never wakes the relay."""
    return [
        lambda_.FilterCriteria.filter(
            {
                "eventName": lambda_.FilterRule.is_equal("INSERT"),
                "dynamodb": {"Keys": {"pk": {"S": lambda_.FilterRule.begins_with(OUTBOX_PREFIX)}}},
            }
        ),
        lambda_.FilterCriteria.filter(
            {
                "eventName": lambda_.FilterRule.is_equal("REMOVE"),
                "dynamodb": {
                    "Keys": {
                        "pk": {"S": lambda_.FilterRule.begins_with(application_partition(""))},
                        "sk": {"S": lambda_.FilterRule.is_equal(APPLICATION_SK)},
                    }
                },
            }
        ),
    ]
