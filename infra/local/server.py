"""``make run``: the whole system on one machine, no AWS or Stripe account needed.

    browser / curl ──HTTP──▶ this server ──API Gateway v2 event──▶ the same Lambda handlers
                                  │                                   │
                                  ├─ /_local/stripe/* ─▶ Stripe stand-in (signed webhooks back)
                                  └─ moto server (DynamoDB, SQS, SES) ◀┘

Each request becomes the event API Gateway would send, so the handlers cannot tell the
difference. moto runs as a server answering one AWS call at a time (see
``infra.local.aws.SerialMotoServer``): the HTTP server is threaded, and moto's backends are not
safe for concurrent calls.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from booking.handlers.http import loggable_path
from infra.local import aws_calls
from infra.local.aws import (
    REGION,
    SENDER_EMAIL,
    LocalResources,
    SerialMotoServer,
    provision,
    store_secrets,
)
from infra.local.mail import (
    CapturingSesClient,
    EmailPump,
    ReminderTicker,
    purge_outbox,
    read_outbox,
)
from infra.local.relay import StreamRelay
from infra.local.stripe_standin import LocalResponse, StripeStandIn

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_LOCKS_GUARD = threading.Lock()
# API Gateway HTTP APIs accept payloads up to 10 MB; the handlers refuse more than 64 KiB
# themselves, so anything far beyond is refused before it is read.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
LOCAL_WEBHOOK_SECRET = "whsec_local"  # noqa: S105 - the contract's documented offline default
LOCAL_STRIPE_KEY = "sk_test_local"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def lambda_context(function_name: str) -> Any:
    """The attributes Powertools reads from a Lambda context object."""
    return SimpleNamespace(
        function_name=function_name,
        function_version="$LATEST",
        memory_limit_in_mb=512,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:000000000000:function:{function_name}",
        aws_request_id=str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name="local",
        get_remaining_time_in_millis=lambda: 30_000,
    )


def http_api_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request."""
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    lowered = {k.lower(): v for k, v in headers.items()}
    content_type = lowered.get("content-type", "")
    textual = content_type.startswith(
        ("application/json", "application/x-www-form-urlencoded", "text/")
    )
    now = datetime.now(UTC)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "cookies": [c.strip() for c in lowered.get("cookie", "").split(";") if c.strip()],
        "headers": lowered,
        # API Gateway joins repeated query parameters with commas.
        "queryStringParameters": {k: ",".join(v) for k, v in query.items()} or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": (
            body.decode("utf-8", "replace") if textual else base64.b64encode(body).decode("ascii")
        )
        if body
        else None,
        # Like API Gateway: binary (and unknown) media types arrive base64-encoded.
        "isBase64Encoded": bool(body) and not textual,
    }


# The years a tick may name: those a course's sessions may fall in (see SessionDefinition).
# Beyond them the dispatcher's arithmetic (now minus the sweep window, plus reminder offsets)
# would leave the years datetime can hold, and nothing could be due anyway.
TICK_YEARS = (2000, 2100)


def tick_time(body: bytes) -> datetime:
    """The moment a ``POST /_local/scheduler/tick`` names; ``ValueError`` says what is wrong."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ValueError("the body must be JSON") from None
    raw = payload.get("time") if isinstance(payload, dict) else None
    if not isinstance(raw, str) or not raw:
        raise ValueError("required: an ISO 8601 time such as 2027-06-06T15:10:00Z")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {raw[:40]!r}") from None
    if moment.tzinfo is None:
        raise ValueError("time needs a UTC offset")
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first instant datetime holds
        year = moment.year
    if not TICK_YEARS[0] <= year <= TICK_YEARS[1]:
        raise ValueError(f"time must be between the years {TICK_YEARS[0]} and {TICK_YEARS[1]}")
    return moment


@dataclass
class LocalStack:
    port: int
    outbox_dir: Path
    admin_token: str
    stripe_secret_key: str | None
    webhook_secret: str
    public_base_url: str | None = None
    moto_port: int = field(default_factory=free_port)
    _moto: Any = None
    _server: ThreadingHTTPServer | None = None
    stripe: StripeStandIn | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    ticker: ReminderTicker | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # moto logs every AWS call it answers; the pump alone polls SQS several times a second.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # The end-to-end tests ask for every AWS call the handlers make (tests/infra checks
        # them against the deployed roles); nothing is recorded otherwise.
        aws_calls.install_from_environment("tests/e2e/local-server")
        self._moto = SerialMotoServer(self.moto_port)
        self._moto.start()
        endpoint = f"http://127.0.0.1:{self.moto_port}"
        base = (self.public_base_url or self.url).rstrip("/")
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "POWERTOOLS_SERVICE_NAME": "booking-local",
            }
        )
        resources = provision(endpoint)
        offline = not self.stripe_secret_key
        # As in AWS, the functions read the Stripe keys from Secrets Manager by name.
        key_name, webhook_secret_name = store_secrets(
            self.stripe_secret_key or LOCAL_STRIPE_KEY, self.webhook_secret, endpoint
        )
        for plain in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
            os.environ.pop(plain, None)
        os.environ.update(
            {
                "TABLE_NAME": resources.table_name,
                "EMAIL_QUEUE_URL": resources.email_queue_url,
                "PUBLIC_BASE_URL": base,
                "STRIPE_SECRET_KEY_PARAM": key_name,
                "STRIPE_WEBHOOK_SECRET_PARAM": webhook_secret_name,
                "SENDER_EMAIL": SENDER_EMAIL,
                "SES_CONFIGURATION_SET": resources.configuration_set,
                "ADMIN_TOKEN": self.admin_token,
                "OUTBOX_DIR": str(self.outbox_dir),
                # Matches the local queue's visibility timeout (infra/local/aws.py).
                "EMAIL_CLAIM_TIMEOUT_SECONDS": "60",
            }
        )
        if offline:
            os.environ["STRIPE_API_BASE"] = f"{self.url}/_local/stripe"
            self.stripe = StripeStandIn(
                webhook_url=f"{self.url}/webhooks/stripe",
                webhook_secret=self.webhook_secret,
                public_base_url=base,
                # The webhook function refunds through the stand-in while the server runs it
                # one invocation at a time: the refund's own events must not wait for it.
                background_delivery=True,
            )
        else:
            os.environ.pop("STRIPE_API_BASE", None)

        # Imported only now: the handlers read their settings from the environment above.
        import boto3

        from booking import bootstrap
        from booking.config import settings
        from booking.handlers import admin, api, console, webhook

        bootstrap.reset()
        # Deployed ports, but SES through a client that also writes each message to OUTBOX_DIR.
        ses = CapturingSesClient(boto3.client("sesv2"), self.outbox_dir)
        bootstrap.use(bootstrap.build(settings(), sesv2=ses))
        self.handlers = {
            "api": api.handler,
            "webhook": webhook.handler,
            "admin": admin.handler,
            "console": console.handler,
        }
        self._seed_courses()
        self._start_mail(resources)
        self._server = _LocalHTTPServer(("127.0.0.1", self.port), self._request_handler())

    def _seed_courses(self) -> None:
        from booking.bootstrap import ports
        from booking.services.courses import put_course
        from infra.local.sample import sample_courses

        for course_id, definition in sample_courses(datetime.now(UTC)):
            put_course(ports(), course_id, definition)

    def _start_mail(self, resources: LocalResources) -> None:
        """The stream -> relay and SQS -> mailer event sources, and the reminder schedule."""
        import boto3

        from booking.handlers import mailer, relay, reminders

        stream = StreamRelay(
            resources.table_name, relay.handler, lambda: lambda_context("booking-relay")
        )
        pump = EmailPump(
            boto3.client("sqs"),
            resources.email_queue_url,
            mailer.handler,
            lambda: lambda_context("booking-mailer"),
            relay=stream.pump,
        )
        self.ticker = ReminderTicker(reminders.handler, lambda: lambda_context("booking-reminders"))
        for name, target in (("email-pump", pump.run), ("reminder-ticker", self.ticker.run)):
            thread = threading.Thread(target=target, args=(self._stopping,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _local_mail_route(self, method: str, path: str, body: bytes) -> LocalResponse | None:
        if path == "/_local/outbox" and method == "GET":
            return _json(200, read_outbox(self.outbox_dir))
        if path == "/_local/scheduler/tick" and method == "POST":
            try:
                moment = tick_time(body)
            except ValueError as exc:
                problem = {
                    "code": "invalid_time",
                    "fields": {"time": str(exc)},
                    "message": 'send {"time": "<ISO 8601 with a UTC offset>"}',
                }
                return _json(400, {"error": problem})
            assert self.ticker is not None
            return _json(200, self.ticker.tick(moment))
        return None

    def serve_forever(self) -> None:
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._moto is not None:
            self._moto.stop()

    # -- routing ---------------------------------------------------------------------------

    def dispatch(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> LocalResponse:
        path = urlsplit(target).path
        local = self._local_mail_route(method, path, body)
        if local is not None:
            return local
        if path.startswith("/_local/stripe/") or path == "/_local/stripe":
            if self.stripe is None:
                return _json(
                    404,
                    {
                        "error": {
                            "code": "not_found",
                            "fields": {},
                            "message": "using real Stripe (STRIPE_SECRET_KEY set)",
                        }
                    },
                )
            parts = urlsplit(target)
            return self.stripe.handle(
                method,
                path.removeprefix("/_local/stripe") or "/",
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in headers.items()},
                body,
            )
        # The same routing as the HTTP API in infra/cdk/api.py: anything unmatched goes to the
        # public function, which answers 404 or 405 in the contract's shape.
        if path == "/webhooks/stripe" and method == "POST":
            name = "webhook"
        elif path == "/admin" or path.startswith("/admin/"):
            name = "admin"
        elif path == "/console" or path.startswith("/console/"):
            name = "console"
        else:
            name = "api"
        erasing = name == "admin" and method == "DELETE" and path.startswith("/admin/people/")
        # The person's address as stored (normalised), read before erasure, so that the local
        # outbox can forget the mail sent to them too.
        known = (
            self._invoke(name, http_api_event("GET", target, headers, b"", source_ip))
            if erasing
            else None
        )
        response = self._invoke(name, http_api_event(method, target, headers, body, source_ip))
        if erasing and known is not None and known.status == 200 and response.status == 200:
            exported = json.loads(known.body)
            addresses = {exported["email"]} | {
                a["answers"]["email"] for a in exported["applications"]
            }
            purge_outbox(self.outbox_dir, sorted(addresses))
        return response

    def _invoke(self, name: str, event: dict[str, Any]) -> LocalResponse:
        # One invocation at a time per function, as in one Lambda container: the handler
        # modules keep per-invocation state (the resolver's current event, logger keys).
        with self._function_lock(name):
            answer = self.handlers[name](event, lambda_context(f"booking-{name}"))
        return _from_lambda(answer)

    def _function_lock(self, name: str) -> threading.Lock:
        with _LOCKS_GUARD:
            return self._locks.setdefault(name, threading.Lock())

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        stack = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "booking-local"

            def _handle(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if length < 0:
                    self.close_connection = True  # the body's end cannot be known
                    self._send(_error(400, "bad_request", "Content-Length must be a number"))
                    return
                if length > MAX_REQUEST_BYTES:
                    # Refused on the header, as API Gateway does, without waiting for a body.
                    self.close_connection = True
                    self._send(
                        _json(
                            413,
                            {
                                "error": {
                                    "code": "payload_too_large",
                                    "fields": {},
                                    "message": f"requests are limited to {MAX_REQUEST_BYTES} bytes",
                                }
                            },
                        )
                    )
                    return
                body = self.rfile.read(length) if length else b""
                try:
                    response = stack.dispatch(
                        self.command,
                        self.path,
                        dict(self.headers.items()),
                        body,
                        self.client_address[0],
                    )
                except Exception as exc:  # the local server must survive a handler crash
                    print(f"local server error: {exc!r}", file=sys.stderr)
                    response = _json(
                        500,
                        {
                            "error": {
                                "code": "internal_error",
                                "fields": {},
                                "message": "local server error",
                            }
                        },
                    )
                self._send(response)

            def _send(self, response: LocalResponse) -> None:
                self.send_response(response.status)
                for key, value in response.headers.items():
                    if key.lower() != "content-length":  # set once, below, from the body
                        self.send_header(key, value)
                # API Gateway v2 answers a function's "cookies" with one Set-Cookie each.
                for cookie in getattr(response, "cookies", ()):
                    self.send_header("Set-Cookie", cookie)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            def __getattr__(self, name: str) -> Any:
                # API Gateway's $default route takes every method, and the handlers answer 404
                # or 405 in the contract's shape; http.server would answer 501 to a method it
                # has no do_<METHOD> for.
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

            def send_error(
                self, code: int, message: str | None = None, explain: str | None = None
            ) -> None:
                # http.server's own refusals (request line or headers too long, too many
                # headers, a malformed request line) as the contract's JSON error, not HTML.
                self.close_connection = True
                try:
                    phrase = HTTPStatus(code).phrase
                except ValueError:
                    phrase = "Bad Request"
                code_name = phrase.lower().replace(" ", "_").replace("-", "_")
                self._send(_error(code, code_name, message or phrase))

            def log_message(self, format: str, *args: Any) -> None:
                # Paths only (query strings carry application tokens), emails redacted.
                path = loggable_path(urlsplit(getattr(self, "path", "")).path)
                status = args[1] if len(args) > 1 else ""
                sys.stderr.write(f"{getattr(self, 'command', '-')} {path} {status}\n")

        return RequestHandler


class _LocalHTTPServer(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when a crowd applies at once (load tests).
    request_queue_size = 256
    daemon_threads = True


def _error(status: int, code: str, message: str) -> LocalResponse:
    return _json(status, {"error": {"code": code, "fields": {}, "message": message}})


def _json(status: int, body: Any) -> LocalResponse:
    return LocalResponse(status, {"Content-Type": "application/json"}, json.dumps(body).encode())


@dataclass(frozen=True)
class FunctionResponse(LocalResponse):
    """A function's answer, with the cookies it sets (payload 2.0 keeps them apart)."""

    cookies: tuple[str, ...] = ()


def _from_lambda(answer: dict[str, Any]) -> LocalResponse:
    body = answer.get("body") or ""
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode("utf-8")
    headers = {k: str(v) for k, v in (answer.get("headers") or {}).items()}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    return FunctionResponse(
        int(answer.get("statusCode", HTTPStatus.OK)),
        headers,
        raw,
        tuple(str(cookie) for cookie in answer.get("cookies") or []),
    )


def stack_from_environment(port: int | None = None) -> LocalStack:
    return LocalStack(
        port=port if port is not None else int(os.environ.get("PORT", "8000")),
        outbox_dir=Path(os.environ.get("OUTBOX_DIR", "./outbox")).resolve(),
        admin_token=os.environ.get("ADMIN_TOKEN") or secrets.token_urlsafe(24),
        stripe_secret_key=os.environ.get("STRIPE_SECRET_KEY") or None,
        webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET") or LOCAL_WEBHOOK_SECRET,
        public_base_url=os.environ.get("PUBLIC_BASE_URL") or None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the booking system locally.")
    parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    args = parser.parse_args(argv)
    stack = stack_from_environment(args.port)
    stack.start()
    stopping = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            # shutdown() blocks until serve_forever returns, so it runs on another thread.
            threading.Thread(target=stack.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    mode = (
        "real Stripe test mode" if stack.stripe_secret_key else "offline payments (Stripe stand-in)"
    )
    print(f"Booking system running at {stack.url}  ({mode})", flush=True)
    print(f"  courses:     {stack.url}/courses", flush=True)
    print(f"  console:     {stack.url}/console", flush=True)
    print(f"  admin token: {stack.admin_token}", flush=True)
    print(f"  outbox:      {stack.outbox_dir}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    started = time.monotonic()
    stack.serve_forever()
    print(f"Stopped after {time.monotonic() - started:.0f} s.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
