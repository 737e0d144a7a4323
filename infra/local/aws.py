"""The AWS resources the functions use, created in moto for the local stack and the tests.

The table comes from the repository's own schema (``booking.adapters.dynamodb.schema``), which
``infra/cdk`` builds from too, so code that works here queries the same shapes in AWS.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import boto3

from booking.adapters.dynamodb.schema import TABLE_DEFINITION

REGION = "eu-west-2"
TABLE_NAME = "booking-local"
EMAIL_QUEUE = "booking-emails-local"
EMAIL_DLQ = "booking-emails-dlq-local"
SENDER_EMAIL = "courses@example.org"


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    email_queue_url: str
    email_dlq_url: str


def provision(endpoint_url: str | None = None) -> LocalResources:
    """Create the table, the email queue with its DLQ, and the SES sender identity."""
    session = boto3.session.Session(region_name=REGION)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    dynamodb.create_table(TableName=TABLE_NAME, BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
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


class SerialMotoServer:
    """moto as a local AWS endpoint that answers one request at a time.

    moto's own threaded server lets requests run concurrently inside backends that are not
    thread-safe (seen here: "dictionary changed size during iteration" under 200 concurrent
    transactions). Serialising each request makes every AWS call atomic, as DynamoDB's are,
    while callers still race each other between calls, which is where overbooking would hide.
    """

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.endpoint = f"http://{host}:{port}"
        self._host, self._port = host, port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        backend = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with lock:
                return list(backend(environ, start_response))

        self._server = make_server(
            self._host, self._port, one_at_a_time, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
