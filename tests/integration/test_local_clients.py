"""``infra.local.aws.client``: one client per service for the test process, reused from one
moto to the next, and handed out as it was made (what a test hooked onto it goes with the test)."""

from __future__ import annotations

from typing import Any

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


def test_a_client_of_moto_in_process_sends_its_requests_unsigned() -> None:
    """moto in-process reads no signature: signing each request (SigV4) was work for nothing,
    about a tenth of a call's time. Every service the tests use still answers, and a client
    with an endpoint (a local server, or AWS) still signs."""
    headers: list[dict[str, str]] = []

    def sent(request: Any, **_: Any) -> None:
        headers.append(dict(request.headers))

    with mock_aws():
        resources = aws.provision()
        for service in ("dynamodb", "sqs", "sesv2", "secretsmanager", "dynamodbstreams"):
            aws.client(service).meta.events.register("before-send", sent)
        aws.client("dynamodb").describe_table(TableName=resources.table_name)
        aws.client("sqs").get_queue_attributes(QueueUrl=resources.email_queue_url)
        aws.client("sesv2").get_email_identity(EmailIdentity=aws.SENDER_EMAIL)
        aws.client("secretsmanager").list_secrets()
        aws.client("dynamodbstreams").list_streams()
        aws.as_made()
    assert len(headers) == 5
    assert all("Authorization" not in sent_headers for sent_headers in headers)
    signed = aws.client("dynamodb", "http://127.0.0.1:1")
    assert signed.meta.config.signature_version is not botocore.UNSIGNED
