"""The whole system in one process: real handlers, moto for AWS, the Stripe stand-in.

Requests go through the same API Gateway v2 events the local server builds, and the stand-in
delivers its signed webhooks straight to the webhook handler, so integration tests exercise
exactly the code paths of ``make run`` without sockets.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import boto3

from booking import bootstrap
from booking.adapters.cognito import CognitoSignIn
from booking.adapters.ses_sender import SesSender
from booking.adapters.stripe_gateway import StripeGateway
from booking.config import settings
from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.emails import OutgoingEmail
from booking.domain.groups import GroupBooking
from booking.domain.organisers import SIGN_IN_SCOPES
from booking.handlers import admin, api, console, mailer, relay, reminders, webhook
from infra.local.aws import REGION, LocalResources
from infra.local.clock import LocalClock
from infra.local.front import (
    CognitoStandIn,
    Front,
    http_api_event,
    in_process_opener,
    lambda_context,
)
from infra.local.mail import scheduled_event, sqs_event
from infra.local.relay import StreamRelay, moto_stream_mark
from infra.local.stripe_standin import StripeStandIn
from tests.support.applications import application_body as application_body  # re-exported
from tests.support.openapi_replies import check_reply
from tests.support.stripe_client import InProcessHTTPClient, stripe_client
from tests.support.webhook_signature import stripe_signature

BASE_URL = "http://booking.test"
# The Stripe stand-in's secret key, as a call to its API sends it.
STRIPE_KEY = {"authorization": "Bearer sk_test_local"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
WEBHOOK_SECRET = "whsec_integration"
ADMIN_TOKEN = "integration-admin-token"
CONSOLE_SESSION_SECRET = "integration-console-session-key"
COGNITO = CognitoStandIn(BASE_URL)
COURSE_ID = "compassionate-leadership-test"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    cookies: list[str] = dataclasses.field(default_factory=list)  # Set-Cookie values

    def json(self) -> Any:
        return json.loads(self.body)

    def refused(self, status: int, code: str) -> dict[str, Any]:
        """The error this reply must be: ``status`` with ``code``. Its body: the code, the
        message in words, and the fields where there are any."""
        assert self.status == status, self.body
        error: dict[str, Any] = self.json()["error"]
        assert error["code"] == code, error
        return error


Found = TypeVar("Found")


def _found(named: str | Mapping[str, Any], key: str, read: Callable[[str], Found | None]) -> Found:
    """What ``read`` finds by ``named`` (an id, or an answer naming it under ``key``), which
    must be found."""
    found_id = named if isinstance(named, str) else str(named[key])
    found = read(found_id)
    assert found is not None, found_id
    return found


class System:
    def __init__(
        self, resources: LocalResources, client: Callable[[str], Any] | None = None
    ) -> None:
        """``client``: the AWS clients by service name, when not new from boto3's default
        session (the tests reuse one per service, ``infra.local.aws.client``; the bench counts
        the calls of the clients boto3's default session makes)."""
        self.resources = resources
        new_client = client or boto3.client
        self.webhook_replies: list[Reply] = []
        self.answered: list[tuple[str, int]] = []  # (event id, status) of each delivery
        # (operation, status) of every answer checked against the OpenAPI document.
        self.checked_replies: set[tuple[str, int]] = set()
        # While set, the stand-in's webhooks are lost on the way (as if Stripe gave up).
        self.lose_webhooks = False
        # While set, webhooks wait in `pending` for the test to deliver (late, twice, reordered).
        self.hold_webhooks = False
        self.pending: list[tuple[bytes, dict[str, str]]] = []
        self.clock_offset = timedelta(0)
        # The clock the functions read: ``now``, moved for a scheduled run as the local
        # stack's tick moves it (infra/local/clock.py).
        self.functions_clock = LocalClock(self.now)
        self.standin = StripeStandIn(
            webhook_url=f"{BASE_URL}/webhooks/stripe",
            webhook_secret=WEBHOOK_SECRET,
            public_base_url=BASE_URL,
            deliver=self._deliver,
            clock=lambda: self.now().timestamp(),
        )
        self.stripe_http = InProcessHTTPClient(self.standin)
        self.dynamodb = new_client("dynamodb")
        self.sqs = new_client("sqs")
        # Every email the mailer sent (through moto's SES), in order: see `deliver_emails`.
        self.sent: list[OutgoingEmail] = []
        ses = SesSender(new_client("sesv2"), settings().sender_email)
        # What stands in front of the functions under `make run`: API Gateway's routing and
        # JWT authorizer, and Cognito's sign-in with the organiser token.
        handlers = {"api": api, "admin": admin, "console": console, "webhook": webhook}
        self.front = Front(
            lambda name, event: handlers[name].handler(event, lambda_context(f"booking-{name}")),
            ADMIN_TOKEN,
            # COGNITO's domain and client, on this system's clock (tests move time).
            CognitoStandIn(COGNITO.base_url, clock=lambda: self.now().timestamp()),
        )
        # The deployed composition (bootstrap), with the test's clock and Stripe client, and
        # the console's Cognito adapter talking to the stand-in without sockets.
        self.ports = dataclasses.replace(
            bootstrap.build(settings(), dynamodb=self.dynamodb, sqs=self.sqs),
            payment_gateway_factory=self._gateway,
            sender_factory=lambda: _Recording(ses, self.sent),
            sign_in_factory=lambda: CognitoSignIn(
                COGNITO.domain,
                COGNITO.client_id,
                SIGN_IN_SCOPES,
                opener=in_process_opener(self.front),
                clock=self.now,
            ),
            clock=self.functions_clock,
        )
        bootstrap.use(self.ports)
        # Lambda's stream event source: new outbox items to the relay, then to the queue (read
        # only when moto's stream has changed since the last read).
        self.stream = StreamRelay(
            resources.table_name,
            relay.handler,
            lambda: lambda_context("booking-relay"),
            client,
            grown=moto_stream_mark(resources.table_name, REGION),
        )
        # While set, the stream is not relayed after each call (a test relays by hand).
        self.hold_stream = False

    def now(self) -> datetime:
        """The system's clock: real time, moved forward by tests that need hours to pass."""
        return datetime.now(UTC) + self.clock_offset

    def _gateway(self) -> StripeGateway:
        return StripeGateway(stripe_client(self.stripe_http))

    def _deliver(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if self.lose_webhooks:
            return 0
        if self.hold_webhooks:
            self.pending.append((body, headers))
            return 200
        reply = self.webhook(body, headers)
        self.webhook_replies.append(reply)
        self.answered.append((str(json.loads(body).get("id", "")), reply.status))
        return reply.status

    # -- entry points ------------------------------------------------------------------------

    def api(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        body = b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("content-type", "application/json")
        elif form is not None:
            body = urlencode(form).encode()
            sent.setdefault("content-type", "application/x-www-form-urlencoded")
        elif raw is not None:
            body = raw
        reply = _reply(self.front.handle(method, path, sent, body, "198.51.100.7"))
        self.relay()
        return self._documented(method, path, reply)

    def deliver_emails(self) -> list[OutgoingEmail]:
        """Run the mailer on every queued job, as the queue's event source would; returns the
        emails this sent (each is also in ``sent``, and parsed back by the test guard)."""
        before = len(self.sent)
        url = self.resources.email_queue_url
        while True:
            self.relay()
            messages: list[dict[str, Any]] = [
                dict(m)
                for m in self.sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
                ).get("Messages", [])
            ]
            if not messages:
                return self.sent[before:]
            answer = mailer.handler(
                sqs_event(messages, "arn:aws:sqs:eu-west-2:1:q"), lambda_context("booking-mailer")
            )
            assert answer == {"batchItemFailures": []}, answer
            for message in messages:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def scheduled_run(self, moment: datetime) -> dict[str, Any]:
        """The reminders function on EventBridge's event for ``moment``, as the local
        scheduler's tick runs it: the functions' clock reads ``moment`` for the run (the
        system's own clock untouched), and the webhooks its Stripe calls cause are handled
        after it."""
        with self.standin.webhooks_held(), self.functions_clock.reading(moment):
            answer: dict[str, Any] = reminders.handler(
                scheduled_event(moment), lambda_context("booking-reminders")
            )
        self.relay()
        return answer

    def relay(self) -> int:
        """Move new outbox items to the email queue, as the stream's relay function does."""
        return 0 if self.hold_stream else self.stream.pump()

    def _documented(self, method: str, path: str, reply: Reply) -> Reply:
        """Every answer must be one the OpenAPI document describes (tests/support)."""
        checked = check_reply(
            method, path, reply.status, reply.headers.get("content-type", ""), reply.body
        )
        if checked is not None:
            self.checked_replies.add(checked)
        return reply

    def admin(
        self, method: str, path: str, *, json_body: Any = None, token: str | None = ADMIN_TOKEN
    ) -> Reply:
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        if method in ("POST", "PUT") and json_body is None:
            json_body = {}
        return self.api(method, f"/admin{path}", json_body=json_body, headers=headers)

    def webhook(self, body: bytes, headers: dict[str, str], *, base64_body: bool = False) -> Reply:
        event = http_api_event("POST", "/webhooks/stripe", headers, body, "198.51.100.8")
        if base64_body:
            import base64

            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
        reply = _reply(webhook.handler(event, lambda_context("booking-webhook")))
        self.relay()
        return self._documented("POST", "/webhooks/stripe", reply)

    def signed_webhook(self, body: bytes) -> Reply:
        """``body`` delivered to the webhook signed, as Stripe would sign it, with our secret."""
        return self.webhook(body, {"stripe-signature": stripe_signature(body, WEBHOOK_SECRET)})

    def stripe_local(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        response = self.standin.handle(method, path, {}, headers or {}, body)
        return Reply(response.status, response.headers, response.body.decode())

    def refund_at_stripe(
        self, payment_intent: str | None, amount: int | None = None, *, status: int = 200
    ) -> Reply:
        """A refund made at Stripe itself (its API or dashboard, not asked from here) of
        ``amount`` of ``payment_intent`` (all that is left when None): the stand-in's answer,
        which must be ``status``. Its events reach the webhook as Stripe's do (or wait in
        ``pending`` while ``hold_webhooks``)."""
        assert payment_intent is not None
        fields = {"payment_intent": payment_intent}
        if amount is not None:
            fields["amount"] = str(amount)
        headers = {**STRIPE_KEY, **FORM}
        reply = self.stripe_local("POST", "/v1/refunds", urlencode(fields).encode(), headers)
        assert reply.status == status, reply.body
        return reply

    def payment_gone(self, payment_intent: str) -> None:
        """Stripe holds no such payment any more (another account's, say)."""
        with self.standin._store.lock:
            del self.standin._store.payment_intents[payment_intent]

    def checkout_session(self, session: str) -> dict[str, Any]:
        """The Checkout Session as Stripe's API gives it back (``session``: its id, or the
        checkout URL that ends with it)."""
        session_id = session.rsplit("/", 1)[-1]
        reply = self.stripe_local("GET", f"/v1/checkout/sessions/{session_id}", headers=STRIPE_KEY)
        assert reply.status == 200, reply.body
        return dict(reply.json())

    def stripe_invoice(self, invoice: str) -> dict[str, Any]:
        """The invoice as Stripe's API gives it back (``invoice``: its id, or the pay URL that
        ends with it)."""
        invoice_id = invoice.rsplit("/", 1)[-1]
        reply = self.stripe_local("GET", f"/v1/invoices/{invoice_id}", headers=STRIPE_KEY)
        assert reply.status == 200, reply.body
        return dict(reply.json())

    # -- conveniences ------------------------------------------------------------------------

    def put_course(self, course_id: str, definition: Any) -> None:
        from booking.domain.course import CourseDefinition
        from booking.services.courses import put_course

        put_course(self.ports, course_id, CourseDefinition.model_validate(definition))

    def course_file(self, course_id: str = COURSE_ID) -> dict[str, Any]:
        """The course file ``course_id`` was last loaded from, as JSON (to load it again with
        a change)."""
        course = self.ports.repository.get_course(course_id)
        assert course is not None, course_id
        return course.definition.model_dump(mode="json")

    def one_session_file(self, **changes: Any) -> dict[str, Any]:
        """A course file of one place at £200 with one session, on the sample cohort's first
        day from 15:00 to 17:00; ``changes`` replaces or adds any field."""
        first_day = self.course()["sessions"][0]["start"][:10]
        return {
            "title": "Small cohort",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 1,
            "sessions": [{"date": first_day, "start_time": "15:00", "end_time": "17:00"}],
            **changes,
        }

    def approval_course(self, course_id: str = "approval-course", **changes: Any) -> str:
        """``course_id`` loaded as a course of five places whose applications wait for review,
        on the sample cohort's first two days (``changes``: any other field): its id."""
        self.put_course(
            course_id,
            {
                "title": "Approval course",
                "price": {"amount": 20000},
                "capacity": 5,
                "approval_required": True,
                "sessions": [
                    {"date": s["start"][:10], "start_time": "15:00", "end_time": "17:00"}
                    for s in self.course()["sessions"][:2]
                ],
                **changes,
            },
        )
        return course_id

    def paid_and_refunded_unheard(self) -> dict[str, Any]:
        """An application paid, then its payment refunded at Stripe, with every webhook held
        (in ``pending``): the application as answered."""
        application: dict[str, Any] = self.apply().json()
        self.hold_webhooks = True
        assert self.pay(application["checkout_url"]).status == 200
        session_id = urlsplit(application["checkout_url"]).path.rsplit("/", 1)[-1]
        refunded = self.stripe_local("POST", f"/checkout/{session_id}/refund")
        assert refunded.status == 200, refunded.body
        return application

    def small_course(self) -> datetime:
        """The one-place course "small" loaded, offers held 48 h: its first session's start."""
        definition = self.one_session_file(
            programme="compassionate-leadership",
            facilitators=["facilitator@example.org"],
            offer_valid_hours=48,
        )
        assert self.admin("PUT", "/courses/small", json_body=definition).status == 201
        return self.first_start("small")

    def closing_marked_twice_from_one_read(
        self, application_id: str, course_id: str, closes: datetime
    ) -> None:
        """Two closing sweeps that read ``application_id`` before either saved its told mark:
        the first write is kept, the second (from the same read) must be refused."""
        from booking.domain.errors import StaleWrite
        from booking.domain.offer_ends import wait_ended_by_closing

        read = self.stored(application_id)
        course = self.ports.repository.get_course(course_id)
        assert course is not None
        self.ports.repository.save(wait_ended_by_closing(read, course, closes), read)
        try:
            self.ports.repository.save(wait_ended_by_closing(read, course, closes), read)
        except StaleWrite:
            return
        raise AssertionError("a second write from the same read was kept")

    def first_start(self, course_id: str = COURSE_ID) -> datetime:
        """When the course's first session starts, as the course answers it."""
        return datetime.fromisoformat(self.course(course_id)["sessions"][0]["start"])

    def made_code(self, course_id: str = COURSE_ID, **terms: Any) -> dict[str, Any]:
        """The organiser makes a discount code on ``course_id`` with ``terms`` (the API's
        body), which must succeed: the code as answered."""
        made = self.admin("POST", f"/courses/{course_id}/discount-codes", json_body=terms)
        assert made.status == 201, made.body
        return dict(made.json())

    def apply(self, course_id: str = COURSE_ID, **overrides: Any) -> Reply:
        return self.api(
            "POST", f"/courses/{course_id}/applications", json_body=application_body(**overrides)
        )

    def totals(self, course_id: str = COURSE_ID) -> dict[str, Any]:
        """The course's money as the organiser API totals it, which must be read."""
        reply = self.admin("GET", f"/courses/{course_id}/totals")
        assert reply.status == 200, reply.body
        return dict(reply.json())

    def booked(self, course_id: str = COURSE_ID, **overrides: Any) -> dict[str, Any]:
        """An application made (:meth:`apply`) and paid by card at its Checkout, both of which
        must succeed: the application's answer. The emails it sent are not delivered."""
        applied = self.apply(course_id, **overrides)
        assert applied.status == 201, applied.body
        answer = dict(applied.json())
        assert self.pay(answer["checkout_url"]).status == 200
        return answer

    def pay(self, checkout_url: str) -> Reply:
        return self.pay_session(urlsplit(checkout_url).path.rsplit("/", 1)[-1])

    def pay_session(self, session_id: str, *, delayed: bool = False) -> Reply:
        """Checkout session ``session_id`` paid on the stand-in's page: by card, or by a delayed
        method (Bacs, SEPA) when ``delayed``, its money settling later (:meth:`settle_session`)."""
        body = b"async=true" if delayed else b""
        return self.stripe_local("POST", f"/checkout/{session_id}/pay", body, FORM)

    def paid_by_bank_debit(self, application: Mapping[str, Any]) -> None:
        """``application``'s checkout paid by a delayed method (Bacs, SEPA): its money on its
        way, which the booking must say (``payment_pending``)."""
        session_id = urlsplit(application["checkout_url"]).path.rsplit("/", 1)[-1]
        assert self.pay_session(session_id, delayed=True).status == 200
        assert self.stored(application).payment_pending

    def paying_by_bank_debit(self, course_id: str = COURSE_ID, **overrides: Any) -> dict[str, Any]:
        """An application made (:meth:`apply`, which must succeed) and its checkout paid by a bank
        debit still settling (:meth:`paid_by_bank_debit`): the application's answer."""
        applied = self.apply(course_id, **overrides)
        assert applied.status == 201, applied.body
        application = dict(applied.json())
        self.paid_by_bank_debit(application)
        return application

    def settle_session(self, session_id: str, *, succeeded: bool = True) -> Reply:
        """The bank's word on ``session_id``'s delayed payment: it settled, or it failed."""
        result = b"result=succeeded" if succeeded else b"result=failed"
        return self.stripe_local("POST", f"/checkout/{session_id}/async", result, FORM)

    def debit_invoice(self, invoice_id: str) -> Reply:
        """Invoice ``invoice_id`` paid on the stand-in's page by bank debit: processing at the
        bank until its word comes (:meth:`settle_invoice`)."""
        return self.stripe_local("POST", f"/invoices/{invoice_id}/pay", b"async=true", FORM)

    def settle_invoice(self, invoice_id: str, *, succeeded: bool = True) -> Reply:
        """The bank's word on the debit of ``invoice_id``: it settled, or it failed."""
        result = b"result=succeeded" if succeeded else b"result=failed"
        return self.stripe_local("POST", f"/invoices/{invoice_id}/async", result, FORM)

    def mark_invoice_paid(self, invoice_id: str) -> Reply:
        """Invoice ``invoice_id`` marked paid at Stripe (its dashboard's *Mark as paid*, paid
        out of band): no payment is taken."""
        path = f"/v1/invoices/{invoice_id}/pay"
        return self.stripe_local("POST", path, b"paid_out_of_band=true", {**STRIPE_KEY, **FORM})

    def mark_attendance(self, course_id: str, application_id: str, session: str, mark: str) -> None:
        """The organisers' register marks ``application_id`` ``mark`` at ``session`` of
        ``course_id`` (``POST /admin/courses/{id}/register/marks``), which must be taken."""
        reply = self.admin(
            "POST",
            f"/courses/{course_id}/register/marks",
            json_body={"application_id": application_id, "session": session, "mark": mark},
        )
        assert reply.status == 200, reply.body

    def grant_bursary(self, application: Mapping[str, Any], amount: object) -> Reply:
        """An organiser funds ``amount`` (minor units) of the application's place; any JSON
        value may be sent, as the tests of bad amounts do."""
        path = f"/applications/{application['application_id']}/bursary"
        return self.admin("POST", path, json_body={"amount": amount})

    def bursary_refused(self, application: Mapping[str, Any], amount: int, code: str) -> str:
        """A bursary of ``amount`` for ``application`` refused with 409 ``code``, no bursary
        written and nobody emailed: the words it was refused in."""
        error = self.grant_bursary(application, amount).refused(409, code)
        assert self.stored(application).bursary == 0
        assert self.deliver_emails() == []
        return str(error["message"])

    def cancel(self, application_id: str, *, refund: bool | None = True) -> Reply:
        """An organiser cancels the application, asking for what was paid back or not
        (``refund``; None: the request says nothing of a refund): the answer."""
        body = {} if refund is None else {"refund": refund}
        return self.admin("POST", f"/applications/{application_id}/cancel", json_body=body)

    def status_of(self, application: Mapping[str, Any]) -> dict[str, Any]:
        """The application as its person sees it (by its token), which must be found."""
        reply = self.api(
            "GET", f"/applications/{application['application_id']}?token={application['token']}"
        )
        assert reply.status == 200, reply.body
        return dict(reply.json())

    def status_page(self, application: Mapping[str, Any]) -> str:
        """The application's page as its person's browser gets it (by its token): its HTML,
        which must be found."""
        path = f"/applications/{application['application_id']}?token={application['token']}"
        reply = self.api("GET", path, headers={"accept": "text/html"})
        assert reply.status == 200, reply.body
        return reply.body

    def stored(self, application: str | Mapping[str, Any]) -> Application:
        """The application (its id, or an answer naming it) as the repository holds it, which
        must be found."""
        return _found(application, "application_id", self.ports.repository.get_application)

    def payment_of(self, application: Mapping[str, Any]) -> str:
        """The payment the stored application recorded, which it must have."""
        stored = self.stored(application)
        assert stored.payment_intent is not None
        return stored.payment_intent

    def restart_checkout(self, application: Mapping[str, Any]) -> Reply:
        """The applicant's *Pay now* from their status page: a Checkout for the application,
        asked with its token."""
        path = f"/applications/{application['application_id']}/checkout"
        return self.api("POST", f"{path}?token={application['token']}")

    def act_on(self, application_id: str, action: str, **body: Any) -> Reply:
        """An organiser's ``POST /admin/applications/{id}/{action}`` with ``body``."""
        return self.admin("POST", f"/applications/{application_id}/{action}", json_body=body)

    def stored_course(self, course_id: str) -> Course:
        """The course as the repository holds it, which must be found."""
        return _found(course_id, "course_id", self.ports.repository.get_course)

    def stored_group(self, group: str | Mapping[str, Any]) -> GroupBooking:
        """The group booking (its id, or an answer naming it) as the store holds it, which
        must be found."""
        return _found(group, "group_id", self.ports.groups.get_group)

    def course(self, course_id: str = COURSE_ID) -> dict[str, Any]:
        reply = self.api("GET", f"/courses/{course_id}")
        assert reply.status == 200, reply.body
        return dict(reply.json())

    def items(self) -> list[dict[str, Any]]:
        """Every item in the table (a scan: tests only)."""
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=self.resources.table_name)
        return [item for page in pages for item in page.get("Items", [])]

    def applications(self) -> list[dict[str, Any]]:
        return [i for i in self.items() if i["sk"]["S"] == "APP"]

    def stored_document(self, application_id: str) -> dict[str, Any]:
        """The application's document as its table item holds it (the JSON, not the model
        read from it), which must be found once."""
        [item] = [i for i in self.applications() if i["pk"]["S"] == f"APP#{application_id}"]
        return dict(json.loads(item["doc"]["S"]))


@dataclass
class _Recording:
    real: SesSender
    sent: list[OutgoingEmail]

    def send(self, message: OutgoingEmail) -> str:
        message_id = self.real.send(message)
        self.sent.append(message)
        return message_id


def _reply(answer: dict[str, Any]) -> Reply:
    headers = {k.lower(): str(v) for k, v in (answer.get("headers") or {}).items()}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    return Reply(
        int(answer["statusCode"]),
        headers,
        answer.get("body") or "",
        [str(cookie) for cookie in answer.get("cookies") or []],
    )
