"""The AWS resources the functions use, created in moto for the local stack and the tests.

The table's keys and indexes mirror ``infra/cdk`` (a test checks both against each other), so
code that works here queries the same shapes in AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

REGION = "eu-west-2"
TABLE_NAME = "booking-local"
EMAIL_QUEUE = "booking-emails-local"
EMAIL_DLQ = "booking-emails-dlq-local"
SENDER_EMAIL = "courses@example.org"

TABLE_KEYS: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"}
        for name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": index,
            "KeySchema": [
                {"AttributeName": f"{index}pk", "KeyType": "HASH"},
                {"AttributeName": f"{index}sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for index in ("gsi1", "gsi2")
    ],
}


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    email_queue_url: str
    email_dlq_url: str


def provision(endpoint_url: str | None = None) -> LocalResources:
    """Create the table, the email queue with its DLQ, and the SES sender identity."""
    session = boto3.session.Session(region_name=REGION)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    dynamodb.create_table(TableName=TABLE_NAME, BillingMode="PAY_PER_REQUEST", **TABLE_KEYS)
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    dlq_url = sqs.create_queue(QueueName=EMAIL_DLQ)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=EMAIL_QUEUE,
        Attributes={
            "VisibilityTimeout": "60",
            "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}',
        },
    )["QueueUrl"]
    # moto's SES refuses to send from an address it has not seen verified.
    session.client("sesv2", endpoint_url=endpoint_url).create_email_identity(
        EmailIdentity=SENDER_EMAIL
    )
    return LocalResources(TABLE_NAME, queue_url, dlq_url)
