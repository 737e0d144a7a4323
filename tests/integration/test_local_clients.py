"""``infra.local.aws.client``: one client per service for the test process, reused from one
moto to the next, and handed out as it was made (what a test hooked onto it goes with the test)."""

from __future__ import annotations

from typing import Any

import boto3
import botocore
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local import aws


def test_a_client_made_under_one_moto_answers_from_the_next() -> None:
    with mock_aws():
        first = aws.provision()
        made = aws.client("dynamodb")
        made.delete_table(TableName=first.table_name)
        made.create_table(
            TableName="only-in-the-first",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )
    with mock_aws():
        second = aws.provision()
        again = aws.client("dynamodb")
        assert again is made  # not made again
        assert again.list_tables()["TableNames"] == [second.table_name]
        queues = aws.client("sqs").list_queues()["QueueUrls"]
        assert sorted(queues) == sorted([second.email_queue_url, second.email_dlq_url])


def test_what_a_test_hooked_onto_a_client_is_gone_when_the_next_provisions() -> None:
    heard: list[str] = []

    def refuse(**_: Any) -> None:
        heard.append("refused")
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}}, "GetItem")

    with mock_aws():
        resources = aws.provision()
        hooked = aws.client("dynamodb")
        hooked.meta.events.register("before-call.dynamodb.DescribeTable", refuse)
        with pytest.raises(ClientError):
            hooked.describe_table(TableName=resources.table_name)
        assert heard == ["refused"]
    with mock_aws():
        resources = aws.provision()
        table = aws.client("dynamodb").describe_table(TableName=resources.table_name)
        assert table["Table"]["TableName"] == resources.table_name
        assert heard == ["refused"]  # the hook was not called again


def test_a_client_of_moto_in_process_sends_its_requests_unsigned_where_moto_allows() -> None:
    """moto in-process checks no signature: signing each request (SigV4) was work for nothing.
    Where moto takes the region from the signature (SQS), the client still signs: what each
    client makes is where a signed client (boto3's own, as some tests and the local stack
    use) finds it. A client with an endpoint (a local server, or AWS) still signs."""
    headers: dict[str, list[dict[str, str]]] = {}

    def heard(service: str) -> Any:
        return lambda request, **_: headers.setdefault(service, []).append(dict(request.headers))

    services = ("dynamodb", "sqs", "sesv2", "secretsmanager", "dynamodbstreams")
    with mock_aws():
        resources = aws.provision()
        for service in services:
            aws.client(service).meta.events.register("before-send", heard(service))
        aws.client("dynamodb").describe_table(TableName=resources.table_name)
        aws.client("sqs").get_queue_attributes(QueueUrl=resources.email_queue_url)
        aws.client("sesv2").get_email_identity(EmailIdentity=aws.SENDER_EMAIL)
        aws.client("secretsmanager").create_secret(Name="made-unsigned", SecretString="x")
        aws.client("dynamodbstreams").list_streams()
        aws.as_made()
        # boto3-stubs types client() by each service's name as a literal, not a name looped over.
        signed = {
            service: boto3.client(service, region_name=aws.REGION)  # type: ignore[call-overload]
            for service in services
        }
        assert signed["dynamodb"].list_tables()["TableNames"] == [resources.table_name]
        assert resources.email_queue_url in signed["sqs"].list_queues()["QueueUrls"]
        identities = signed["sesv2"].list_email_identities()["EmailIdentities"]
        assert [i["IdentityName"] for i in identities] == [aws.SENDER_EMAIL]
        secrets = signed["secretsmanager"].list_secrets()["SecretList"]
        assert [secret["Name"] for secret in secrets] == ["made-unsigned"]
        assert len(signed["dynamodbstreams"].list_streams()["Streams"]) == 1
    signing = {service: ["Authorization" in h for h in sent] for service, sent in headers.items()}
    assert signing == {
        "dynamodb": [False],
        "sqs": [True],
        "sesv2": [False],
        "secretsmanager": [False],
        "dynamodbstreams": [False],
    }
    with_endpoint = aws.client("dynamodb", "http://127.0.0.1:1")
    assert with_endpoint.meta.config.signature_version is not botocore.UNSIGNED
