"""The AWS resources the functions use, created in moto for the local stack and the tests.

The table comes from the repository's own schema (``booking.adapters.dynamodb.schema``), which
``infra/cdk`` builds from too, so code that works here queries the same shapes in AWS.
"""

from __future__ import annotations

import copy
import functools
import os
import secrets
import threading
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

from booking.adapters.dynamodb.schema import TABLE_DEFINITION
from infra.local import aws_calls
from infra.local.moto_lean import keep_moto_lean

REGION = "eu-west-2"
TABLE_NAME = "booking-local"
EMAIL_QUEUE = "booking-emails-local"
EMAIL_DLQ = "booking-emails-dlq-local"
SENDER_EMAIL = "courses@example.org"
# As in AWS (infra/cdk/email_delivery.py): every email is sent through a configuration set.
CONFIGURATION_SET = "booking-emails-local"


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    email_queue_url: str
    email_dlq_url: str
    configuration_set: str = CONFIGURATION_SET


# Clients a service needs made its own way: without this, botocore addresses DynamoDB streams by
# account id, which moto in-process does not answer (an endpoint override does not care).
_CONFIGS = {"dynamodbstreams": Config(account_id_endpoint_mode="disabled")}
# moto in-process checks no signature, and SigV4 signing was work for nothing on every call in
# the tests: a client of moto in-process sends its requests unsigned, where moto finds the
# region in the URL. moto's SQS reads it from the signature (unsigned: us-east-1, where a signed
# client, boto3's own, would not find the queues), so SQS signs; one with an endpoint signs too.
_IN_PROCESS = Config(signature_version=UNSIGNED)
_REGION_FROM_SIGNATURE = {"sqs"}
# (service, endpoint) -> the client, and its event handlers as it was made.
_made: dict[tuple[str, str | None], tuple[Any, Any]] = {}


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def client(service: str, endpoint_url: str | None = None) -> Any:
    """This process's client of ``service`` at ``endpoint_url`` (``AWS_ENDPOINT_URL`` when
    None; moto in-process when neither): made once, from one session, and handed out again.

    Making a botocore client costs tens of milliseconds, and the tests start a new moto (or
    empty it) hundreds of times a run, each of which made about eight. moto's mock is the whole
    process's, not a client's: a client made while one mock ran answers from the next one's
    backends. ``as_made`` takes off what a test hooked onto them. A client of moto in-process
    is unsigned (``_IN_PROCESS``)."""
    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    key = (service, endpoint)
    if key not in _made:
        config = _CONFIGS.get(service)
        if endpoint is None and service not in _REGION_FROM_SIGNATURE:
            config = config.merge(_IN_PROCESS) if config is not None else _IN_PROCESS
        made = _session().create_client(
            service, region_name=REGION, endpoint_url=endpoint, config=config
        )
        # Its handlers as made (botocore copies them per client; the handlers are shared).
        _made[key] = (made, copy.copy(made.meta.events))
    return _made[key][0]


def as_made() -> None:
    """Every client ``client`` has made, with the event handlers it was made with only: what a
    test registered on one (an injected fault, a call counter) does not outlive the test."""
    for made, handlers in _made.values():
        # ``meta.events`` is an alias layer over the emitter the client's endpoint shares:
        # the emitter is given back its registrations as they were, in place.
        emitter = made.meta.events._emitter
        emitter.__dict__.update(copy.copy(handlers._emitter).__dict__)
        emitter._lookup_cache = {}


def provision(endpoint_url: str | None = None) -> LocalResources:
    """Create the table, the email queue with its DLQ, and the SES sender identity (the
    clients that do it, and any other ``client`` hands out, as they were made)."""
    keep_moto_lean()
    as_made()
    # moto's SES refuses to send from an address it has not seen verified.
    sesv2 = client("sesv2", endpoint_url)
    sesv2.create_email_identity(EmailIdentity=SENDER_EMAIL)
    sesv2.create_configuration_set(ConfigurationSetName=CONFIGURATION_SET)
    return _table_and_queues(endpoint_url)


def _table_and_queues(endpoint_url: str | None) -> LocalResources:
    """The table and the email queue with its DLQ, made new (what holds data, unlike SES)."""
    dynamodb = client("dynamodb", endpoint_url)
    dynamodb.create_table(TableName=TABLE_NAME, BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
    sqs = client("sqs", endpoint_url)
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
    bind_local_resources(TABLE_NAME, queue_url, dlq_url)
    return LocalResources(TABLE_NAME, queue_url, dlq_url)


def emptied(resources: LocalResources, endpoint_url: str | None = None) -> LocalResources:
    """The resources ``provision`` made, as they were new: the table and both queues deleted
    and made again (nothing written or queued before is left), the SES sender kept; the
    clients as they were made."""
    as_made()
    client("dynamodb", endpoint_url).delete_table(TableName=resources.table_name)
    sqs = client("sqs", endpoint_url)
    for url in (resources.email_queue_url, resources.email_dlq_url):
        sqs.delete_queue(QueueUrl=url)
    return _table_and_queues(endpoint_url)


def bind_local_resources(table_name: str, queue_url: str, dlq_url: str | None = None) -> None:
    """Tell the AWS call recorder which stack resource each local one stands for."""
    aws_calls.bind("table", aws_calls.table_arn(table_name, REGION))
    aws_calls.bind("email_queue", aws_calls.queue_arn(queue_url, REGION))
    if dlq_url is not None:
        aws_calls.bind("email_dlq", aws_calls.queue_arn(dlq_url, REGION))
    aws_calls.bind("ses_identity", aws_calls.identity_arn(SENDER_EMAIL, REGION))
    aws_calls.bind(
        "ses_configuration_set", aws_calls.configuration_set_arn(CONFIGURATION_SET, REGION)
    )


STRIPE_SECRET_KEY_NAME = "booking-local/stripe-secret-key"  # noqa: S105 - a name
STRIPE_WEBHOOK_SECRET_NAME = "booking-local/stripe-webhook-secret"  # noqa: S105 - a name
CONSOLE_SESSION_SECRET_NAME = "booking-local/console-session-key"  # noqa: S105 - a name


def store_secrets(
    stripe_key: str, webhook_secret: str, endpoint_url: str | None = None
) -> tuple[str, str, str]:
    """The Stripe keys and the key that signs console sessions (random, as CDK generates it)
    as Secrets Manager secrets, read by name as in AWS (app_secrets.py)."""
    secretsmanager = client("secretsmanager", endpoint_url)
    for name, value, role in (
        (STRIPE_SECRET_KEY_NAME, stripe_key, "stripe_secret_key"),
        (STRIPE_WEBHOOK_SECRET_NAME, webhook_secret, "stripe_webhook_secret"),
        (CONSOLE_SESSION_SECRET_NAME, secrets.token_urlsafe(32), "console_session_secret"),
    ):
        secretsmanager.create_secret(Name=name, SecretString=value)
        aws_calls.bind(role, aws_calls.secret_arn(name, REGION))
    return STRIPE_SECRET_KEY_NAME, STRIPE_WEBHOOK_SECRET_NAME, CONSOLE_SESSION_SECRET_NAME


# The operations that change nothing a function's caller waits for (the email pump's own
# ReceiveMessage among them): every other request to moto counts as a change.
_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "DescribeStream",
        "GetShardIterator",
        "GetRecords",
        "ReceiveMessage",
        "GetQueueAttributes",
        "GetQueueUrl",
        "GetSecretValue",
    }
)


def _reads_only(environ: dict[str, Any]) -> bool:
    """A request that changes nothing: a GET or HEAD (REST), or a JSON protocol operation in
    ``_READS`` (named by its ``X-Amz-Target``). Anything else, a change."""
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return True
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    return bool(target) and target.rsplit(".", 1)[-1] in _READS


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
        # How many requests it has answered that may have changed something (any but a read).
        self.changes = 0

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        from infra.local.moto_connections import KeptOpenRequestHandler

        keep_moto_lean()
        backend = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with lock:
                if not _reads_only(environ):
                    self.changes += 1
                return list(backend(environ, start_response))

        self._server = make_server(
            self._host,
            self._port,
            one_at_a_time,
            threaded=True,
            request_handler=KeptOpenRequestHandler,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
