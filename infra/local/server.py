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
import dataclasses
import logging
import os
import secrets
import signal
import socket
import string
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from infra.local import aws_calls
from infra.local.aws import (
    REGION,
    SENDER_EMAIL,
    LocalResources,
    SerialMotoServer,
    provision,
    store_secrets,
)
from infra.local.clock import LocalClock
from infra.local.front import LOCAL_CLIENT_ID, CognitoStandIn, Front
from infra.local.front import http_api_event as http_api_event  # re-exported: tests, bench
from infra.local.front import lambda_context as lambda_context
from infra.local.http_server import (
    PortUnavailable,
    from_lambda,
    handler_for,
    json_answer,
    listening,
    port_setting,
)
from infra.local.mail import (
    CapturingSesClient,
    EmailPump,
    ReminderTicker,
    address_erased_by,
    addresses_exported,
    purge_outbox,
    read_outbox,
)
from infra.local.outbox_page import outbox_page, wants_page
from infra.local.relay import StreamRelay
from infra.local.stripe_standin import LocalResponse, StripeStandIn
from infra.local.tick import UnknownTickFields, UnreadableTick, tick_refused, tick_time

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
LOCAL_WEBHOOK_SECRET = "whsec_local"  # noqa: S105 - the contract's documented offline default
LOCAL_STRIPE_KEY = "sk_test_local"
# How long ``POST /_local/mail/settle`` waits for the mail to be sent before it says it was not.
MAIL_SETTLE_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    _invocation_lock: threading.Lock = field(default_factory=threading.Lock)
    ticker: ReminderTicker | None = None
    pump: EmailPump | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    front: Front | None = None
    # The clock the functions read: the wall clock, moved only for a tick's run (clock.py).
    clock: LocalClock = field(default_factory=LocalClock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # moto logs every AWS call it answers; the pump alone polls SQS every couple of seconds.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = listening(self.port, handler_for(self))
        # The end-to-end tests ask for every AWS call the handlers make (tests/infra checks
        # them against the deployed roles); nothing is recorded otherwise.
        aws_calls.install_from_environment("tests/e2e/local-server")
        self._moto = SerialMotoServer(self.moto_port)
        self._moto.start()
        endpoint = f"http://127.0.0.1:{self.moto_port}"
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
        # The stand-in for Cognito's hosted sign-in, in front of the console (front.py).
        cognito = CognitoStandIn(self.url, public_base_url=self.base_url)
        os.environ.update(self._function_settings(resources, endpoint, cognito))
        self._start_functions(cognito)
        self._seed_courses()
        self._start_mail(resources)

    @property
    def base_url(self) -> str:
        return (self.public_base_url or self.url).rstrip("/")

    def _function_settings(
        self, resources: LocalResources, endpoint: str, cognito: CognitoStandIn
    ) -> dict[str, str]:
        """The environment CDK gives the functions in AWS, pointed at the local stand-ins.
        Secrets are read from Secrets Manager by name, as in AWS; the organiser token is not
        among them (it stays in front of the functions)."""
        key_name, webhook_secret_name, session_secret_name = store_secrets(
            self.stripe_secret_key or LOCAL_STRIPE_KEY, self.webhook_secret, endpoint
        )
        for plain in (
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "ADMIN_TOKEN",
            "STRIPE_API_BASE",
        ):
            os.environ.pop(plain, None)
        offline = {"STRIPE_API_BASE": f"{self.url}/_local/stripe"}
        return {
            "TABLE_NAME": resources.table_name,
            "EMAIL_QUEUE_URL": resources.email_queue_url,
            "PUBLIC_BASE_URL": self.base_url,
            "STRIPE_SECRET_KEY_PARAM": key_name,
            "STRIPE_WEBHOOK_SECRET_PARAM": webhook_secret_name,
            "SENDER_EMAIL": SENDER_EMAIL,
            "SES_CONFIGURATION_SET": resources.configuration_set,
            "CONSOLE_SESSION_SECRET_PARAM": session_secret_name,
            "COGNITO_DOMAIN": cognito.domain,
            "COGNITO_CLIENT_ID": LOCAL_CLIENT_ID,
            "OUTBOX_DIR": str(self.outbox_dir),
            # Matches the local queue's visibility timeout (infra/local/aws.py).
            "EMAIL_CLAIM_TIMEOUT_SECONDS": "60",
            **({} if self.stripe_secret_key else offline),
        }

    def _start_functions(self, cognito: CognitoStandIn) -> None:
        if not self.stripe_secret_key:
            self.stripe = StripeStandIn(
                webhook_url=f"{self.url}/webhooks/stripe",
                webhook_secret=self.webhook_secret,
                public_base_url=self.base_url,
                # The webhook function refunds through the stand-in while the server runs it
                # one invocation at a time: the refund's own events must not wait for it.
                background_delivery=True,
            )
        # Imported only now: the handlers read their settings from the environment above.
        import boto3

        from booking import bootstrap
        from booking.config import settings
        from booking.handlers import admin, api, console, webhook

        bootstrap.reset()
        # Deployed ports, but SES through a client that also writes each message to OUTBOX_DIR.
        ses = CapturingSesClient(boto3.client("sesv2"), self.outbox_dir)
        built = bootstrap.build(settings(), sesv2=ses)
        bootstrap.use(dataclasses.replace(built, clock=self.clock))
        self.handlers = {
            "api": api.handler,
            "webhook": webhook.handler,
            "admin": admin.handler,
            "console": console.handler,
        }
        # The organiser token is the local stack's alone: the functions never see it.
        self.front = Front(self._invoke, self.admin_token, cognito)

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
        self.pump = pump
        for name, target in (("email-pump", pump.run), ("reminder-ticker", self.ticker.run)):
            thread = threading.Thread(target=target, args=(self._stopping,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _local_mail_route(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> LocalResponse | None:
        if path == "/_local/outbox" and method == "GET":
            # A person in a browser reads the mail; programs get JSON. Either way it is
            # everyone's email: never kept by a cache.
            negotiated = {"Vary": "Accept", "Cache-Control": "no-store"}
            if wants_page(headers):
                html_type = {"Content-Type": "text/html; charset=utf-8", **negotiated}
                return LocalResponse(200, html_type, outbox_page(read_outbox(self.outbox_dir)))
            listed = json_answer(200, read_outbox(self.outbox_dir))
            return LocalResponse(listed.status, {**listed.headers, **negotiated}, listed.body)
        if path == "/_local/mail/settle" and method == "POST":
            # Tests and scripts wait on this rather than on the outbox falling quiet, which a
            # loaded machine stretches past any fixed pause.
            assert self.pump is not None
            if self.pump.settled(timeout=MAIL_SETTLE_SECONDS):
                return json_answer(200, {"settled": True})
            return json_answer(
                503,
                {
                    "error": {
                        "code": "mail_not_settled",
                        "message": f"mail was still being sent after {MAIL_SETTLE_SECONDS} s",
                        "fields": [],
                    }
                },
            )
        if path == "/_local/scheduler/tick" and method == "POST":
            try:
                moment = tick_time(body)
            except UnreadableTick as exc:
                return tick_refused(400, "invalid_json", "body", exc)
            except UnknownTickFields as exc:
                return tick_refused(422, "validation_failed", exc.fields, exc)
            except ValueError as exc:
                return tick_refused(422, "validation_failed", "time", exc)
            assert self.ticker is not None
            # A run at a time of the caller's choosing decides as of that time, on the stack's
            # clock moved to it (a deployed run refuses a time its clock has not reached):
            # the webhooks its Stripe calls cause are handled once it has finished, as Stripe
            # sends them after the call (the minute's own tick runs at the wall clock's time).
            held = self.stripe.webhooks_held() if self.stripe is not None else nullcontext()
            with held, self.clock.reading(moment):
                summary = self.ticker.tick(moment)
            return json_answer(200, summary)
        return None

    def serve_forever(self) -> None:
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self._stopping.set()
        if self.pump is not None:
            # An idle pump waits on its rounds, not on the event (for up to IDLE_SECONDS, which
            # every stop then waited out): woken, it sees the stop at once.
            self.pump.wake()
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
        local = self._local_mail_route(method, path, headers, body)
        if local is not None:
            return local
        if path.startswith("/_local/stripe/") or path == "/_local/stripe":
            if self.stripe is None:
                return json_answer(
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
        assert self.front is not None
        erased = address_erased_by(method, path, body)
        # The person's addresses as stored (normalised), read before erasure, so that the local
        # outbox can forget the mail sent to them too, whichever way the organiser erased them.
        known = (
            from_lambda(
                self.front.handle(
                    "GET",
                    f"/admin/people/{quote(erased, safe='')}",
                    {"authorization": f"Bearer {self.admin_token}"},
                    b"",
                    source_ip,
                )
            )
            if erased
            else None
        )
        response = from_lambda(self.front.handle(method, target, headers, body, source_ip))
        if known is not None and known.status == 200 and response.status == 200:
            purge_outbox(self.outbox_dir, addresses_exported(known.body))
        return response

    def _invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        # One invocation at a time, across the functions: in AWS each runs alone in its own
        # container, but here they share one process, and Powertools keeps the request being
        # resolved on a class attribute every resolver shares (BaseRouter.current_event), so
        # a console form read while the api resolved a request got the api's body. Nothing a
        # function does calls another function and waits (the stand-in delivers in the
        # background), so one lock cannot deadlock.
        changes = self._moto.changes if self._moto is not None else None
        try:
            with self._invocation_lock:
                return self.handlers[name](event, lambda_context(f"booking-{name}"))
        finally:
            # What it wrote (an outbox row: mail to send) is relayed and sent now, not after
            # the idle pump's next poll. An invocation that changed nothing in AWS (a read, a
            # refusal: most of the fuzzers' requests) wakes nobody: the round it started, a
            # stream read and a queue poll, cost the server as much again as the request.
            if self.pump is not None and (changes is None or self._moto.changes != changes):
                self.pump.wake()


TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 32  # about 190 bits


def organiser_token() -> str:
    """A fresh organiser token for `make run`: letters and digits only, so it never starts with
    a `-` (a command line would take it for an option) and needs no quoting anywhere."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def payments_mode(stack: LocalStack) -> str:
    """What the banner says of payments. A key of only whitespace is stored as given, and the
    functions take it for no key (503 ``service_busy`` on every payment): not real Stripe."""
    key = stack.stripe_secret_key
    if not key:
        return "offline payments: the Stripe stand-in"
    if not key.strip():
        return "STRIPE_SECRET_KEY blank: payments not configured, they answer 503 service_busy"
    return "real Stripe test mode"


def stack_from_environment(port: int | None = None) -> LocalStack:
    return LocalStack(
        port=port if port is not None else port_setting(os.environ.get("PORT") or "8000"),
        outbox_dir=Path(os.environ.get("OUTBOX_DIR", "./outbox")).resolve(),
        admin_token=os.environ.get("ADMIN_TOKEN") or organiser_token(),
        stripe_secret_key=os.environ.get("STRIPE_SECRET_KEY") or None,
        webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET") or LOCAL_WEBHOOK_SECRET,
        public_base_url=os.environ.get("PUBLIC_BASE_URL") or None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the booking system locally.")
    parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    args = parser.parse_args(argv)
    try:
        stack = stack_from_environment(args.port)
        stack.start()
    except PortUnavailable as refused:
        print(f"The local stack did not start: {refused}", file=sys.stderr, flush=True)
        return 1
    stopping = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            # shutdown() blocks until serve_forever returns, so it runs on another thread.
            threading.Thread(target=stack.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"Booking system running at {stack.url}  ({payments_mode(stack)})", flush=True)
    print(f"  courses:     {stack.url}/courses", flush=True)
    print(f"  console:     {stack.url}/console", flush=True)
    print(f"  admin token: {stack.admin_token}", flush=True)
    print(f"  outbox:      {stack.outbox_dir}", flush=True)
    # With job control on, `setsid cmd &` forks again and `$!` is not the new group's id:
    # started so (a session of its own), the stack says its group, so whoever started it in
    # the background can stop all of it. Otherwise the group is its caller's: not said.
    group = os.getpgid(0)
    own = f" (or: kill -TERM -- -{group})" if os.getsid(0) == group else ""
    print(f"Press Ctrl-C to stop{own}.", flush=True)
    started = time.monotonic()
    stack.serve_forever()
    print(f"Stopped after {time.monotonic() - started:.0f} s.", flush=True)
    sys.stderr.flush()
    # Everything is written by now (the outbox's files as each email was sent, the servers
    # closed, moto stopped). The interpreter's own teardown would then free every object the
    # in-memory AWS holds, one at a time, which after a long session takes seconds while the
    # terminal waits: there is nothing left that needs it.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
