"""Alarms to an encrypted SNS topic: API 5xx, per-function errors/throttles, DLQ depth."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.config import StageConfig

_PERIOD = Duration.minutes(5)
ANOMALY_NAMESPACE = "Booking"


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        topic_key: kms.IKey,
        http_api: apigwv2.HttpApi,
        functions: dict[str, lambda_.Function],
        dead_letter_queues: dict[str, sqs.IQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name=f"{config.prefix} alarms",
            master_key=topic_key,
            enforce_ssl=True,
        )
        if config.alarm_email:
            self.topic.add_subscription(subs.EmailSubscription(config.alarm_email))
        self._action = cw_actions.SnsAction(self.topic)
        self._prefix = config.prefix
        self.alarms: list[cloudwatch.Alarm] = []

        self._alarm(
            "api-5xx",
            http_api.metric_server_error(period=_PERIOD, statistic="Sum"),
            "HTTP API returned 5xx (function error, timeout or throttle)",
        )
        for key, fn in functions.items():
            self._alarm(
                f"{key}-errors",
                fn.metric_errors(period=_PERIOD, statistic="Sum"),
                f"{key} function invocations failed",
            )
            self._alarm(
                f"{key}-throttles",
                fn.metric_throttles(period=_PERIOD, statistic="Sum"),
                f"{key} function was throttled (account concurrency exhausted?)",
            )
        self._payment_anomalies(functions["webhook"])
        for key, queue in dead_letter_queues.items():
            self._alarm(
                f"{key}-dlq-depth",
                queue.metric_approximate_number_of_messages_visible(
                    period=_PERIOD, statistic="Maximum"
                ),
                f"Messages in the {key} dead-letter queue need a human (inspect, then redrive)",
            )

    def _alarm(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        # Any occurrence matters at this scale (a failed payment webhook is a lost booking
        # until Stripe retries), so every alarm fires on >= 1 in a 5-minute window; missing
        # data means "nothing happened", not "broken".
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=f"{self._prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)

    def _payment_anomalies(self, webhook: lambda_.Function) -> None:
        # Payments the webhook would not believe (not what was asked of Stripe, or a refund
        # whose payment never came): refunded or kept, never confirmed; or a refund Stripe says
        # failed (``domain.refund_failed``): an organiser must look. The functions log them as
        # "payment anomaly" (ids only); a metric filter counts.
        anomalies = cloudwatch.Metric(
            namespace=ANOMALY_NAMESPACE,
            metric_name="PaymentAnomalies",
            period=_PERIOD,
            statistic="Sum",
        )
        logs.MetricFilter(
            self,
            "webhook-payment-anomalies",
            log_group=webhook.log_group,
            metric_namespace=ANOMALY_NAMESPACE,
            metric_name="PaymentAnomalies",
            filter_pattern=logs.FilterPattern.string_value("$.message", "=", "payment anomaly"),
            metric_value="1",
        )
        self._alarm(
            "payment-anomalies",
            anomalies,
            "A payment did not match what was asked of Stripe (refunded, never confirmed), a "
            "refund's payment never arrived, or a refund failed at Stripe: see the anomalies "
            "kept in the table",
        )
