"""Alarms to an encrypted SNS topic: API 5xx, per-function errors/throttles, DLQ depth, and
lines the functions log when a person must look (payment anomalies, erasures that have waited
over a day for Stripe)."""

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

from booking.services.provider_searches import OVERDUE_LINE
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
        self._logged_lines(functions)
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

    def _logged_lines(self, functions: dict[str, lambda_.Function]) -> None:
        """The lines the functions log when a person must look, each alarmed."""
        # Payments the webhook would not believe (not what was asked of Stripe, or a refund
        # whose payment never came): refunded or kept, never confirmed; or a refund Stripe
        # says failed (``domain.refund_failed``): an organiser must look. Logged as "payment
        # anomaly" (ids only).
        self._logged_line_alarm(
            "payment-anomalies",
            ("webhook", functions["webhook"]),
            "payment anomaly",
            "PaymentAnomalies",
            "A payment did not match what was asked of Stripe (refunded, never confirmed), a "
            "refund's payment never arrived, or a refund failed at Stripe: see the anomalies "
            "kept in the table",
        )
        # An erasure whose search at Stripe has waited over a day for Stripe to answer
        # (``services.provider_searches``): the reminders' run logs how many, never whose.
        self._logged_line_alarm(
            "erasures-pending-at-stripe",
            ("reminders", functions["reminders"]),
            OVERDUE_LINE,
            "ErasuresPendingAtStripe",
            "An erasure's customers at Stripe have waited over a day to be found and deleted "
            "(Stripe unreachable or refusing): the reminders' run retries every 15 minutes; "
            "check the Stripe key and Stripe's status",
        )

    def _logged_line_alarm(
        self,
        name: str,
        logged_by: tuple[str, lambda_.Function],
        message: str,
        metric_name: str,
        description: str,
    ) -> None:
        """An alarm on each ``message`` line the function ``logged_by`` (its key, itself)
        logs: a metric filter counts them."""
        key, function = logged_by
        counted = cloudwatch.Metric(
            namespace=ANOMALY_NAMESPACE,
            metric_name=metric_name,
            period=_PERIOD,
            statistic="Sum",
        )
        logs.MetricFilter(
            self,
            f"{key}-{name}",
            log_group=function.log_group,
            metric_namespace=ANOMALY_NAMESPACE,
            metric_name=metric_name,
            filter_pattern=logs.FilterPattern.string_value("$.message", "=", message),
            metric_value="1",
        )
        self._alarm(name, counted, description)
