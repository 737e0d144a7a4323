"""The single DynamoDB table (applications, courses, holds, reminder markers, suppressions)."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from booking.adapters.dynamodb.schema import (
    BY_COURSE_INDEX,
    BY_TIME_INDEX,
    INDEXES,
    PARTITION_KEY,
    SORT_KEY,
    STREAM_VIEW,
    TTL_ATTRIBUTE,
)
from infra.cdk.checkers import skip_checkov
from infra.cdk.config import StageConfig

# The repository's own schema (booking.adapters.dynamodb.schema) names the keys and indexes.
ROSTER_INDEX = BY_COURSE_INDEX  # course -> its applications/bookings
DUE_INDEX = BY_TIME_INDEX  # sessions/holds/reminders/outbox ordered by due time


class Data(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        s = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=s),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=s),
            # Traffic is tiny and spiky (a course opens, people apply): on-demand costs cents
            # and cannot be throttled by a mis-sized provisioned capacity.
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            # Bookings are money records: PITR gives 35 days of restore for a bad deploy/script.
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            # AWS-managed KMS key: encrypted at rest with CloudTrail-visible key usage and no
            # $1/month customer key to manage.
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            # Idempotency/dedupe markers and lapsed holds clean themselves up.
            time_to_live_attribute=TTL_ATTRIBUTE,
            deletion_protection=config.is_prod,
            # New outbox items reach the relay function through the stream (new images only).
            stream=dynamodb.StreamViewType[STREAM_VIEW],
            # Prod data must survive `cdk destroy` and stack replacement; dev is disposable.
            removal_policy=config.removal_policy,
        )
        skip_checkov(
            self.table,
            "CKV_AWS_119",
            "Encrypted at rest with the AWS-managed KMS key (aws/dynamodb): key use is visible "
            "in CloudTrail and only the functions' roles can read the table; a customer key "
            "adds $1/month and a key policy to get wrong, not protection.",
        )
        for name in INDEXES:
            self.table.add_global_secondary_index(
                index_name=name,
                partition_key=dynamodb.Attribute(name=f"{name}pk", type=s),
                sort_key=dynamodb.Attribute(name=f"{name}sk", type=s),
                # ALL: the readers need whole items and the table is small, so the extra
                # storage is cheaper than a second GetItem per row.
                projection_type=dynamodb.ProjectionType.ALL,
            )
