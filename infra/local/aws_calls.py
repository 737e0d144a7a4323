"""Record every AWS call the booking functions make, as IAM will judge it (tests, local stack).

moto does not evaluate IAM, so a call the deployed role does not allow passes every test and
fails in AWS. This module writes down, for each call made while a function's handler runs, the
IAM action and the resource ARN that AWS authorises it against, so a test can hold the
recorded calls to each function's policy in the synthesized template (tests/infra).

* A wrapper around botocore's single dispatch point (``BaseClient._make_api_call``) sees every
  call from every client and session, including paginators and failed calls (a call refused by
  a condition still needed the permission).
* The function is the handler on the calling thread's stack nearest the call: the innermost
  frame that is ``handler`` in ``booking/handlers/<name>.py`` (in-process, the Stripe stand-in
  delivers a webhook while the api's request is still running: its calls are the webhook's).
  Calls made outside any handler (test set-up), or by the local stand-ins of Lambda's event
  source mappings (infra/local/relay.py, mail.py: their polling is Lambda's, not a
  function's), belong to no function and are not recorded.
* ``TransactWriteItems`` and ``TransactGetItems`` are not IAM actions: each item inside is
  authorised as its own ``PutItem``/``UpdateItem``/``DeleteItem``/``ConditionCheckItem``/
  ``GetItem``, so each item is recorded as that. A query on an index is authorised on the
  index's ARN.
* Resources are recorded by the names the test or local stack gave them; ``bind`` says which
  resource of the stack a local name stands for (``table``, ``email_queue``, ...), so the check
  can translate them into the template's resources.

Recording is on only where asked: the pytest plugin (tests/support/aws_calls.py) and the local
server when ``RECORD_AWS_CALLS`` names a directory. Each process appends to its own JSON-lines
file there, each distinct record once.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

RECORD_ENV = "RECORD_AWS_CALLS"
# moto's default account; the check translates bound resources, so only consistency matters.
ACCOUNT = "123456789012"
_HANDLERS_DIR = Path(__file__).resolve().parents[2] / "functions" / "booking" / "handlers"
FUNCTIONS = ("api", "webhook", "admin", "reminders", "mailer", "ses_events", "relay")
_HANDLER_FILES = {str(_HANDLERS_DIR / f"{name}.py"): name for name in FUNCTIONS}
# The local stand-ins of Lambda's event source mappings: the methods that poll the stream and
# the queue (the handlers they invoke are found first, being nearer the calls they make).
_LOCAL = Path(__file__).resolve().parent
_POLLERS = {
    *((str(_LOCAL / "relay.py"), name) for name in ("__init__", "_shards", "_iterator", "pump")),
    *((str(_LOCAL / "relay.py"), name) for name in ("_new_records",)),
    *((str(_LOCAL / "mail.py"), name) for name in ("__init__", "run", "pump_once")),
}

# Operations IAM authorises under another action's name.
_SQS_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
_TRANSACT_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


@dataclass(frozen=True)
class Call:
    """One authorisation AWS makes: this function needs ``action`` on ``resource``."""

    function: str
    action: str
    resource: str
    operation: str  # the API operation that needed it (TransactWriteItems, SendMessageBatch...)
    origin: str  # which test file or process made it


@dataclass(frozen=True)
class Binding:
    """The local resource ``arn`` stands for the stack's resource ``role``."""

    role: str
    arn: str


def running_function() -> str | None:
    """The function whose handler is running nearest this call on this thread, if any."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if (code.co_filename, code.co_name) in _POLLERS:
            return None  # an event source mapping's own call (Lambda's, not the function's)
        if code.co_name == "handler" and code.co_filename in _HANDLER_FILES:
            return _HANDLER_FILES[code.co_filename]
        frame = frame.f_back
    return None


def authorisations(
    service: str, operation: str, params: dict[str, Any], region: str
) -> list[tuple[str, str]]:
    """(IAM action, resource ARN) pairs AWS checks for one API call."""
    if service == "dynamodb":
        return _dynamodb(operation, params, region)
    if service == "sqs":
        name = params.get("QueueName") or urlsplit(str(params.get("QueueUrl", ""))).path
        account, _, queue = str(name).strip("/").rpartition("/")
        arn = f"arn:aws:sqs:{region}:{account or ACCOUNT}:{queue}"
        return [(f"sqs:{_SQS_ACTIONS.get(operation, operation)}", arn)]
    if service == "sesv2" and operation == "SendEmail":
        return _ses_send(params, region)
    if service == "secretsmanager":
        secret = str(params.get("SecretId", "*"))
        arn = secret if secret.startswith("arn:") else _secret_arn(secret, region)
        return [(f"secretsmanager:{operation}", arn)]
    return [(f"{service}:{operation}", "*")]


def _table_arn(table: str, region: str) -> str:
    return (
        table if table.startswith("arn:") else f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}"
    )


def _secret_arn(name: str, region: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}"


def _dynamodb(operation: str, params: dict[str, Any], region: str) -> list[tuple[str, str]]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        pairs = []
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                action = _TRANSACT_ITEM_ACTIONS[kind]
                pairs.append((f"dynamodb:{action}", _table_arn(body["TableName"], region)))
        return pairs
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [
            (f"dynamodb:{operation}", _table_arn(table, region))
            for table in params.get("RequestItems", {})
        ]
    table = _table_arn(str(params.get("TableName", "*")), region)
    if params.get("IndexName"):
        table = f"{table}/index/{params['IndexName']}"
    return [(f"dynamodb:{operation}", table)]


def _ses_send(params: dict[str, Any], region: str) -> list[tuple[str, str]]:
    from email.utils import parseaddr

    # SES v2 authorises SendEmail on the sending identity and on the configuration set used.
    address = parseaddr(str(params.get("FromEmailAddress", "")))[1]
    pairs = [("ses:SendEmail", f"arn:aws:ses:{region}:{ACCOUNT}:identity/{address}")]
    if params.get("ConfigurationSetName"):
        name = params["ConfigurationSetName"]
        pairs.append(("ses:SendEmail", f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{name}"))
    return pairs


class Recorder:
    """Appends each distinct call and binding to ``<directory>/calls-<pid>.jsonl``."""

    def __init__(self, directory: Path, origin: str | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"calls-{os.getpid()}.jsonl"
        self._origin = origin
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def origin(self) -> str:
        if self._origin is not None:
            return self._origin
        # pytest names the running test here: "tests/integration/test_x.py::test_y (call)".
        current = os.environ.get("PYTEST_CURRENT_TEST", "")
        return current.split("::", 1)[0] or "unknown"

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True)
        with self._lock:
            if line in self._seen:
                return
            self._seen.add(line)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")

    def call(self, client: Any, operation: str, params: dict[str, Any]) -> None:
        function = running_function()
        if function is None:
            return
        service = client.meta.service_model.service_name
        for action, resource in authorisations(service, operation, params, client.meta.region_name):
            self.write({"call": asdict(Call(function, action, resource, operation, self.origin()))})


_recorder: Recorder | None = None
_original: Any = None


def install(directory: Path, origin: str | None = None) -> Recorder:
    """Start recording in this process (idempotent)."""
    global _recorder, _original
    from botocore.client import BaseClient

    if _recorder is None:
        _recorder = Recorder(directory, origin)
        # The one method every client call, paginator and waiter goes through.
        _original = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, untyped

        def recorded(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            if _recorder is not None:
                _recorder.call(client, operation_name, api_params)
            return _original(client, operation_name, api_params)

        setattr(BaseClient, "_make_api_call", recorded)  # noqa: B010 - private, untyped
    return _recorder


def install_from_environment(origin: str) -> Recorder | None:
    directory = os.environ.get(RECORD_ENV)
    return install(Path(directory), origin) if directory else None


def bind(role: str, arn: str) -> None:
    """Say which stack resource a local resource stands for (nothing when not recording)."""
    if _recorder is not None:
        _recorder.write({"bind": asdict(Binding(role, arn))})


def table_arn(name: str, region: str) -> str:
    return _table_arn(name, region)


def queue_arn(queue_url: str, region: str) -> str:
    return authorisations("sqs", "SendMessage", {"QueueUrl": queue_url}, region)[0][1]


def identity_arn(identity: str, region: str) -> str:
    return f"arn:aws:ses:{region}:{ACCOUNT}:identity/{identity}"


def configuration_set_arn(name: str, region: str) -> str:
    return f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{name}"


def secret_arn(name: str, region: str) -> str:
    return _secret_arn(name, region)


def read(directory: Path) -> tuple[list[Call], list[Binding]]:
    """Every call and binding recorded under ``directory`` by any process."""
    calls: list[Call] = []
    bindings: list[Binding] = []
    for line in _lines(directory):
        record = json.loads(line)
        if "call" in record:
            calls.append(Call(**record["call"]))
        elif "bind" in record:
            bindings.append(Binding(**record["bind"]))
    return calls, bindings


def _lines(directory: Path) -> Iterator[str]:
    for path in sorted(directory.glob("calls-*.jsonl")):
        yield from (line for line in path.read_text(encoding="utf-8").splitlines() if line)
