"""A hypothesis state machine over the whole booking lifecycle, against moto and the Stripe fake.

Random applicants apply to a small pay-now course, a small approval course and a small course
paid by card or employer invoice, some with a discount code (codes of one or two uses, some
expiring within hours, some covering the whole price, one covering what a bursary leaves);
payments, invoices paid, voided, marked uncollectible or overdue, expiries, refunds, bursaries
and cancellations happen in any order; Stripe's webhooks are held back, delivered late, twice,
or out of order; organisers approve and decline, fund places, void invoices, raise and lower
the capacity, and erase people; signed events arrive that do not match what was asked (another
amount, another currency, a session the application never had, an invoice's event naming
another application); the scheduled sweep runs at random later times; applications close (an
approval then refused, the waiting list told once by the reminders tick, run again and
overlapping) and a course's dates move with groups booked and lists told. After every step the
invariants below must hold (no seat and no code use beyond its limit); at the end the money
each application records equals the money Stripe kept for it, a confirmed booking paid exactly
what was due, and what the roster says of each invoice and each discount is what Stripe holds.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, cast
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)
from moto import mock_aws

from booking import bootstrap
from booking.adapters.dynamodb.schema import enrolment_key
from booking.domain.application import ALLOWED_TRANSITIONS, Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.cohort_currency import counted_in, group_counted
from booking.domain.emails import EmailJob, EmailKind, instant_token
from booking.domain.enrolments import colleagues_enrolled, enrolled_on
from booking.domain.given_back import given_back_total
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import APPLY_BY_MOVED, GroupStatus, fills_a_group_place
from booking.domain.limits import (
    Holding,
    Limited,
    code_course,
    holdings,
    holds_code_use,
    waiting_places,
)
from booking.domain.offer_ends import (
    APPLICATIONS_CLOSED,
    may_offer,
    waiting_list_closed,
    waiting_list_to_tell,
)
from booking.domain.provider_objects import invoices_ever_issued
from booking.domain.wording import status_shown
from booking.services.invoice_requests import invoice_due
from booking.services.lifecycle import sweep
from booking.services.mailer import send_email_job
from booking.services.reminders import remind_swept
from booking.services.sweep import erasures_at_provider
from booking.services.wait_closed import tell_closed_waiting_lists
from infra.local import aws
from tests.property.erasure_steps import ErasureSteps
from tests.property.off_stripe_steps import PaidOffStripeSteps
from tests.support.console import ConsoleBrowser
from tests.support.exploration import noted, seeded, soak_seed
from tests.support.frame_stack import on_roomy_frame_stack
from tests.support.invoiced import BILLING
from tests.support.system import (
    ADMIN_TOKEN,
    BASE_URL,
    COGNITO,
    CONSOLE_SESSION_SECRET,
    WEBHOOK_SECRET,
    System,
    application_body,
)
from tests.support.webhook_signature import stripe_signature

if TYPE_CHECKING:
    # Hypothesis' own name for a machine's TestCase: unittest's, with its settings and runTest.
    from hypothesis.stateful import _StateMachineTestCase

PAY_NOW, REVIEWED, INVOICED = "pay-now", "reviewed", "invoiced"
# A cohort of the same programme at £150, paid now: bookings move to it and back (transfers).
CHEAPER = "cheaper"
COURSES = (PAY_NOW, REVIEWED, INVOICED, CHEAPER)
PRICES = {CHEAPER: 15000}
CAPACITY = 2
EXAMPLES = int(os.environ.get("LIFECYCLE_EXAMPLES", "200"))
# Enough failures for every request an erasure makes: Stripe down throughout it.
STRIPE_DOWN = 200
# The instant every example starts at, its clock frozen there (time passes only by its own
# steps, ``clock_offset``): what a step meets (a course's first day, a code's lapse, an
# invoice's due date over a weekend or a bank holiday) never depends on the hour the run
# starts, so CI's fixed seed is the same run at any hour (it once failed across midnight).
CI_INSTANT = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


def frozen_at() -> datetime:
    """The instant each example starts at: CI's, or one the soak's seed picks within a year
    (so each soak starts at another hour and day, and its seed replays it)."""
    drawn = soak_seed()
    return CI_INSTANT if drawn is None else CI_INSTANT + timedelta(minutes=drawn % 527_040)


# Hundreds of whole lifecycles take minutes on two cores: more than the suite's per-test bound.
pytestmark = pytest.mark.timeout(3600)
# Each course's discount codes: one or two uses, some lapsing within hours (time passes in
# steps of up to 50 hours), some bringing the price to nothing, alone or with a £100 bursary.
CODES: dict[str, tuple[dict[str, Any], ...]] = {
    PAY_NOW: (
        {"code": "HALF-PRICE", "percent_off": 50, "max_uses": 2},
        {"code": "ALL-FREE", "percent_off": 100, "max_uses": 1, "lasts_hours": 6},
    ),
    INVOICED: (
        {"code": "FIVE-OFF", "amount_off": 5000, "max_uses": 2},
        {"code": "LESS-150", "amount_off": 15000, "max_uses": 1},
        {"code": "FREE-INVOICE", "percent_off": 100, "max_uses": 1, "lasts_hours": 30},
    ),
    REVIEWED: ({"code": "REVIEWED-TEN", "percent_off": 50, "max_uses": 1, "lasts_hours": 6},),
    CHEAPER: (),
}
SEATED = (S.CONFIRMED, S.OFFERED, S.AWAITING_INVOICE_PAYMENT)


# A group booking as the rules draw it: its course, how many places, paid by invoice or card;
# and a filled one, with how many colleagues then apply through their links.
class GroupDrawn(TypedDict):
    """The rules' arguments for a group booking, by name: what each is drawn from."""

    course: st.SearchStrategy[str]
    size: st.SearchStrategy[int]
    by_invoice: st.SearchStrategy[bool]


class FilledGroupDrawn(GroupDrawn):
    applying: st.SearchStrategy[int]


A_GROUP: GroupDrawn = {
    "course": st.sampled_from([PAY_NOW, INVOICED]),
    "size": st.integers(1, 2),
    "by_invoice": st.booleans(),
}
A_FILLED_GROUP: FilledGroupDrawn = {**A_GROUP, "applying": st.integers(0, 2)}


def _definition(
    course: str, capacity: int = CAPACITY, session: dict[str, str] | None = None
) -> dict[str, Any]:
    """``course``'s definition: its one session 60 days on at 15:00, or ``session`` (a start an
    organiser brought forward)."""
    first_day = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    if session is None:
        session = {"date": first_day, "start_time": "15:00", "end_time": "17:00"}
    return {
        "programme": "compassionate-leadership",
        "title": f"{course} cohort",
        "price": {"amount": PRICES.get(course, 20000), "currency": "gbp"},
        "capacity": capacity,
        "approval_required": course == REVIEWED,
        "invoice_allowed": course != PAY_NOW,
        "offer_valid_hours": 48,
        "sessions": [session],
    }


class ReusedAws:
    """moto's AWS made once for a run of many examples, and emptied before each one.

    Starting moto and provisioning it again for every example cost about a twentieth of the
    machine's time and told nothing: each example still starts from nothing, as
    ``infra.local.aws.emptied`` makes the table and the queues new (and every example makes
    its own System, so its own Stripe stand-in). A machine made while none runs (the runs
    worked out by hand below) starts and stops moto of its own, as before.
    """

    def __init__(self) -> None:
        self._mock: Any = None
        self._resources: aws.LocalResources | None = None
        self._handed_out = False

    @property
    def running(self) -> bool:
        return self._mock is not None

    def start(self) -> None:
        self._mock = mock_aws()
        self._mock.start()
        try:
            self._resources = aws.provision()
        except BaseException:
            # unittest calls no tearDown when setUp raises: moto would stay patched into
            # every later test of the worker.
            self.stop()
            raise
        self._handed_out = False

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
        self._mock, self._resources = None, None

    def resources_for_next_example(self) -> aws.LocalResources:
        """The resources for the next example: new the first time, emptied after (the table
        and the queues made new, and what the last example sent through SES forgotten)."""
        assert self._resources is not None, "ReusedAws.start() first"
        if self._handed_out:
            self._resources = aws.emptied(self._resources)
            _forget_sent_mail()
        self._handed_out = True
        return self._resources


def _forget_sent_mail() -> None:
    """moto's SES keeps every message sent (raw MIME with its calendars) for as long as it
    runs: over a soak's hundreds of examples a shard, memory that tells nothing, and mail an
    example could read from the one before."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID][aws.REGION]
    backend.sent_messages.clear()
    backend.sent_message_count = 0


# Started around each shard's run of examples (shard_case), stopped after it.
REUSED_AWS = ReusedAws()


class _ListedBefore:
    """The repository as a run sees it that listed each course's applications before another
    run wrote (``listed``: by course); every other read and write is the repository's own. Two
    reminders ticks at once, without threads (moto in process is not thread-safe)."""

    def __init__(self, repository: Any, listed: dict[str, list[Any]]) -> None:
        self._repository = repository
        self._listed = listed

    def list_applications(self, course_id: str) -> list[Any]:
        return list(self._listed[course_id])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repository, name)


class BookingLifecycle(ErasureSteps, PaidOffStripeSteps, RuleBasedStateMachine):
    applications = Bundle("applications")
    invoiced = Bundle("invoiced")  # applied for by invoice (also in `applications`)

    def __init__(self) -> None:
        super().__init__()
        # Frozen for this example alone, from before anything reads the clock until teardown.
        self._frozen = time_machine.travel(frozen_at(), tick=False)
        self._frozen.start()
        try:
            self._made()
        except BaseException:
            self._frozen.stop()
            raise

    def _made(self) -> None:
        self._aws: Any = None  # moto of its own, when no ReusedAws runs
        if REUSED_AWS.running:
            resources = REUSED_AWS.resources_for_next_example()
        else:
            self._aws = mock_aws()
            self._aws.start()
            resources = aws.provision()
        self._saved_environ = dict(os.environ)
        os.environ.update(
            {
                "AWS_DEFAULT_REGION": aws.REGION,
                "TABLE_NAME": resources.table_name,
                "EMAIL_QUEUE_URL": resources.email_queue_url,
                "PUBLIC_BASE_URL": BASE_URL,
                "STRIPE_SECRET_KEY": "sk_test_local",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "ADMIN_TOKEN": ADMIN_TOKEN,
                # The console's settings, as the local stack and the integration tests give them.
                "CONSOLE_SESSION_SECRET": CONSOLE_SESSION_SECRET,
                "COGNITO_DOMAIN": COGNITO.domain,
                "COGNITO_CLIENT_ID": COGNITO.client_id,
            }
        )
        bootstrap.reset()
        self.system = System(resources, aws.client)
        self.system.hold_webhooks = True
        for course_id in COURSES:
            self.system.put_course(course_id, _definition(course_id))
            for terms in CODES[course_id]:
                code = {k: v for k, v in terms.items() if k != "lasts_hours"}
                if "lasts_hours" in terms:
                    lapses = self.system.now() + timedelta(hours=terms["lasts_hours"])
                    code["expires_at"] = lapses.isoformat()
                made = self.system.admin(
                    "POST", f"/courses/{course_id}/discount-codes", json_body=code
                )
                assert made.status == 201, made.body
        self.submitted: dict[str, dict[str, Any]] = {}  # application id -> its first answer
        self.emails: dict[str, str] = {}  # application id -> the address it applied with
        self.erased: set[str] = set()
        self.erased_named: dict[str, tuple[str, ...]] = {}  # each email erased: its names
        self.jobs_sent: set[str] = set()  # email jobs the erasure steps sent through the mailer
        self.erasure_touched: set[str] = set()  # bookings and groups that named an erased email
        self.ever_confirmed: set[str] = set()
        # Paid in sessions someone else made naming an application: no application records
        # them (only the one that made a session is believed); each goes back in full.
        self.foreign_payments: Counter[str] = Counter()
        self.given_back_by_hand: Counter[str] = Counter()  # by application, as recorded here
        self.sequence = 0
        self.groups_made: dict[str, dict[str, Any]] = {}  # group id -> the manager's answer
        self.voided_by_organiser: set[str] = set()  # groups whose invoice an organiser voided
        # The applications as read once for all the invariants of a step (check_invariants).
        self._applications_this_step: dict[str, Any] | None = None
        self._courses_this_step: dict[str, Any] | None = None
        self._groups_this_step: list[Any] | None = None
        # The applications and groups (by id) as the last step's invariants read them: what a
        # group's refund at Stripe is judged against (which places were held before it).
        self._last_seen: tuple[dict[str, Any], dict[str, Any]] | None = None
        self._jobs_drained = False  # the email queue read once for a step's invariants
        # The refund afterwards and the course beginning steps: each checkout session paid,
        # when the person completed it at Stripe and when Stripe took the money (a delayed
        # method: later); each course's session an organiser brought forward; the bookings an
        # organiser refunded afterwards (the Refund action's first 200).
        self.completed_at: dict[str, datetime] = {}
        self.paid_at: dict[str, datetime] = {}
        self.moved_sessions: dict[str, dict[str, str]] = {}
        self.refunded_afterwards: set[str] = set()
        # Each course's closings (by their token, as wait_ended emails name them) at any step's
        # end: a closing a "your wait has ended" email names is one its course had.
        self.closings: dict[str, set[str]] = {}
        for course_id in COURSES:
            self._note_closing(course_id)

    def teardown(self) -> None:
        try:
            self._quiesce_and_check_money()
        finally:
            bootstrap.reset()
            if self._aws is not None:
                self._aws.stop()
            os.environ.clear()
            os.environ.update(self._saved_environ)
            self._frozen.stop()

    # -- helpers ------------------------------------------------------------------------

    def _stored(self) -> dict[str, Any]:
        if self._applications_this_step is not None:
            return self._applications_this_step
        return {
            a.application_id: a
            for course in COURSES
            for a in self.system.ports.repository.list_applications(course)
        }

    def check_invariants(self, *args: Any, **kwargs: Any) -> None:
        """Every invariant of a step judges one read of the applications: nothing between them
        writes one, and five reads of every application after every step were a third of the
        machine's time."""
        self._as_one_step(lambda: super(BookingLifecycle, self).check_invariants(*args, **kwargs))

    def _as_one_step(self, check: Callable[[], None]) -> None:
        """``check`` the invariants on one read of what they judge, which the next step's
        check compares with."""
        try:
            self._applications_this_step = self._stored()
            # So too the courses and the groups: each invariant read them again, four times a
            # step. Taken inside the try: a read that fails leaves no snapshot for teardown.
            self._courses_this_step = {}
            self._groups_this_step = self._groups()
            check()
            groups = {group.group_id: group for group in self._groups_this_step}
            self._last_seen = (self._applications_this_step, groups)
        finally:
            self._applications_this_step = None
            self._courses_this_step = None
            self._groups_this_step = None
            self._jobs_drained = False

    def _course(self, course_id: str) -> Any:
        """The course as stored (read once per step while the invariants check it)."""
        if self._courses_this_step is None:
            return self.system.ports.repository.get_course(course_id)
        if course_id not in self._courses_this_step:
            self._courses_this_step[course_id] = self.system.ports.repository.get_course(course_id)
        return self._courses_this_step[course_id]

    def _courses_with_theirs(self, stored: dict[str, Any]) -> Iterator[tuple[str, Any, list[Any]]]:
        """Each course's id, the course as stored (it must be there) and the stored
        applications (``stored``: by id) made to it."""
        for course_id in COURSES:
            course = self._course(course_id)
            assert course is not None
            yield course_id, course, [a for a in stored.values() if a.course_id == course_id]

    def _status(self, application_id: str) -> S:
        stored = self.system.ports.repository.get_application(application_id)
        assert stored is not None, "a submitted application vanished"
        return stored.status

    def _note_confirmations(self) -> None:
        for application_id, stored in self._stored().items():
            if stored.status is S.CONFIRMED:
                self.ever_confirmed.add(application_id)

    def _deliver(self, index: int, keep: bool) -> None:
        pending = self.system.pending
        body, headers = pending[index] if keep else pending.pop(index)
        reply = self.system.webhook(body, headers)
        assert reply.status in (200, 503), reply.body
        if reply.status == 503 and not keep:
            pending.append((body, headers))  # Stripe redelivers what was not acknowledged
        self._note_confirmations()

    def _queued_jobs(self) -> list[EmailJob]:
        self.system.relay()  # what the stream carries from the outbox (sweeps write there too)
        # The process's one SQS client (a new one each call cost more than what it read).
        sqs = self.system.sqs
        url = self.system.resources.email_queue_url
        jobs: list[EmailJob] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
            ).get("Messages", [])
            if not batch:
                break
            for message in batch:
                jobs.append(EmailJob.model_validate_json(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return jobs

    # -- rules --------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self.jobs: list[EmailJob] = []
        self.moved: set[str] = set()  # bookings moved to another cohort (transfers)

    def _apply(self, course: str, key: bool, body: dict[str, Any]) -> Any:
        self.sequence += 1
        headers = {"idempotency-key": f"key-{self.sequence}"} if key else {}
        body = application_body(email=f"p{self.sequence}@example.org") | body
        reply = self.system.api(
            "POST", f"/courses/{course}/applications", json_body=body, headers=headers
        )
        if reply.status == 422:
            fields = reply.json()["error"]["fields"]
            if "payment_method" in fields:  # an invoice asked too close to the start
                target = self.system.ports.repository.get_course(course)
                assert target is not None
                now, days_off = self.system.now(), self.system.ports.bank_holidays
                assert invoice_due(target, now, days_off) is None, reply.body
            else:  # the code was used up (twice already)
                assert "discount_code" in fields, reply.body
            return multiple()
        if reply.status == 409:  # applications close 31 minutes before the course's start
            assert reply.json()["error"]["code"] == "course_closed", reply.body
            closed = self.system.ports.repository.get_course(course)
            assert closed is not None
            assert not closed.accepts_applications(self.system.now())
            return multiple()
        assert reply.status == 201, reply.body
        answer = reply.json()
        self.submitted[answer["application_id"]] = answer
        self.emails[answer["application_id"]] = f"p{self.sequence}@example.org"
        if key:  # a retry with the same key returns the same application
            again = self.system.api(
                "POST", f"/courses/{course}/applications", json_body=body, headers=headers
            )
            assert again.json()["application_id"] == answer["application_id"]
        return str(answer["application_id"])

    @staticmethod
    def _code(course: str, which: int | None) -> dict[str, str]:
        """The course's code number ``which`` (None: no code), as an applicant types it."""
        codes = CODES[course]
        if which is None or not codes:
            return {}
        return {"discount_code": str(codes[which % len(codes)]["code"]).lower()}

    @rule(
        target=applications,
        course=st.sampled_from(COURSES),
        key=st.booleans(),
        code=st.sampled_from([None, 0, 1]),
    )
    def apply(self, course: str, key: bool, code: int | None) -> Any:
        return self._apply(course, key, self._code(course, code))

    @rule(
        targets=(applications, invoiced),
        course=st.sampled_from([INVOICED, INVOICED, REVIEWED]),
        key=st.booleans(),
        code=st.sampled_from([None, 0, 1, 2]),
    )
    def apply_by_invoice(self, course: str, key: bool, code: int | None) -> Any:
        return self._apply(course, key, BILLING | self._code(course, code))

    @rule(application_id=applications, asynchronous=st.booleans())
    def pay(self, application_id: str, asynchronous: bool) -> None:
        stored = self.system.stored(application_id)
        if stored.checkout is None:
            return
        paid = self.system.pay_session(stored.checkout.session_id, delayed=asynchronous)
        if paid.status == 200:
            self.completed_at[stored.checkout.session_id] = self.system.now()
            if not asynchronous:
                self.paid_at[stored.checkout.session_id] = self.system.now()

    @rule(application_id=applications, succeeded=st.booleans())
    def settle_async(self, application_id: str, succeeded: bool) -> None:
        stored = self.system.ports.repository.get_application(application_id)
        if stored is None or stored.checkout is None:
            return
        settled = self.system.settle_session(stored.checkout.session_id, succeeded=succeeded)
        if settled.status == 200 and succeeded:
            self.paid_at.setdefault(stored.checkout.session_id, self.system.now())

    @rule(application_id=applications)
    def expire_at_stripe(self, application_id: str) -> None:
        stored = self.system.ports.repository.get_application(application_id)
        if stored is not None and stored.checkout is not None:
            self.system.stripe_local("POST", f"/checkout/{stored.checkout.session_id}/expire")

    @rule(application_id=applications)
    def restart_checkout(self, application_id: str) -> None:
        token = self.submitted[application_id]["token"]
        reply = self.system.api("POST", f"/applications/{application_id}/checkout?token={token}")
        assert reply.status in (201, 409, 503), reply.body

    @rule(application_id=applications)
    def refund_at_stripe(self, application_id: str) -> None:
        """An organiser refunds the booking from Stripe's dashboard: its payment, and each
        move's difference it paid (a booking with several charges is refunded charge by
        charge there; all of them is the whole booking, as one was before moves charged)."""
        stored = self.system.ports.repository.get_application(application_id)
        if stored is None or stored.checkout is None:
            return
        moves = [ref.session_id for ref in stored.checkout_history if ref.move is not None]
        for session_id in dict.fromkeys((stored.checkout.session_id, *moves)):
            self.system.stripe_local("POST", f"/checkout/{session_id}/refund")

    @rule(application_id=applications, approve=st.booleans())
    def review(self, application_id: str, approve: bool) -> None:
        verb = "approve" if approve else "decline"
        reply = self.system.admin("POST", f"/applications/{application_id}/{verb}")
        assert reply.status in (200, 409), reply.body

    @rule(application_id=applications, refund=st.booleans())
    def cancel(self, application_id: str, refund: bool) -> None:
        reply = self.system.admin(
            "POST", f"/applications/{application_id}/cancel", json_body={"refund": refund}
        )
        assert reply.status in (200, 409), reply.body

    @rule(application_id=applications, everywhere=st.booleans(), refund=st.booleans())
    def replay_an_ended_console_session(
        self, application_id: str, everywhere: bool, refund: bool
    ) -> None:
        """An organiser signs in to the console and signs out, or is signed out everywhere from
        another sign-in; the old cookie with its CSRF token, replayed to cancel, is sent to sign
        in and changes nothing."""
        organiser = ConsoleBrowser(self.system)
        organiser.sign_in()
        kept_cookies, kept_csrf = dict(organiser.cookies), organiser.csrf()
        if everywhere:
            elsewhere = ConsoleBrowser(self.system)
            elsewhere.sign_in()
            assert elsewhere.act("/console/sign-out-everywhere").status == 303
        else:
            assert organiser.act("/console/sign-out").status == 303
        before = self.system.ports.repository.get_application(application_id)
        replayed = ConsoleBrowser(self.system)
        replayed.cookies = kept_cookies
        form = {"csrf_token": kept_csrf, **({"refund": "on"} if refund else {})}
        reply = replayed.post(f"/console/applications/{application_id}/cancel", **form)
        assert reply.status == 303, reply.body
        assert reply.headers["location"].startswith("/console/sign-in")
        assert self.system.ports.repository.get_application(application_id) == before

    def _invoice_action(self, application_id: str, action: str) -> None:
        stored = self.system.ports.repository.get_application(application_id)
        if stored is None or stored.invoice is None:
            return
        reply = self.system.stripe_local("POST", f"/invoices/{stored.invoice.invoice_id}/{action}")
        assert reply.status in (200, 400), reply.body  # 400: not payable or voidable any more

    @rule(application_id=invoiced)
    def employer_pays_the_invoice(self, application_id: str) -> None:
        self._invoice_action(application_id, "pay")

    @rule(application_id=invoiced, uncollectible=st.booleans())
    def invoice_voided_or_uncollectible_at_stripe(
        self, application_id: str, uncollectible: bool
    ) -> None:
        self._invoice_action(application_id, "mark_uncollectible" if uncollectible else "void")

    @rule(application_id=invoiced)
    def applicant_asks_for_an_invoice(self, application_id: str) -> None:
        token = self.submitted[application_id]["token"]
        reply = self.system.api("POST", f"/applications/{application_id}/invoice?token={token}")
        assert reply.status in (201, 409), reply.body

    @rule(application_id=invoiced, resend=st.booleans())
    def organiser_resends_or_voids_the_invoice(self, application_id: str, resend: bool) -> None:
        action = "resend" if resend else "void"
        reply = self.system.admin("POST", f"/applications/{application_id}/invoice/{action}")
        assert reply.status in (200, 409), reply.body

    @rule(application_id=applications, amount=st.sampled_from([5000, 10000, 20000]))
    def organiser_funds_the_place(self, application_id: str, amount: int) -> None:
        stored = self.system.ports.repository.get_application(application_id)
        if stored is not None and stored.price is not None:
            amount = min(amount, stored.price.amount)  # the cheaper cohort's place is £150
        reply = self.system.admin(
            "POST", f"/applications/{application_id}/bursary", json_body={"amount": amount}
        )
        assert reply.status in (200, 409), reply.body
        self._note_confirmations()

    @rule(application_id=applications, by_invoice=st.booleans())
    def organiser_funds_the_whole_place_while_it_is_being_paid(
        self, application_id: str, by_invoice: bool
    ) -> None:
        """The applicant pays at Stripe (its event not delivered yet) as an organiser funds the
        whole place: the payment, not needed now, goes back, and is recorded with its refund."""
        stored = self.system.stored(application_id)
        if by_invoice and stored.invoice is not None:
            self._invoice_action(application_id, "pay")
        elif not by_invoice and stored.checkout is not None:
            self.pay(application_id, asynchronous=False)
        self.organiser_funds_the_place(application_id, 20000)

    @rule()
    def stripe_notices_time_passing(self) -> None:
        """Stripe's own clock: lapsed sessions expire, unpaid invoices past due are overdue."""
        self.system.standin.expire_due()

    @rule(course=st.sampled_from(COURSES), change=st.sampled_from([-1, 1, 2]))
    def organiser_changes_capacity(self, course: str, change: int) -> None:
        current = self.system.ports.repository.get_course(course)
        assert current is not None
        capacity = min(max(current.definition.capacity + change, 1), 5)
        definition = _definition(course, capacity, self.moved_sessions.get(course))
        reply = self.system.admin("PUT", f"/courses/{course}", json_body=definition)
        # Lowering below the places taken is refused: it would overbook silently.
        assert reply.status in (200, 409), reply.body
        if reply.status == 409:
            assert reply.json()["error"]["code"] == "capacity_below_taken"

    @rule(application_id=applications)
    def person_is_erased(self, application_id: str) -> None:
        reply = self.system.admin("DELETE", f"/people/{self.emails[application_id]}")
        assert reply.status in (200, 404), reply.body  # 404: erased before
        self.erased.add(application_id)

    @rule(
        application_id=applications,
        forgery=st.sampled_from(["one_pound", "euros", "foreign_session"]),
    )
    def a_signed_event_that_was_not_asked_for(self, application_id: str, forgery: str) -> None:
        """Signed like Stripe's, but not what this system asked of Stripe: never confirms."""
        before = self._status(application_id)
        if forgery == "foreign_session":
            # A session created at Stripe by someone else, naming this application.
            form = {
                "mode": "payment",
                "line_items[0][quantity]": "1",
                "line_items[0][price_data][currency]": "gbp",
                "line_items[0][price_data][unit_amount]": "20000",
                "line_items[0][price_data][product_data][name]": "Elsewhere",
                "client_reference_id": application_id,
                "success_url": "https://example.org/ok",
                "cancel_url": "https://example.org/no",
            }
            created = self.system.stripe_local(
                "POST",
                "/v1/checkout/sessions",
                urlencode(form).encode(),
                {"authorization": "Bearer sk_test_local"},
            )
            assert created.status == 200, created.body
            paid = self.system.stripe_local("POST", f"/checkout/{created.json()['id']}/pay")
            if paid.status == 200:
                self.foreign_payments[application_id] += 20000
        else:
            stored = self.system.stored(application_id)
            session = stored.checkout.session_id if stored.checkout else "cs_test_none"
            body = json.dumps(
                {
                    "id": f"evt_forged_{self.sequence}_{forgery}",
                    "object": "event",
                    "type": "checkout.session.completed",
                    "created": int(self.system.now().timestamp()),
                    "data": {
                        "object": {
                            "id": session,
                            "object": "checkout.session",
                            "client_reference_id": application_id,
                            "payment_status": "paid",
                            "payment_intent": f"pi_forged_{self.sequence}",
                            "amount_total": 100 if forgery == "one_pound" else 20000,
                            "currency": "eur" if forgery == "euros" else "gbp",
                        }
                    },
                }
            ).encode()
            self.sequence += 1
            headers = {"stripe-signature": stripe_signature(body, WEBHOOK_SECRET)}
            assert self.system.webhook(body, headers).status == 200
        after = self._status(application_id)
        assert after is before or after is not S.CONFIRMED, "a payment not asked for confirmed"

    @rule(owner=invoiced, named=applications, newest=st.booleans())
    def an_invoice_event_naming_another_application(
        self, owner: str, named: str, newest: bool
    ) -> None:
        """One of ``owner``'s invoice events, signed, its metadata naming ``named``: nothing of
        ``named``'s money may change, and ``owner``'s payment is not given back for it."""
        about_owner = [
            e
            for e in self.system.standin.events()
            if e["type"].startswith("invoice.")
            and e["data"]["object"]["metadata"].get("application_id") == owner
        ]
        if owner == named or not about_owner:
            return
        event = json.loads(json.dumps(about_owner[0 if newest else -1]))
        self.sequence += 1
        event["id"] = f"evt_crossed_{self.sequence}"
        event["data"]["object"]["metadata"]["application_id"] = named
        before = self.system.ports.repository.get_application(named)
        body = json.dumps(event).encode()
        reply = self.system.signed_webhook(body)
        assert reply.status in (200, 503), reply.body
        after = self.system.ports.repository.get_application(named)
        assert before is not None
        assert after is not None
        assert (after.amount_paid, after.amount_refunded, after.payments) == (
            before.amount_paid,
            before.amount_refunded,
            before.payments,
        ), "an event about another application's invoice moved this one's money"
        self._note_confirmations()

    @precondition(lambda self: bool(self.system.pending))
    @rule(data=st.data(), keep=st.booleans())
    def deliver_webhook(self, data: st.DataObject, keep: bool) -> None:
        """Any held event, in any order; ``keep`` redelivers it later too (at least once)."""
        index = data.draw(st.integers(0, len(self.system.pending) - 1))
        self._deliver(index, keep)

    @rule(minutes=st.integers(1, 60 * 50))
    def time_passes_and_sweep_runs(self, minutes: int) -> None:
        self.system.clock_offset += timedelta(minutes=minutes)
        self._sweep()
        self._note_confirmations()

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def seats_are_counted_exactly_and_never_overbooked(self) -> None:
        stored = self._stored()
        for course_id, course, mine in self._courses_with_theirs(stored):
            # A group's colleague holds its group's place, not a seat: the group holds the seat.
            held_by_groups = sum(g.seats_held for g in self._groups() if g.course_id == course_id)
            # Every seat an application holds (its own, and a dearer move's hold elsewhere).
            seat = Holding(Limited.SEAT, course_id)
            assert course.seats_taken == held_by_groups + sum(
                seat in holdings(a) for a in stored.values()
            )
            assert course.seats_taken <= course.definition.capacity
            # Its waiting list: who applied and waits, and bookings whose move waits there.
            assert course.waiting == sum(course_id in waiting_places(a) for a in stored.values())
            for application in mine:
                if application.status in SEATED:
                    assert application.seat_held
                if application.status in (
                    S.EXPIRED,
                    S.WAITLISTED,
                    S.DECLINED,
                    S.CANCELLED,
                    S.REFUNDED,
                    S.PENDING_REVIEW,
                ):
                    assert not application.seat_held

    @invariant()
    def each_cohorts_priced_count_is_what_is_priced_in_it_now(self) -> None:
        """The course item's live count, which alone decides a currency change,
        is raised and lowered by the saves so that it is always what is priced there."""
        stored = self._stored()
        for course_id, course, _ in self._courses_with_theirs(stored):
            groups = sum(group_counted(g) for g in self._groups() if g.course_id == course_id)
            priced = sum(course_id in counted_in(a) for a in stored.values())
            assert course.priced == priced + groups, f"{course_id}: {course.priced} counted"

    @invariant()
    def no_code_is_used_beyond_its_limit_and_its_uses_are_its_holders(self) -> None:
        stored = self._stored()
        for course_id in COURSES:
            for code in self.system.ports.repository.discount_codes(course_id):
                holders = [
                    a
                    for a in stored.values()
                    if code_course(a) == course_id
                    and a.discount is not None
                    and a.discount.code.upper() == code.code.upper()
                    and holds_code_use(a)
                ]
                assert code.uses == len(holders), f"{code.code}: {code.uses} uses counted"
                assert code.max_uses is None or code.uses <= code.max_uses, code.code

    @invariant()
    def an_erased_person_holds_no_place_in_any_queue(self) -> None:
        stored = self._stored()
        for application_id in self.erased:
            application = stored[application_id]
            assert application.is_erased
            assert application.status not in (
                S.WAITLISTED,
                S.OFFERED,
                S.AWAITING_PAYMENT,
                S.PENDING_REVIEW,
            ), f"an erased person is still {application.status}"

    @invariant()
    def every_submitted_application_exists_in_a_legal_status(self) -> None:
        stored = self._stored()
        assert set(stored) == set(self.submitted)
        for application in stored.values():
            assert application.status in ALLOWED_TRANSITIONS

    @invariant()
    def the_waiting_list_is_served_in_order_and_never_waits_beside_a_free_seat(self) -> None:
        stored = self._stored()
        for _, course, mine in self._courses_with_theirs(stored):
            waiting = [a.waitlisted_at for a in mine if a.status is S.WAITLISTED]
            # Under 15 minutes before applications close, and after, no place is offered
            # (``domain.offer_ends.may_offer``): a seat freed then stays free, the list waits.
            if waiting and may_offer(course, self.system.now()):
                assert course.places_left == 0, "someone waits while a seat is free"
                offered = [
                    a.waitlisted_at
                    for a in mine
                    if a.status is S.OFFERED and a.waitlisted_at is not None
                ]
                assert all(o <= w for o in offered for w in waiting if w is not None)

    @invariant()
    def confirmations_are_decided_exactly_once_and_only_for_confirmed(self) -> None:
        # A place with nothing to pay is booked by the request that made it so (an application,
        # an approval, a restarted checkout), not by a payment: note it as it happens.
        self._note_confirmations()
        confirmations = Counter(
            job.application_id
            for job in {j.job_id: j for j in self._jobs_now()}.values()
            if job.kind is EmailKind.BOOKING_CONFIRMED
        )
        for application_id, count in confirmations.items():
            assert count == 1, "two different confirmation emails for one booking"
            assert application_id in self.ever_confirmed
        for application_id in self.ever_confirmed:
            assert confirmations[application_id] == 1, "a confirmed booking was never told"

    def _jobs_now(self) -> list[EmailJob]:
        """Every email job queued so far: the queue read once for a step's invariants."""
        if not self._jobs_drained:
            self.jobs.extend(self._queued_jobs())
            self._jobs_drained = self._applications_this_step is not None
        return self.jobs

    def _quiesce_and_check_money(self) -> None:
        """Deliver everything still held (what Stripe would redeliver, until acknowledged);
        then nobody paid for nothing, nobody paid twice, every application's record of its
        money equals what Stripe kept for it, and discounts and bursaries took off exactly
        what they said."""
        for _ in range(200):
            if not self.system.pending:
                break
            if all(b"refund" in body or b"charge." in body for body, _ in self.system.pending):
                # Only refunds left waiting for a payment that never came: Stripe keeps
                # retrying for days; past the bound they are kept as anomalies.
                self.system.clock_offset += timedelta(hours=3)
            self._deliver(0, keep=False)
        assert not self.system.pending, "Stripe would retry these for ever"
        kept = self.system.standin.money_taken()
        moved = self.system.standin.money_moved()
        off_stripe = self._received_off_stripe()
        for application_id, application in self._stored().items():
            # Every payment Stripe took and every refund it made is recorded, whatever was
            # decided about it (a payment not needed after a bursary, a second payment).
            taken, back = moved.get(application_id, (0, 0))
            recorded_money = self._money_through_stripe(application, off_stripe)
            assert recorded_money == (taken, back), (
                f"{application_id}: Stripe took {taken} and refunded {back}; recorded "
                f"{application.money_received} and {application.money_returned}"
            )
            # What the booking keeps: at Stripe, and received outside it, less given back.
            money = kept.get(application_id, 0) + off_stripe.get(application_id, 0)
            money -= given_back_total(application.given_back)
            recorded = application.amount_kept  # over every charge the booking kept
            assert money == recorded, f"{application_id}: Stripe kept {money}, recorded {recorded}"
            if money:
                assert application.status in (S.CONFIRMED, S.CANCELLED), application.status
            if application.status is S.CONFIRMED and application.price is not None:
                due = application.amount_due(application.price)
                assert recorded == due, f"{application_id} paid {recorded}, {due} was due"
        self._every_view_says_what_stripe_holds()
        if self.erased_named:  # Stripe's late events and the sweeps brought nobody back
            self.no_reader_names_the_erased()
        self._every_group_records_what_stripe_moved(moved)
        self._every_course_total_is_what_stripe_moved(moved)

    def _money_through_stripe(
        self, application: Application, off_stripe: dict[str, int]
    ) -> tuple[int, int]:
        """What ``application`` records Stripe took and refunded for it (as Stripe's own
        figures count them): its money, with what someone else's session paid naming it, and
        without what was received outside Stripe (``off_stripe``: by application, as Stripe's
        invoices hold it) and given back by hand."""
        application_id = application.application_id
        foreign = self.foreign_payments[application_id]
        return (
            application.money_received + foreign - off_stripe.get(application_id, 0),
            application.money_returned + foreign - given_back_total(application.given_back),
        )

    def _stripe(self, path: str) -> dict[str, Any]:
        reply = self.system.stripe_local(
            "GET", f"/v1/{path}", headers={"authorization": "Bearer sk_test_local"}
        )
        assert reply.status == 200, reply.body
        return dict(reply.json())

    def _every_view_says_what_stripe_holds(self) -> None:
        """The roster's invoice status is the invoice's at Stripe; what it says a code took off
        a payment is what Stripe took off it."""
        rows = {
            row["application_id"]: row
            for course in COURSES
            for row in self.system.admin("GET", f"/courses/{course}/applications").json()
        }
        sessions = {s["payment_intent"]: s for s in self.system.standin.sessions_paid()}
        for application_id, application in self._stored().items():
            row = rows[application_id]
            if application.invoice is not None:
                invoice = self._stripe(f"invoices/{application.invoice.invoice_id}")
                assert row["invoice_status"] == invoice["status"], application_id
            paid_by_card = sessions.get(application.payment_intent or "")
            # A moved booking's discount is taken off its new cohort's price, not the one paid.
            if application.bursary == 0 and paid_by_card is not None and not application.transfers:
                off = paid_by_card["total_details"]["amount_discount"]
                assert row["discount"] == off, application_id

    # --- group bookings steps ---
    # A manager books one or two named places on the pay-now or invoiced course, by card or
    # invoice; pays, or lets it expire; colleagues apply through their own links (their
    # applications join the others, for every other rule to act on); the manager substitutes
    # a colleague or gives a place up. Invariants: the course's seats count each group's
    # places; a group's places are used by at most one live application each, only while paid
    # and not given up; at the end each group's money is what Stripe moved for it.

    groups = Bundle("groups")

    def _groups(self) -> list[Any]:
        if self._groups_this_step is not None:
            return self._groups_this_step
        found = [self.system.ports.groups.get_group(gid) for gid in self.groups_made]
        return [group for group in found if group is not None]

    def _manager_view(self, group_id: str) -> dict[str, Any]:
        token = self.groups_made[group_id]["token"]
        reply = self.system.api("GET", f"/groups/{group_id}?token={token}")
        assert reply.status == 200, reply.body
        return dict(reply.json())

    @rule(target=groups, **A_GROUP)
    def manager_books_places(self, course: str, size: int, by_invoice: bool) -> Any:
        return self._book_group(course, size, by_invoice, {})

    def _book_group(self, course: str, size: int, by_invoice: bool, named: dict[str, str]) -> Any:
        """A manager's booking of ``size`` places on ``course`` (by invoice: its billing
        details), ``named`` giving the manager or billing details instead of the usual ones:
        its id, or ``multiple()`` when refused for the seats."""
        colleagues = []
        for _ in range(size):
            self.sequence += 1
            colleagues.append({"name": "Mary Seacole", "email": f"p{self.sequence}@example.org"})
        body: dict[str, Any] = {
            "manager_name": "Florence Nightingale",
            "manager_email": "florence@example.org",
            "organisation": "St Elsewhere",
            "colleagues": colleagues,
            "consent": True,
        }
        if by_invoice and course == INVOICED:
            body |= BILLING
        body |= {k: v for k, v in named.items() if by_invoice or k not in BILLING}
        reply = self.system.api("POST", f"/courses/{course}/group-bookings", json_body=body)
        if reply.status in (409, 422):  # not that many seats free, or people wait
            return multiple()
        assert reply.status == 201, reply.body
        return self._kept_group(reply.json())

    def _kept_group(self, answer: dict[str, Any]) -> str:
        """A group booking the API made, kept with its token: its id, for the bundle."""
        self.groups_made[answer["group_id"]] = answer
        return str(answer["group_id"])

    @rule(target=groups, **A_FILLED_GROUP)
    def a_group_is_booked_paid_and_filled(
        self, course: str, size: int, by_invoice: bool, applying: int
    ) -> Any:
        """The usual story in one step, so that the rarer steps (substitutions, places given
        up, erasures, refunds) often meet a paid group with colleagues booked."""
        booked = self.manager_books_places(course, size, by_invoice)
        if not isinstance(booked, str):
            return booked
        self.manager_pays(booked)
        while self.system.pending:  # Stripe's events about the payment, delivered
            self._deliver(0, keep=False)
        for place in range(1, applying + 1):
            made = self.colleague_applies_through_their_link(booked, place)
            if isinstance(made, str):
                self._note_confirmations()
        return booked

    def _at_stripe(self, group_id: str, invoice_step: str, checkout_step: str) -> None:
        """The stand-in takes ``invoice_step`` on the group's invoice, or ``checkout_step`` on
        its checkout session (whichever the group is paid by)."""
        group = self.system.stored_group(group_id)
        if group.invoice is not None:
            self.system.stripe_local("POST", f"/invoices/{group.invoice.invoice_id}/{invoice_step}")
        elif group.checkout is not None:
            self.system.stripe_local(
                "POST", f"/checkout/{group.checkout.session_id}/{checkout_step}"
            )

    @rule(group_id=groups)
    def manager_pays(self, group_id: str) -> None:
        self._at_stripe(group_id, "pay", "pay")

    @rule(group_id=groups)
    def group_payment_lapses_at_stripe(self, group_id: str) -> None:
        self._at_stripe(group_id, "void", "expire")

    @rule(group_id=groups)
    def organiser_voids_a_groups_invoice(self, group_id: str) -> None:
        """The organiser API's void: the same end as Stripe's own event, or refused in words
        (no open invoice, paid at Stripe first, replaced meanwhile)."""
        reply = self.system.admin("POST", f"/groups/{group_id}/invoice/void")
        assert reply.status in (200, 409), reply.body
        if reply.status == 200:
            assert reply.json()["status"] == "lapsed"
            assert reply.json()["ended_because"] == "voided_by_organiser"
            self.voided_by_organiser.add(group_id)
        else:
            codes = ("no_open_invoice", "invoice_paid", "invoice_replaced")
            assert reply.json()["error"]["code"] in codes, reply.body

    @rule(target=applications, group_id=groups, place=st.integers(1, 2))
    def colleague_applies_through_their_link(self, group_id: str, place: int) -> Any:
        view = self._manager_view(group_id)
        if place > len(view["places"]):
            return multiple()
        seat = view["places"][place - 1]
        link = seat["apply_url"]
        if link is None:
            return multiple()
        parts = urlsplit(link)
        path = parts.path.removesuffix("/apply") + "/applications"
        body = application_body(name=seat["name"], email=seat["email"])
        reply = self.system.api("POST", f"{path}?{parts.query}", json_body=body)
        if reply.status in (409, 422):  # the person has another live application here
            return multiple()
        assert reply.status == 201, reply.body
        answer = reply.json()
        assert answer["status"] == "confirmed"
        self.submitted[answer["application_id"]] = answer
        self.emails[answer["application_id"]] = seat["email"]
        return str(answer["application_id"])

    @rule(group_id=groups, place=st.integers(1, 2))
    def manager_substitutes_a_colleague(self, group_id: str, place: int) -> None:
        self.sequence += 1
        token = self.groups_made[group_id]["token"]
        before = self.system.ports.groups.get_group(group_id)
        reply = self.system.api(
            "POST",
            f"/groups/{group_id}/places/{place}/substitute?token={token}",
            json_body={
                "name": "Edith Cavell",
                "email": f"p{self.sequence}@example.org",
                "consent": True,
            },
        )
        assert reply.status in (200, 404, 409), reply.body  # 404: the booking has no such place
        if before is not None and before.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
            # Its payment given back: nobody else is named for its places (held or not).
            assert reply.status in (404, 409), reply.body

    @rule(target=applications, group_id=groups, place=st.integers(1, 2))
    def a_colleague_named_applies_on_their_own(self, group_id: str, place: int) -> Any:
        """Someone named on a group's place applies through the public form: sent to their
        link while the place holds their seat (409), taken like anyone once it does not."""
        view = self._manager_view(group_id)
        if place > len(view["places"]) or not view["places"][place - 1]["email"]:
            return multiple()
        email = view["places"][place - 1]["email"]
        group = self.system.stored_group(group_id)
        reply = self.system.apply(group.course_id, email=email)
        if reply.status == 409:
            code = reply.json()["error"]["code"]
            assert code in ("place_booked_for_you", "already_applied", "course_closed"), reply.body
            noted(f"a colleague named applied on their own: {code}")
            return multiple()
        assert reply.status == 201, reply.body
        noted("a colleague named applied on their own: taken (the place holds no seat)")
        answer = reply.json()
        self.submitted[answer["application_id"]] = answer
        self.emails[answer["application_id"]] = email
        return str(answer["application_id"])

    @rule(target=groups, application_id=applications)
    def a_manager_books_someone_who_applied(self, application_id: str) -> Any:
        """A manager names someone who applied on their own: refused beside them (422) while
        their application lives, or for the seats (409); booked once it has ended."""
        stored = self.system.ports.repository.get_application(application_id)
        if stored is None or stored.erased_at is not None:
            return multiple()
        body: dict[str, Any] = {
            "manager_name": "Florence Nightingale",
            "manager_email": "florence@example.org",
            "organisation": "St Elsewhere",
            "colleagues": [{"name": "Mary Seacole", "email": self.emails[application_id]}],
            "consent": True,
        }
        reply = self.system.api(
            "POST", f"/courses/{stored.course_id}/group-bookings", json_body=body
        )
        if reply.status in (409, 422):
            noted(f"a manager named someone who applied: {reply.status}")
            return multiple()
        assert reply.status == 201, reply.body
        noted("a manager named someone who applied: booked (their application had ended)")
        return self._kept_group(reply.json())

    @rule(group_id=groups, place=st.integers(1, 2))
    def manager_gives_up_a_place(self, group_id: str, place: int) -> None:
        token = self.groups_made[group_id]["token"]
        reply = self.system.api("POST", f"/groups/{group_id}/places/{place}/cancel?token={token}")
        assert reply.status in (200, 404, 409), reply.body  # 404: the booking has no such place
        self._note_confirmations()

    @invariant()
    def a_groups_places_are_never_used_beyond_what_it_bought(self) -> None:
        stored = self._stored()
        for group in self._groups():
            paid = group.status.value == "paid"
            open_places = {p.number for p in group.places if not p.released} if paid else set()
            users = [
                a
                for a in stored.values()
                if a.group_place is not None
                and a.group_place.group_id == group.group_id
                and a.seat_held
            ]
            used = [a.group_place.place for a in users if a.group_place is not None]
            assert len(used) == len(set(used)), "two applications fill one place"
            assert set(used) <= open_places, "a place used that is not paid or was given up"
            for application in users:
                assert application.status is S.CONFIRMED
                assert application.amount_paid == 0

    @invariant()
    def a_group_that_ended_says_why_and_an_organisers_void_stays_theirs(self) -> None:
        """Whatever Stripe delivers after (its own ``invoice.voided`` late, twice or out of
        order), a group an organiser voided says so; every ended group says why."""
        for group in self._groups():
            # Ended unpaid (lapsed), or paid and its payment refunded in full at Stripe.
            refunded = group.ended_because is GroupEnding.REFUNDED_AT_STRIPE
            ended = group.status.value == "lapsed" or (refunded and group.status.value == "paid")
            assert (group.ended_because is not None) == ended, group.group_id
            if group.group_id in self.voided_by_organiser:
                assert group.ended_because == "voided_by_organiser", group.ended_because

    def _every_course_total_is_what_stripe_moved(self, moved: dict[str, tuple[int, int]]) -> None:
        """The course's money as organisers read it (the ``/admin`` totals, which the console's
        money page and the CLI say in pounds) is every penny Stripe took and refunded for the
        course's applications and its managers' group bookings: no group payment left out."""
        payers: dict[str, list[str]] = {course: [] for course in COURSES}
        for application_id, application in self._stored().items():
            payers[application.course_id].append(application_id)
        for group in self._groups():
            payers[group.course_id].append(group.group_id)
        off_stripe = self._received_off_stripe()
        for course in COURSES:
            taken = sum(moved.get(payer, (0, 0))[0] for payer in payers[course])
            back = sum(moved.get(payer, (0, 0))[1] for payer in payers[course])
            # Payments made for an application outside the system are not its (recorded apart).
            foreign = sum(self.foreign_payments[payer] for payer in payers[course])
            # Received outside Stripe and given back by hand: counted as paid and refunded.
            off = sum(off_stripe.get(payer, 0) for payer in payers[course])
            by_hand = sum(self.given_back_by_hand[payer] for payer in payers[course])
            totals = self.system.totals(course)
            said = (totals["paid"], totals["refunded"])
            assert said == (taken - foreign + off, back - foreign + by_hand), (
                f"{course}: Stripe took {taken} and refunded {back} ({foreign} foreign, {off} "
                f"received outside Stripe, {by_hand} given back by hand); the totals say "
                f"{totals['paid']} paid in and {totals['refunded']} refunded"
            )

    def _every_group_records_what_stripe_moved(self, moved: dict[str, tuple[int, int]]) -> None:
        for group in self._groups():
            taken, back = moved.get(group.group_id, (0, 0))
            assert (group.money_received, group.money_returned) == (taken, back), (
                f"group {group.group_id}: Stripe took {taken} and refunded {back}; recorded "
                f"{group.money_received} and {group.money_returned}"
            )
            if group.status.value != "paid":
                assert group.amount_paid == 0 or group.money_returned >= group.amount_paid

    # --- transfers steps ---
    # The organiser moves a booking between cohorts of the programme, both ways (to the
    # cheaper one: the difference refunded; back: refused, it costs more unless a bursary or a
    # code covers it), twice at once sometimes. The machine's invariants hold across moves: no
    # cohort overbooked and every seat counted on the course its holder is on, code uses
    # counted on the code's own course, and at the end the money recorded equals Stripe's.

    @rule(application_id=applications, to=st.sampled_from(COURSES), twice=st.booleans())
    def organiser_moves_the_booking(self, application_id: str, to: str, twice: bool) -> None:
        before = self.system.stored(application_id)
        path = f"/applications/{application_id}/transfer"
        replies = [
            self.system.admin("POST", path, json_body={"to_course_id": to})
            for _ in range(2 if twice else 1)
        ]
        for reply in replies:
            assert reply.status in (200, 409), reply.body
        after = self.system.stored(application_id)
        if replies[0].status == 409:
            noted(f"transfer refused: {replies[0].json()['error']['code']}")
            assert after.course_id == before.course_id
            assert after.pending_move == before.pending_move
            return
        if after.pending_move is not None and after.course_id != to:
            self._dearer_move_asked(before, after, to, replies)
            return
        self.moved.add(application_id)
        assert after.course_id == to
        assert after.status is S.CONFIRMED
        assert [r.status for r in replies] == [200] * len(replies)
        # One move however often it was asked for, its refund made once and recorded (asked
        # again for the move it last made, it answers that move, made already).
        again = bool(before.transfers) and before.transfers[-1].to_course_id == before.course_id
        made_now = not (again and before.course_id == to)
        assert len(after.transfers) == len(before.transfers) + int(made_now)
        refund = after.transfers[-1].refund_due
        noted(
            f"transfer made: {before.course_id} to {to}, refund {refund}"
            if made_now
            else "transfer asked again: answered as made"
        )
        assert not after.transfers[-1].refund_pending

    @rule(
        target=applications,
        moves=st.lists(st.sampled_from([CHEAPER, PAY_NOW, REVIEWED]), min_size=1, max_size=3),
        funded=st.booleans(),
    )
    def a_booking_paid_at_once_is_moved(self, moves: list[str], funded: bool) -> Any:
        """A booking paid and confirmed at once (its webhooks delivered), then moved: to the
        cheaper cohort (the difference refunded, once however often asked), and back (refused:
        it costs more), so every run has moves with money in them. ``funded``: a £150 bursary
        first, so the card pays £50 and the move to the £150 cohort gives all of it back; the
        booking stands (Stripe's events for the move's own refund change only the money)."""
        made = self._apply(PAY_NOW, False, {})
        if not isinstance(made, str):
            return made
        if funded:
            self.organiser_funds_the_place(made, 15000)
            token = self.submitted[made]["token"]
            checkout = self.system.api("POST", f"/applications/{made}/checkout?token={token}")
            assert checkout.status in (200, 201, 409), checkout.body
        self.pay(made, asynchronous=False)
        self._deliver_all()
        for to in moves:
            if self._status(made) is S.CONFIRMED:
                self.organiser_moves_the_booking(made, to, twice=to == CHEAPER)
        self._deliver_all()
        stored = self.system.stored(made)
        if stored.transfers and stored.amount_paid > 0:
            noted(f"moved booking after Stripe's events: {stored.status.value}")
            assert stored.status is S.CONFIRMED, (stored.status, stored.status_reason)
            assert stored.course_id == stored.transfers[-1].to_course_id
        return made

    def _deliver_all(self, order: str = "reversed") -> None:
        """Every held event delivered, ``order``: "as sent" (oldest first) or "reversed"
        (newest first); a 503 is sent again, as Stripe does (bounded, as Stripe gives up)."""
        for _ in range(50):
            if not self.system.pending:
                break
            self._deliver(0 if order == "as sent" else len(self.system.pending) - 1, keep=False)

    def _booking_paid_at_once(self, course: str) -> tuple[Any, bool]:
        """The opening many steps share: someone applies to ``course``, pays at
        once by card, Stripe's events delivered. The application's id (or ``multiple()`` when
        it was refused) for the bundle, and whether it is confirmed."""
        made = self._apply(course, False, {})
        if not isinstance(made, str):
            return made, False
        self.pay(made, asynchronous=False)
        self._deliver_all()
        return made, self._status(made) is S.CONFIRMED

    # --- dearer transfer steps ---
    # A move to a dearer cohort (``domain.dearer_moves``): asked, it holds a seat there and
    # opens a checkout for the difference; the person pays it (the move made, the payment kept
    # as a further charge), or its checkout expires, or the organiser withdraws it, or time
    # passes and the sweep lapses it; a payment arriving after it lapsed goes back whole. The
    # money invariant (what is recorded is what Stripe moved, and what is kept is what the
    # place costs) and the seat invariant (every hold counted where it is held) cover it.

    def _dearer_move_asked(self, before: Any, after: Any, to: str, replies: list[Any]) -> None:
        pending = after.pending_move
        noted("dearer move asked")
        assert pending.to_course_id == to
        assert after.status is S.CONFIRMED
        assert after.transfers == before.transfers
        there = after.model_copy(update={"price": pending.price_after})
        assert pending.difference == there.amount_due(pending.price_after) - after.amount_kept
        # Asked twice, one request: one hold, one checkout.
        assert len({r.json()["pending_move"]["pay_url"] for r in replies}) == 1
        self.moved.add(after.application_id)

    def _pending(self, application_id: str) -> Any:
        stored = self.system.ports.repository.get_application(application_id)
        return stored.pending_move if stored is not None else None

    @rule(application_id=applications)
    def person_pays_the_moves_difference(self, application_id: str) -> None:
        pending = self._pending(application_id)
        if pending is None or pending.session_id is None:
            return
        paid = self.system.stripe_local("POST", f"/checkout/{pending.session_id}/pay")
        noted(f"move's difference paid: {paid.status}")

    @rule(application_id=applications)
    def the_moves_checkout_expires(self, application_id: str) -> None:
        pending = self._pending(application_id)
        if pending is None or pending.session_id is None:
            return
        self.system.stripe_local("POST", f"/checkout/{pending.session_id}/expire")
        noted("move's checkout expired")

    @rule(application_id=applications)
    def organiser_withdraws_the_move(self, application_id: str) -> None:
        path = f"/applications/{application_id}/transfer/withdraw"
        reply = self.system.admin("POST", path)
        assert reply.status in (200, 409), reply.body
        if reply.status == 200:
            noted("move withdrawn")
            assert reply.json()["pending_move"] is None
        else:
            # wait_ended: a waiting move whose end has passed, the sweep not there yet;
            # move_paid: the difference paid at Stripe, its event on the way.
            codes = ("no_move_pending", "not_found", "wait_ended", "move_paid")
            assert reply.json()["error"]["code"] in codes, reply.body

    @rule(
        target=applications,
        then=st.sampled_from(["pay", "expire", "withdraw", "withdraw_while_paying", "wait"]),
    )
    def a_booking_moves_to_a_dearer_cohort(self, then: str) -> Any:
        """A booking paid at once on the £150 cohort, asked to move to a £200 one, and then
        its difference paid, its checkout expired, the move withdrawn (also once the person
        paid, its event not yet come: the withdrawal is refused, ``move_paid``, and the payment
        makes the move), or left to wait (for the other steps, the sweep and the
        cancellations): every run has a dearer move with money in it."""
        made, confirmed = self._booking_paid_at_once(CHEAPER)
        if not confirmed:
            return made
        self.organiser_moves_the_booking(made, PAY_NOW, twice=True)
        if self._pending(made) is None:
            return made
        if then == "pay":
            self.person_pays_the_moves_difference(made)
        elif then == "expire":
            self.the_moves_checkout_expires(made)
        elif then == "withdraw":
            self.organiser_withdraws_the_move(made)
        elif then == "withdraw_while_paying":
            self.person_pays_the_moves_difference(made)  # its event held, delivered later
            self.organiser_withdraws_the_move(made)
        self._deliver_all()
        stored = self.system.stored(made)
        noted(f"dearer move then {then}: on {stored.course_id}")
        if then in ("pay", "withdraw_while_paying"):
            assert (stored.course_id, stored.pending_move) == (PAY_NOW, None)
            assert stored.amount_kept == 20000
        elif then != "wait":
            assert (stored.course_id, stored.pending_move) == (CHEAPER, None)
            assert stored.amount_kept == 15000
        return made

    @invariant()
    def a_waiting_move_holds_its_seat_and_its_booking_stays(self) -> None:
        for application in self._stored().values():
            pending = application.pending_move
            if pending is None:
                continue
            assert application.status is S.CONFIRMED
            assert application.course_id != pending.to_course_id
            assert Holding(Limited.SEAT, pending.to_course_id) in holdings(application)
        for application in self._stored().values():
            # Each kept further charge paid one move's difference, recorded on that move.
            for charge in application.further_charges:
                moves = [
                    t
                    for t in application.transfers
                    if t.charge_payment_intent == charge.payment_intent
                ]
                assert len(moves) == 1
                assert moves[0].difference_charged == charge.amount

    @invariant()
    def a_moved_booking_is_on_the_cohort_its_last_move_names(self) -> None:
        for application_id in getattr(self, "moved", set()):
            application = self._stored()[application_id]
            if application.transfers and application.status is S.CONFIRMED:
                assert application.course_id == application.transfers[-1].to_course_id

    # --- groups2 steps ---
    # Places given up before a group pays (a card group's checkout or an employer's invoice
    # replaced by one for the places kept) are exercised by the group steps' give-up rule on
    # unpaid groups. Invariant: what an unpaid group asks Stripe for is its places kept.

    @invariant()
    def an_unpaid_groups_payment_asks_for_its_places_kept(self) -> None:
        headers = {"authorization": "Bearer sk_test_local"}
        for group in self._groups():
            if group.status.value == "awaiting_payment" and group.checkout is not None:
                path = f"/v1/checkout/sessions/{group.checkout.session_id}"
                asked = self.system.stripe_local("GET", path, headers=headers).json()
                assert asked["amount_total"] == group.total.amount, (asked, group.total)
            if group.status.value == "awaiting_invoice_payment" and group.invoice is not None:
                path = f"/v1/invoices/{group.invoice.invoice_id}"
                asked = self.system.stripe_local("GET", path, headers=headers).json()
                assert asked["amount_due"] == group.total.amount, (asked, group.total)

    # --- erase-stripe steps ---

    @rule(
        application_id=applications,
        failures=st.sampled_from([1, 2, 3, 4, STRIPE_DOWN]),
    )
    def person_is_erased_while_stripe_fails(self, application_id: str, failures: int) -> None:
        """Stripe answers 500 to the erasure's first calls, or to all of them (down): our
        records are erased all the same, and what Stripe could not do (a void, a customer's
        deletion, its search for the customers it alone holds under the address) is left
        owed; the next sweep, Stripe back, does it (the invariants are checked after it:
        between the two, an invoice the erasure could not void is still open at Stripe)."""
        # Whether Stripe is asked at all depends on the state drawn (one erased already, its
        # search done: nothing to ask), so these may go unmet.
        self.system.stripe_http.fail_next.may_fire([500] * failures)
        path = f"/people/{self.emails[application_id]}"
        try:
            reply = self.system.admin("DELETE", path)
        finally:
            self.system.stripe_http.fail_next.clear()
        if reply.status == 503:
            # An open card checkout is expired at Stripe before anything is erased
            # (services/checkout_expiry): Stripe silent, nothing is erased, and
            # the answer asks for the press again, which completes it with Stripe back.
            assert reply.json()["error"]["code"] == "payment_provider_unavailable", reply.body
            assert not self._stored()[application_id].is_erased, application_id
            reply = self.system.admin("DELETE", path)
        assert reply.status in (200, 404), reply.body
        if reply.status == 200 and reply.json()["stripe_pending"]:
            noted("erased with Stripe's search pending")
        self.erased.add(application_id)
        self._sweep()
        self._note_confirmations()
        assert self.system.ports.repository.owed_customer_deletions() == []
        assert self.system.ports.repository.provider_searches_owed() == []

    @invariant()
    def an_invoices_customer_is_deleted_at_stripe_only_for_the_erased_and_always_for_them(
        self,
    ) -> None:
        owed = set(self.system.ports.repository.owed_customer_deletions(limit=1000))
        for application in self._stored().values():
            for invoice_id in invoices_ever_issued(application):
                invoice = self.system.stripe_local(
                    "GET",
                    f"/v1/invoices/{invoice_id}",
                    headers={"authorization": "Bearer sk_test_local"},
                ).json()
                customer = self.system.stripe_local(
                    "GET",
                    f"/v1/customers/{invoice['customer']}",
                    headers={"authorization": "Bearer sk_test_local"},
                ).json()
                gone = customer.get("deleted") is True
                # The invoice keeps its own copy of whom it was addressed to: a billing contact
                # erased on their own (current or corrected away from) has its customer gone.
                contact_erased = (invoice["customer_email"] or "").lower() in self.erased_named
                if application.is_erased or contact_erased:
                    assert gone or invoice_id in owed, (application.application_id, invoice_id)
                else:
                    assert not gone, application.application_id
                    assert invoice_id not in owed, application.application_id

    # --- waiting moves steps ---
    # A move to a full cohort joins its waiting list if the organiser chooses
    # (``domain.waiting_moves``): the booking keeps its seat, is counted on that cohort's
    # waiting list (the seat invariant checks the counter), and a freed seat moves it (the
    # cheaper cohort: a refund) or asks for the difference (the dearer one: its seat held), in
    # the one order with the people who applied there; withdrawn, cancelled, erased or past a
    # cohort's first day, it ends. Invariants: a waiting move's booking is confirmed, on
    # another cohort, and waits on one list only; nobody waits beside a free seat.

    @rule(application_id=applications, to=st.sampled_from(COURSES), twice=st.booleans())
    def organiser_puts_the_booking_on_a_full_cohorts_waiting_list(
        self, application_id: str, to: str, twice: bool
    ) -> None:
        stored = self.system.ports.repository.get_application
        before = stored(application_id)
        body = {"to_course_id": to, "wait": True}
        path = f"/applications/{application_id}/transfer"
        replies = [self.system.admin("POST", path, json_body=body) for _ in range(1 + twice)]
        assert all(r.status in (200, 409) for r in replies), [r.body for r in replies]
        after = stored(application_id)
        assert before is not None
        assert after is not None
        if replies[0].status == 409:
            noted(f"waiting move refused: {replies[0].json()['error']['code']}")
            assert after.course_id == before.course_id
            return
        self.moved.add(application_id)
        # Asked twice, one waiting move: one place in line, asked when first asked.
        assert [r.status for r in replies] == [200] * len(replies)
        waiting = [r.json()["waiting_move"] for r in replies if r.json()["waiting_move"]]
        assert len({w["asked_at"] for w in waiting}) <= 1
        if after.waiting_move is not None and after.status is S.CONFIRMED:
            noted("waiting move joined")
            assert after.course_id == before.course_id
            assert after.waiting_move.to_course_id == to
        else:
            noted("waiting move: a seat was free for it at once")

    @rule(application_id=applications)
    def organiser_withdraws_the_waiting_move(self, application_id: str) -> None:
        before = self.system.ports.repository.get_application(application_id)
        reply = self.system.admin("POST", f"/applications/{application_id}/transfer/withdraw")
        assert reply.status in (200, 404, 409), reply.body
        if reply.status == 200 and before is not None and before.waiting_move is not None:
            noted("waiting move withdrawn")
            assert reply.json()["waiting_move"] is None

    @rule(
        target=applications,
        to=st.sampled_from([PAY_NOW, CHEAPER]),
        then=st.sampled_from(["seat_freed", "capacity_raised", "withdraw", "cancel", "wait"]),
    )
    def a_booking_waits_for_a_full_cohort(self, to: str, then: str) -> Any:
        """A booking paid at once on one cohort waits for the other, filled first (to the
        dearer: a freed seat asks for the difference; to the cheaper: it moves with a refund),
        and then a seat there frees (its holder cancelled), its capacity is raised, the move is
        withdrawn, the booking cancelled, or it is left to wait for the other steps."""
        source = CHEAPER if to == PAY_NOW else PAY_NOW
        made, confirmed = self._booking_paid_at_once(source)
        target = self.system.ports.repository.get_course(to)
        assert target is not None
        if not confirmed or target.seats_taken == 0:
            return made
        if target.places_left:
            self.organiser_changes_capacity(to, -target.places_left)
        self.organiser_puts_the_booking_on_a_full_cohorts_waiting_list(made, to, twice=True)
        stored = self.system.ports.repository.get_application(made)
        if stored is None or stored.waiting_move is None:
            return made
        if then == "seat_freed":
            holders = [
                a.application_id
                for a in self._stored().values()
                if a.course_id == to and a.status is S.CONFIRMED and a.group_place is None
            ]
            if holders:
                self.cancel(holders[0], refund=True)
        elif then == "capacity_raised":
            self.organiser_changes_capacity(to, 1)
        elif then == "withdraw":
            self.organiser_withdraws_the_waiting_move(made)
        elif then == "cancel":
            self.cancel(made, refund=True)
        self._deliver_all()
        stored = self.system.stored(made)
        noted(f"waiting move then {then}: on {stored.course_id}")
        if then in ("withdraw", "cancel"):
            assert stored.waiting_move is None
            assert stored.course_id == source
        return made

    @invariant()
    def a_waiting_move_waits_on_one_list_beside_no_free_seat(self) -> None:
        stored = self._stored()
        for application in stored.values():
            places = waiting_places(application)
            assert len(places) <= 1
            move = application.waiting_move
            if move is not None and application.status is S.CONFIRMED:
                assert application.course_id != move.to_course_id
                assert application.pending_move is None
                there = self._course(move.to_course_id)
                assert there is not None
                assert there.places_left == 0 or not there.accepts_applications(
                    self.system.now()
                ), "a booking waits beside a free seat"

    # --- one place each for a move that waits (wmfix) steps ---
    # A booking whose move waits (on a full cohort's list, or holding a seat there for its
    # difference) holds the person's one place on that cohort (``domain.enrolments``): they
    # applying there meanwhile are refused and nothing is written. Invariant: every cohort an
    # application claims (its own while it lives, the one its move waits for) has its
    # enrolment held by it, so no one else's save can take it.

    @rule(application_id=applications)
    def the_person_applies_where_their_booking_waits_to_move(self, application_id: str) -> None:
        stored = self.system.ports.repository.get_application(application_id)
        if stored is None or stored.status is not S.CONFIRMED or stored.erased_at is not None:
            return
        move = stored.waiting_move or stored.pending_move
        if move is None:
            return
        reply = self.system.apply(move.to_course_id, email=self.emails[application_id])
        assert reply.status == 409, reply.body
        assert reply.json()["error"]["code"] in ("already_applied", "course_closed"), reply.body
        noted("applied where their booking waits to move: refused")

    @invariant()
    def every_place_an_application_claims_is_held_by_it(self) -> None:
        repository = self.system.ports.repository
        for application in self._stored().values():
            if application.erased_at is not None:
                continue  # erasure forgets the person's enrolments with their address
            for course_id in enrolled_on(application):
                holder = repository.enrolled_application_id(course_id, application.answers.email)
                assert holder == application.application_id, (application.application_id, course_id)

    @invariant()
    def one_person_holds_one_place_on_a_course(self) -> None:
        """Whoever holds a place on a course (their own application, or a group's place named
        for them, filled through its link or not) holds one there."""
        holders: dict[tuple[str, str], set[tuple[str, ...]]] = {}
        who: tuple[str, ...]
        for application in self._stored().values():
            if application.erased_at is not None:
                continue
            ref = application.group_place
            for course_id in enrolled_on(application):
                if ref is not None and course_id == application.course_id:
                    who = ("place", ref.group_id, str(ref.place))  # the group's place, filled
                else:
                    who = ("own", application.application_id)
                key = (course_id, application.answers.email.lower())
                holders.setdefault(key, set()).add(who)
        for group in self._groups():
            for number, email in colleagues_enrolled(group):
                key = (group.course_id, email)
                holders.setdefault(key, set()).add(("place", group.group_id, str(number)))
        for (course_id, _), held in holders.items():
            assert len(held) == 1, f"one person holds {sorted(held)} on {course_id}"

    @invariant()
    def each_place_holding_a_seat_holds_its_colleagues_enrolment_and_no_other(self) -> None:
        """The table's enrolment item of each colleague a group holds a seat for is that
        place's claim, or the application filling it; no claim of a group's outlives its
        place's seat."""
        table = self.system.resources.table_name
        client = self.system.dynamodb
        expected: dict[str, tuple[str, int]] = {}
        for group in self._groups():
            for number, email in colleagues_enrolled(group):
                key = enrolment_key(group.course_id, email)
                expected[key["pk"]["S"]] = (group.group_id, number)
                item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
                assert item is not None, (group.group_id, number)
                if "application_id" in item:
                    filler = self._stored()[item["application_id"]["S"]]
                    assert filler.group_place is not None
                    assert (filler.group_place.group_id, filler.group_place.place) == (
                        group.group_id,
                        number,
                    )
                else:
                    assert (item["group_id"]["S"], int(item["place"]["N"])) == (
                        group.group_id,
                        number,
                    )
        pages = client.get_paginator("scan").paginate(
            TableName=table,
            FilterExpression="begins_with(pk, :e) AND attribute_exists(group_id)",
            ExpressionAttributeValues={":e": {"S": "ENROL#"}},
            ConsistentRead=True,
        )
        for claim in (item for page in pages for item in page["Items"]):
            place = (claim["group_id"]["S"], int(claim["place"]["N"]))
            assert expected.get(claim["pk"]["S"]) == place, f"a claim outlived its seat: {place}"

    # --- a group's payment refunded at Stripe steps ---
    # An organiser refunds a group's payment on Stripe's dashboard (``domain.group_refunds``):
    # all that is left of it, one place's price or £50, of a card or an invoice group, before
    # or after colleagues applied; its two events (``refund.created``, ``charge.refunded``)
    # held, delivered late, twice or out of order, and sent again later. Invariants: while
    # nothing is held, each group's money is what Stripe moved for it (never more refunded
    # than paid); a refund of everything releases every place nobody holds, once, and a
    # colleague holding one keeps it; a released place stays released (the seat invariant
    # counts each seat given back once); the manager is told of it once, in one message.

    def _fillers(self, stored: dict[str, Any], group_id: str) -> dict[int, str]:
        """The places of ``group_id`` a colleague's booking fills (``stored``: by id): place
        number -> the application filling it."""
        return {
            a.group_place.place: a.application_id
            for a in stored.values()
            if fills_a_group_place(a) and a.group_place.group_id == group_id
        }

    def _left_to_refund(self, payment_intent: str) -> int:
        """What of ``payment_intent``'s charge Stripe has not refunded yet."""
        intent = self._stripe(f"payment_intents/{payment_intent}")
        charge = self._stripe(f"charges/{intent['latest_charge']}")
        return int(charge["amount"]) - int(charge["amount_refunded"])

    @rule(group_id=groups, part=st.sampled_from(["all", "one place", "some"]))
    def a_groups_payment_refunded_at_stripe(self, group_id: str, part: str) -> None:
        """All that is left of the group's payment, one place's price, or £50 of it, refunded
        on Stripe's dashboard; its events held for the other steps to deliver."""
        group = self.system.ports.groups.get_group(group_id)
        if group is None or group.payment_intent is None:
            return
        left = self._left_to_refund(group.payment_intent)
        amount = {"all": left, "one place": group.price.amount, "some": 5000}[part]
        if min(amount, left) <= 0:
            return
        self.system.refund_at_stripe(group.payment_intent, min(amount, left))
        noted(f"a group's payment refunded at Stripe: {part}")

    @precondition(lambda self: bool(self.groups_made))
    @rule(data=st.data())
    def stripe_sends_a_groups_refund_event_again(self, data: st.DataObject) -> None:
        """Stripe sends one of its refund events about a group's payment again (held, so it
        arrives whenever the other steps deliver it)."""
        intents = {g.payment_intent for g in self._groups() if g.payment_intent is not None}
        sent = [
            e["id"]
            for e in self.system.standin.events()
            if e["type"] in ("refund.created", "charge.refunded")
            and e["data"]["object"]["payment_intent"] in intents
        ]
        if sent:
            event_id = data.draw(st.sampled_from(sent))
            assert self.system.stripe_local("POST", f"/events/{event_id}/resend").status == 200

    @rule(
        target=groups,
        **A_FILLED_GROUP,
        part=st.sampled_from(["all", "all", "one place", "some"]),
        order=st.sampled_from(["as sent", "reversed", "held"]),
    )
    def a_filled_group_is_refunded_at_stripe(
        self, course: str, size: int, by_invoice: bool, applying: int, part: str, order: str
    ) -> Any:
        """A group booked, paid and filled in part, then refunded at Stripe (so that runs
        often meet a refund of a group with colleagues booked); its events delivered as sent,
        the other way round, or held for the other steps. Delivered, a refund of everything
        ends the booking: the colleagues booked keep their places, the others are released."""
        booked = self.a_group_is_booked_paid_and_filled(course, size, by_invoice, applying)
        if not isinstance(booked, str):
            return booked
        holders = self._fillers(self._stored(), booked)
        self.a_groups_payment_refunded_at_stripe(booked, part)
        if order == "held":
            return booked
        self._deliver_all(order)
        group = self.system.stored_group(booked)
        if group.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
            noted(f"a group refunded in full at Stripe, {len(holders)} place(s) held")
            assert self._fillers(self._stored(), booked) == holders, "a colleague lost a place"
            assert {p.number for p in group.places if not p.released} == set(holders)
            assert group.amount_refunded == group.amount_paid
        else:
            assert group.ended_because is None, group.ended_because
            assert 0 < group.amount_refunded < group.amount_paid
        return booked

    @invariant()
    def while_nothing_is_held_each_groups_money_is_what_stripe_moved(self) -> None:
        if self.system.pending:
            return
        moved = self.system.standin.money_moved()
        for group in self._groups():
            taken, back = moved.get(group.group_id, (0, 0))
            assert (group.money_received, group.money_returned) == (taken, back), (
                f"group {group.group_id}: Stripe took {taken} and refunded {back}; recorded "
                f"{group.money_received} and {group.money_returned}"
            )
            assert group.amount_refunded <= group.amount_paid, group.group_id

    @invariant()
    def a_refund_of_everything_releases_each_place_nobody_holds_once(self) -> None:
        if self._last_seen is None:
            return  # the first check of a run: nothing before to compare with
        stored = self._stored()
        applications_before, groups_before = self._last_seen
        for group in self._groups():
            before = groups_before.get(group.group_id)
            if before is not None:
                released = {p.number for p in group.places if p.released}
                assert {p.number for p in before.places if p.released} <= released
            refunded = GroupEnding.REFUNDED_AT_STRIPE
            if group.ended_because is not refunded or (
                before is not None and before.ended_because is refunded
            ):
                continue
            # This step ended it: whoever held a place before holds it still; the rest, released.
            held_before = self._fillers(applications_before, group.group_id)
            held = self._fillers(stored, group.group_id)
            assert held_before.items() <= held.items(), "a colleague lost a place to a refund"
            for place in group.places:
                assert place.released == (place.number not in held), place.number

    @invariant()
    def a_groups_manager_is_told_of_a_refund_of_everything_once(self) -> None:
        said: dict[str, set[str]] = {}
        for job in self._jobs_now():
            if job.kind is EmailKind.GROUP_CHANGED and job.reason == "refunded_at_stripe":
                said.setdefault(job.job_id, set()).add(job.model_dump_json())
        for group in self._groups():
            told = [job_id for job_id in said if job_id.split(":")[1] == group.group_id]
            ended = group.ended_because is GroupEnding.REFUNDED_AT_STRIPE
            assert len(told) == int(ended), (group.group_id, told)
            for job_id in told:
                assert len(said[job_id]) == 1, f"one email said two ways: {said[job_id]}"

    # --- a refund afterwards and the course beginning steps ---
    # An organiser cancels a paid booking keeping its money and refunds it later (the Refund
    # action, ``POST /admin/applications/{id}/refund``: the cancellation's money path), asked
    # twice sometimes, racing a refund of its payment on Stripe's dashboard, its events held,
    # delivered in any order and sent again. Time reaches a course's start (applications close
    # 31 minutes before it, ``Course.accepts_applications``; offers lapse at it); a delayed
    # payment whose checkout was completed in time settles after it and is honoured; an
    # organiser brings a course's start forward while a checkout is open, and the payment Stripe
    # takes after the new start goes back, never confirmed (``domain.paying``). Invariants:
    # nobody's money is refunded beyond what they paid, nor any refund counted twice (while
    # nothing is held, each booking's money is what Stripe moved); nothing taken after its
    # course's start is kept for a confirmed booking unless its checkout completed in time; a
    # booking's end by a refund is told once, and one refunded afterwards is told.

    # ``no_payment_to_refund``: paid outside Stripe, what it paid is given back by hand
    # (docs/features/paid-outside-stripe.md).
    _REFUND_REFUSALS = (
        "nothing_to_refund",
        "not_cancelled",
        "refund_refused",
        "no_payment_to_refund",
    )

    @rule(application_id=applications, twice=st.booleans())
    def organiser_refunds_afterwards(self, application_id: str, twice: bool) -> None:
        """The console's *Refund £X* on a booking cancelled keeping its money (asked twice:
        the same refund), or refused in words."""
        path = f"/applications/{application_id}/refund"
        # A booking refunded already (its payment given back as late, say), or cancelled with
        # its refund asked (its events not heard yet), answers 200 and changes nothing
        # (docs/features/refunds.md): it was told of that refund, in that refund's own words
        # (the cancellation's).
        before = self.system.stored(application_id)
        ended_already = before.status is S.REFUNDED or before.status_reason == "refund_requested"
        replies = [self.system.admin("POST", path) for _ in range(1 + twice)]
        for reply in replies:
            assert reply.status in (200, 409), reply.body
            if reply.status == 409:
                assert reply.json()["error"]["code"] in self._REFUND_REFUSALS, reply.body
        if replies[0].status == 200 and not ended_already:
            self.refunded_afterwards.add(application_id)
        noted(
            "refunded afterwards"
            if replies[0].status == 200
            else f"refund afterwards refused: {replies[0].json()['error']['code']}"
        )
        self._note_confirmations()

    @rule(
        target=applications,
        race=st.sampled_from(["none", "dashboard_first", "dashboard_after", "both_twice"]),
        order=st.sampled_from(["as sent", "reversed", "held"]),
    )
    def a_booking_cancelled_keeping_its_money_is_refunded_later(self, race: str, order: str) -> Any:
        """A booking paid at once, cancelled without a refund, then refunded by the Refund
        action: alone, after or before a refund of its payment on Stripe's dashboard whose
        events are not heard yet, or both asked twice; Stripe's events then delivered as sent,
        the other way round (a 503 is sent again), or held for the other steps; Stripe's refund
        events are then sent again. Delivered, the booking ends refunded, its money all back
        once, the person told once."""
        made, confirmed = self._booking_paid_at_once(PAY_NOW)
        if not confirmed:
            return made
        self.cancel(made, refund=False)
        self._deliver_all()
        if self._status(made) is not S.CANCELLED:
            return made
        intent = self.system.stored(made).payment_intent
        if race == "dashboard_first":
            self.system.refund_at_stripe(intent)
        self.organiser_refunds_afterwards(made, twice=race == "both_twice")
        if race in ("dashboard_after", "both_twice"):
            already = self._left_to_refund(str(intent)) == 0
            self.system.refund_at_stripe(intent, status=400 if already else 200)
        if order == "held":
            return made
        self._deliver_all(order)
        self._stripe_sends_its_refund_events_again(made)
        self._deliver_all()
        stored = self.system.stored(made)
        noted(f"refunded later ({race}, {order}): {stored.status.value}")
        assert (stored.status, stored.amount_kept) == (S.REFUNDED, 0), stored.status
        assert stored.amount_refunded == stored.amount_paid
        return made

    def _stripe_sends_its_refund_events_again(self, application_id: str) -> None:
        intents = {self.system.stored(application_id).payment_intent}
        for sent in self.system.standin.events():
            about = sent["data"]["object"]
            if sent["type"] in ("refund.created", "charge.refunded") and (
                about.get("payment_intent") in intents
            ):
                assert (
                    self.system.stripe_local("POST", f"/events/{sent['id']}/resend").status == 200
                )

    def _first_start(self) -> datetime:
        """The first start of every course (the one each course's first session has)."""
        starts: list[datetime] = []
        for course_id in COURSES:
            course = self._course(course_id)
            assert course is not None
            starts.append(course.first_start())
        return min(starts)

    def _clock_to(self, moment: datetime) -> bool:
        """The clock moved on to ``moment`` (never back): whether it moved."""
        if moment <= self.system.now():
            return False
        self.system.clock_offset += moment - self.system.now()
        return True

    @rule(minutes=st.sampled_from([-32, -31, -30, -1, 0, 1, 90]))
    def time_reaches_a_courses_start(self, minutes: int) -> None:
        """Time passes to ``minutes`` from the first course's start (applications close 31
        minutes before it; offers lapse at it), and the sweep runs."""
        if self._clock_to(self._first_start() + timedelta(minutes=minutes)):
            noted(f"time reached a course's start {minutes:+d} min")
        self._sweep()
        self._note_confirmations()

    @rule(target=applications, succeeded=st.booleans(), sweep_first=st.booleans())
    def a_delayed_payment_completed_in_time_settles_after_the_start(
        self, succeeded: bool, sweep_first: bool
    ) -> Any:
        """A Bacs or SEPA payment: the checkout completed (its event delivered) while the
        course took payments, its money settled an hour after the course began (the sweep run
        between, or not): taken, it is honoured, the booking confirmed."""
        made = self._apply(PAY_NOW, False, {})
        if not isinstance(made, str):
            return made
        self.pay(made, asynchronous=True)
        self._deliver_all()
        stored = self.system.stored(made)
        if not stored.payment_pending:
            return made
        self._clock_to(self._first_start() + timedelta(hours=1))
        if sweep_first:
            self._sweep()
        self.settle_async(made, succeeded)
        self._deliver_all()
        stored = self.system.stored(made)
        noted(f"a delayed payment settled after the start: {stored.status.value}")
        if succeeded:
            assert stored.status is S.CONFIRMED, (stored.status, stored.status_reason)
            assert stored.amount_kept > 0, stored.amount_kept
        else:
            assert stored.status is not S.CONFIRMED
        self._note_confirmations()
        return made

    def _move_the_start(self, course_id: str, start: datetime) -> bool:
        """An organiser moves ``course_id``'s session to ``start`` (to the minute, UK time):
        whether it was taken (a start late in the day, whose two hours would end after
        midnight, is not asked)."""
        local = start.astimezone(ZoneInfo("Europe/London"))
        if local.hour >= 22:
            return False
        session = {
            "date": local.date().isoformat(),
            "start_time": f"{local:%H:%M}",
            "end_time": f"{local + timedelta(hours=2):%H:%M}",
        }
        course = self.system.ports.repository.get_course(course_id)
        assert course is not None
        definition = _definition(course_id, course.definition.capacity, session)
        reply = self.system.admin("PUT", f"/courses/{course_id}", json_body=definition)
        assert reply.status in (200, 409, 422), reply.body
        noted(f"start moved: {reply.status}")
        if reply.status != 200:
            return False
        self.moved_sessions[course_id] = session
        self._note_closing(course_id)
        return True

    def _note_closing(self, course_id: str) -> None:
        """``course_id``'s closing as it stands, among those its course has had."""
        course = self.system.ports.repository.get_course(course_id)
        assert course is not None
        closing = instant_token(course.applications_close_at())
        self.closings.setdefault(course_id, set()).add(closing)

    def _paid_a_minute_after(self, made: str, start: datetime, asynchronous: bool) -> Application:
        """``made``'s checkout completed a minute after ``start``, by card or by a delayed
        method that then settles, every email delivered: the application as stored."""
        self._clock_to(start + timedelta(minutes=1))
        self.pay(made, asynchronous)
        if asynchronous:
            self._deliver_all()
            self.settle_async(made, succeeded=True)
        self._deliver_all()
        return self.system.stored(made)

    @rule(target=applications, asynchronous=st.booleans())
    def a_checkout_is_paid_after_a_start_brought_forward(self, asynchronous: bool) -> Any:
        """Someone applies and is sent to pay; meanwhile the organiser brings the course's
        start forward to ten minutes on; the person completes the checkout (still open at
        Stripe: its hold is 31 minutes) a minute after the new start, by card or by a delayed
        method that then settles: the money goes back, the booking is never confirmed."""
        made = self._apply(PAY_NOW, False, {})
        if not isinstance(made, str):
            return made
        stored = self.system.stored(made)
        if stored.checkout is None or stored.status is not S.AWAITING_PAYMENT:
            return made
        start = (self.system.now() + timedelta(minutes=11)).replace(second=0, microsecond=0)
        if not self._move_the_start(PAY_NOW, start):
            return made
        stored = self._paid_a_minute_after(made, start, asynchronous)
        noted(f"paid after a start brought forward: {stored.status.value}")
        assert stored.status is not S.CONFIRMED, stored.status_reason
        assert stored.amount_kept == 0, stored.amount_kept
        return made

    @invariant()
    def no_money_is_refunded_beyond_what_was_paid_nor_counted_twice(self) -> None:
        moved = self.system.standin.money_moved()
        off_stripe = self._received_off_stripe()
        quiet = not self.system.pending
        for application_id, application in self._stored().items():
            assert application.amount_refunded <= application.amount_paid, application_id
            assert application.money_returned <= application.money_received, application_id
            taken, back = moved.get(application_id, (0, 0))
            # Each refund recorded is one Stripe made (never one counted twice), or money
            # given back by hand; while nothing is held, every one Stripe made is recorded.
            by_hand = given_back_total(application.given_back)
            assert application.money_returned - by_hand <= back, (application_id, back)
            if quiet:
                recorded = self._money_through_stripe(application, off_stripe)
                assert recorded == (taken, back), (application_id, recorded, taken, back)

    @invariant()
    def nothing_taken_after_its_courses_start_is_kept_unless_completed_in_time(self) -> None:
        for application_id, application in self._stored().items():
            if application.status is not S.CONFIRMED:
                continue
            course = self._course(application.course_id)
            assert course is not None
            start = course.first_start()
            for record in application.payments:
                taken = self.paid_at.get(record.session_id)
                if not record.kept or taken is None or taken < start:
                    continue
                completed = self.completed_at[record.session_id]
                assert completed < start, f"{application_id}: paid after its start and kept"

    @invariant()
    def a_bookings_end_by_a_refund_is_told_once(self) -> None:
        ending = ("refunded", "cancelled_and_refunded")
        told: Counter[str] = Counter(
            job.application_id
            for job in {j.job_id: j for j in self._jobs_now()}.values()
            if job.kind is EmailKind.PAYMENT_REFUNDED and job.reason in ending
        )
        for application_id, count in told.items():
            assert count == 1, f"{application_id}: told {count} times its refund ended it"
        if self.system.pending:
            return
        stored = self._stored()
        for application_id in self.refunded_afterwards:
            application = stored[application_id]
            if application.status is S.REFUNDED and not application.is_erased:
                assert told[application_id] == 1, f"{application_id}: never told of its refund"

    # --- applications closing and a course's dates moved steps ---
    # Last stop's actions: an organiser approves near or
    # after applications close (no place, nor a waiting place, is offered with under 15 minutes
    # to act: refused in words, nothing changed, nobody emailed; ``domain.offer_ends``); the
    # reminders tick, run again and overlapping another run, tells each person still waiting
    # once that their wait ended (``services.wait_closed``); an organiser moves a course's
    # dates earlier or later with a group booked (its apply-by follows, never after the first
    # start, and colleagues not yet applied are sent their link again when it comes earlier;
    # ``services.group_dates``) and with a waiting list told (it reopens when the dates move
    # later, and is told again at the new closing); a group's place is given up while part of
    # its payment was refunded on Stripe's dashboard; a refund event Stripe holds is sent again
    # under another id. Invariants: nobody is told their wait ended twice for one closing, or
    # told for a closing their course never had, or left untold by a run that was to tell
    # them; nobody waits marked told while applications are open; a group's apply-by is never
    # after its course's start; a group's refunds never exceed its payment; every view of a
    # booking changed by a step reads it alike (the /admin roster and record, the person's
    # JSON, the console's roster CSV).

    def _sweep(self) -> None:
        """The sweep at the clock's time, as every step that runs it runs it, then the
        reminders it made due and what erasures owe at Stripe, as the schedule runs them after
        it; then everyone on a waiting list it was to tell is told (``_waiting_lists_told``)."""
        now = self.system.now()
        swept = sweep(self.system.ports, now)
        remind_swept(self.system.ports, now, swept.saved)
        erasures_at_provider(self.system.ports, now)
        self._waiting_lists_told(now)
        self._note_confirmations()

    def _tick(self, overlapping: bool) -> None:
        """The reminders function on the schedule's event for now (reminders, the sweep, the
        reminders it made due, then erasures owed at Stripe). When
        ``overlapping``, another run read the applications before this one wrote and tells the
        closed waiting lists after it: its writes find them changed and tell nobody again."""
        now = self.system.now()
        repository = self.system.ports.repository
        listed = {c: repository.list_applications(c) for c in COURSES} if overlapping else {}
        self.system.scheduled_run(now)
        self._waiting_lists_told(now)
        if overlapping:
            other = dataclasses.replace(
                self.system.ports, repository=cast(Any, _ListedBefore(repository, listed))
            )
            closed = [c for c in repository.list_courses() if waiting_list_to_tell(c, now)]
            assert tell_closed_waiting_lists(other, closed, now) == 0, "told twice"
        self._note_confirmations()

    def _wait_ended_jobs(self) -> dict[str, dict[str, set[str]]]:
        """Each application's "your wait has ended" jobs: by the telling each names (its
        closing and the application's version as told), each job's every queuing (one email
        said one way)."""
        told: dict[str, dict[str, set[str]]] = {}
        for job in self._jobs_now():
            if job.kind is EmailKind.WAIT_ENDED:
                closings = told.setdefault(job.application_id, {})
                closings.setdefault(job.job_id.split(":")[-1], set()).add(job.model_dump_json())
        return told

    def _waiting_lists_told(self, now: datetime) -> None:
        """After a run at ``now``: everyone waiting on a course whose list the run was to tell
        (applications closed, the course not begun) is marked told and was emailed."""
        told = self._wait_ended_jobs()
        for course_id in COURSES:
            course = self.system.ports.repository.get_course(course_id)
            assert course is not None
            if not (course.waiting and waiting_list_to_tell(course, now)):
                continue
            for application in self.system.ports.repository.list_applications(course_id):
                if application.status is S.WAITLISTED:
                    app_id = application.application_id
                    assert application.status_reason == APPLICATIONS_CLOSED, app_id
                    assert told.get(app_id), f"{app_id}: never told its wait ended"

    def _jobs_about(self, application_id: str) -> set[str]:
        return {job.job_id for job in self._jobs_now() if job.application_id == application_id}

    @rule(target=applications, minutes=st.sampled_from([-20, -15, -14, -1, 0, 40]))
    def an_organiser_approves_near_the_closing(self, minutes: int) -> Any:
        """Someone applies to the reviewed course; time reaches ``minutes`` from its closing
        and an organiser approves: taken while 15 minutes or more are left to act; otherwise
        refused (``too_late_to_offer`` before the closing, ``course_closed`` after), the
        application as it was and nobody emailed."""
        made = self._apply(REVIEWED, False, {})
        if not isinstance(made, str):
            return made
        course = self._course(REVIEWED)
        self._clock_to(course.applications_close_at() + timedelta(minutes=minutes))
        before, told_before = self.system.stored(made), self._jobs_about(made)
        reply = self.system.admin("POST", f"/applications/{made}/approve")
        now = self.system.now()
        noted(f"approved {minutes:+d} min from the closing: {reply.status}")
        if may_offer(course, now):
            assert reply.status == 200, reply.body
            return made
        closed = now >= course.applications_close_at()
        assert reply.status == 409, reply.body
        assert reply.json()["error"]["code"] == (
            "course_closed" if closed else "too_late_to_offer"
        ), reply.body
        assert self.system.stored(made) == before
        assert self._jobs_about(made) == told_before
        return made

    @rule(
        target=applications,
        waiting=st.integers(1, 2),
        minutes=st.sampled_from([-16, 0, 1, 29]),
        runs=st.integers(1, 3),
        overlapping=st.booleans(),
        then=st.sampled_from(["stay", "dates_later", "dates_earlier"]),
    )
    def the_waiting_list_is_told_when_applications_close(
        self, waiting: int, minutes: int, runs: int, overlapping: bool, then: str
    ) -> Any:
        """The pay-now course filled, ``waiting`` more people wait; time reaches ``minutes``
        from its closing and the reminders tick runs ``runs`` times (overlapping another run,
        or not): each person still waiting is told once. Then the dates move later (the list
        reopens: nobody marked told; at the new closing they are told again, once) or earlier,
        or stay."""
        made = [self._booking_paid_at_once(PAY_NOW)[0] for _ in range(self._places_left(PAY_NOW))]
        made += [self._apply(PAY_NOW, False, {}) for _ in range(waiting)]
        kept = [m for m in made if isinstance(m, str)]
        closes = self._course(PAY_NOW).applications_close_at()
        self._clock_to(closes + timedelta(minutes=minutes))
        for run in range(runs):
            self._tick(overlapping and run == 0)
        if then != "stay" and self._move_the_dates(PAY_NOW, 30 if then == "dates_later" else 1):
            reopened = self._course(PAY_NOW)
            for app_id in kept:
                stored = self.system.stored(app_id)
                if stored.status is S.WAITLISTED and reopened.accepts_applications(
                    self.system.now()
                ):
                    assert stored.status_reason != APPLICATIONS_CLOSED, app_id  # open again
            self._clock_to(reopened.applications_close_at() + timedelta(minutes=minutes))
            for run in range(runs):
                self._tick(overlapping and run == 0)
        waited = sum(self.system.stored(m).status is S.WAITLISTED for m in kept)
        noted(f"waiting list told at the closing ({then}): {min(waited, 1)}+ waiting")
        return multiple(*kept)

    def _places_left(self, course_id: str) -> int:
        course = self._course(course_id)
        return int(course.places_left) if course.accepts_applications(self.system.now()) else 0

    def _move_the_dates(self, course_id: str, days: int) -> bool:
        """An organiser moves ``course_id``'s session to ``days`` from now at 15:00 UK time
        (earlier or later than it was): whether it was taken."""
        start = datetime.combine(
            (self.system.now() + timedelta(days=days)).date(),
            datetime.min.time().replace(hour=15),
            tzinfo=ZoneInfo("Europe/London"),
        )
        return self._move_the_start(course_id, start)

    @rule(target=groups, **A_FILLED_GROUP, days=st.sampled_from([2, 3, 20, 90]))
    def a_courses_dates_move_with_a_group_booked(
        self, course: str, size: int, by_invoice: bool, applying: int, days: int
    ) -> Any:
        """A group booked, paid and filled in part; an organiser moves its course's first
        session to ``days`` from now (earlier or later than it was): the group's apply-by
        follows, never after the start; brought earlier, each colleague sent a link who has
        not applied is sent it again, once, with the new date."""
        booked = self.a_group_is_booked_paid_and_filled(course, size, by_invoice, applying)
        if not isinstance(booked, str):
            return booked
        before = self.system.stored_group(booked)
        if not self._move_the_dates(course, days):
            return booked
        after = self.system.stored_group(booked)
        assert after.apply_by <= self._course(course).first_start()
        way = "later" if after.apply_by > before.apply_by else "earlier or the same"
        noted(f"dates moved with a group booked: apply-by {way}")
        if after.status is GroupStatus.PAID and after.apply_by < before.apply_by:
            applied = set(self._fillers(self._stored(), booked))
            owed = {p.number for p in after.places if not (p.released or p.erased)} - applied
            moved = f"{APPLY_BY_MOVED}{int(after.apply_by.timestamp())}"
            resent = [
                job.group_place or 0
                for job in {j.job_id: j for j in self._jobs_now()}.values()
                if job.kind is EmailKind.GROUP_PLACE_LINK
                and job.application_id == booked
                and job.job_id.endswith(moved)
            ]
            assert sorted(resent) == sorted(owed), (resent, owed)
        return booked

    @rule(
        target=groups,
        course=st.sampled_from([PAY_NOW, INVOICED]),
        by_invoice=st.booleans(),
        applying=st.integers(0, 1),
        part=st.sampled_from(["some", "one place"]),
        heard=st.booleans(),
        place=st.integers(1, 2),
    )
    def a_place_is_given_up_while_part_is_refunded_at_stripe(
        self, course: str, by_invoice: bool, applying: int, part: str, heard: bool, place: int
    ) -> Any:
        """A group of two booked, paid and filled in part; part of its payment refunded on
        Stripe's dashboard (its events heard first, or not yet); the manager gives a place up;
        everything Stripe sends then delivered: the group's refunds never exceed its payment
        (the money invariants say the rest)."""
        booked = self.a_group_is_booked_paid_and_filled(course, 2, by_invoice, applying)
        if not isinstance(booked, str):
            return booked
        self.a_groups_payment_refunded_at_stripe(booked, part)
        if heard:
            self._deliver_all()
        self.manager_gives_up_a_place(booked, place)
        self._deliver_all("as sent")
        group = self.system.stored_group(booked)
        assert group.amount_refunded <= group.amount_paid, booked
        noted(f"a place given up while part was refunded at Stripe: {group.status.value}")
        return booked

    @rule(application_id=applications, held=st.booleans())
    def a_refund_event_stripe_holds_is_sent_under_another_id(
        self, application_id: str, held: bool
    ) -> None:
        """Stripe tells of a refund of the booking's payment again in another event
        (``refund.updated``, another id): nothing is counted twice. ``held``: a refund Stripe
        holds, or (``held`` False) one Stripe does not hold: an id made up, the event signed,
        believed never: the money invariants say nothing was counted."""
        stored = self.system.stored(application_id)
        about = [
            e
            for e in self.system.standin.events()
            if e["type"] == "refund.created"
            and e["data"]["object"].get("payment_intent") == stored.payment_intent
        ]
        if stored.payment_intent is None or not about:
            return
        event = json.loads(json.dumps(about[0]))
        self.sequence += 1
        event["id"], event["type"] = f"evt_again_{self.sequence}", "refund.updated"
        if not held:
            event["data"]["object"]["id"] = f"re_made_up_{self.sequence}"
        body = json.dumps(event).encode()
        reply = self.system.signed_webhook(body)
        assert reply.status in (200, 503), reply.body
        self._note_confirmations()

    @invariant()
    def nobody_is_told_twice_that_their_wait_ended_nor_marked_told_while_it_is_open(
        self,
    ) -> None:
        stored = self._stored()
        for application_id, closings in self._wait_ended_jobs().items():
            course_id = stored[application_id].course_id
            named = {told.partition("-v")[0] for told in closings}  # closing-v<version>
            assert named <= self.closings[course_id], (application_id, closings)
            for said in closings.values():
                assert len(said) == 1, f"one wait's end said two ways: {said}"
        now, told = self.system.now(), self._wait_ended_jobs()
        for _, course, mine in self._courses_with_theirs(stored):
            for application in mine:
                if application.status_reason != APPLICATIONS_CLOSED:
                    continue
                if application.status is S.WAITLISTED:
                    assert waiting_list_closed(course, now), "marked told while the list is open"
                    assert told.get(application.application_id), "marked told, never emailed"

    @invariant()
    def a_groups_apply_by_is_never_after_its_start_nor_its_refunds_above_its_payment(
        self,
    ) -> None:
        for group in self._groups():
            assert group.amount_refunded <= group.amount_paid, group.group_id
            if group.status is GroupStatus.LAPSED or group.unfilled_given_up:
                continue
            course = self._course(group.course_id)
            assert group.apply_by <= course.first_start(), group.group_id

    @invariant()
    def a_group_with_all_its_money_back_holds_no_places(self) -> None:
        """A group whose payment has all gone back, by any path (the dashboard, places given
        up, both), ends and holds no seat but those of places a colleague already fills (theirs
        stay: their booking is not the system's to end on Stripe's word), once what Stripe sent
        is heard."""
        if self.system.pending:
            return
        for group in self._groups():
            if group.amount_paid > 0 and group.amount_refunded >= group.amount_paid:
                filled = [
                    place.number
                    for place in group.places
                    if not place.released
                    and self.system.ports.groups.place_holder(group.group_id, place.number)
                ]
                assert group.seats_held <= len(filled), (group.group_id, group.status.value)
                if group.seats_held:
                    assert group.ended_because is not None, group.group_id

    @invariant()
    def every_view_reads_a_booking_a_step_changed_alike(self) -> None:
        """The /admin roster and record, the person's JSON (by their token) and the console's
        roster CSV say the same of each booking this step changed (``services.reading``)."""
        if self._last_seen is None:
            return
        before = self._last_seen[0]
        changed = [
            a for app_id, a in self._stored().items() if before.get(app_id) != a and not a.is_erased
        ]
        for course_id in sorted({a.course_id for a in changed}):
            roster = {
                row["application_id"]: row
                for row in self.system.admin("GET", f"/courses/{course_id}/applications").json()
            }
            browser = ConsoleBrowser(self.system)
            browser.sign_in()
            csv_body = browser.get(f"/console/courses/{course_id}/roster.csv").body
            lines = io.StringIO(csv_body.lstrip("\ufeff"))
            rows = {row["Reference"]: row for row in csv.DictReader(lines)}
            for application in (a for a in changed if a.course_id == course_id):
                app_id = application.application_id
                record = self.system.admin("GET", f"/applications/{app_id}").json()
                token = self.submitted[app_id]["token"]
                seen = self.system.api("GET", f"/applications/{app_id}?token={token}").json()
                status = record["status"]
                assert roster[app_id]["status"] == status == seen["status"], app_id
                ended = record["status_reason"] == APPLICATIONS_CLOSED
                assert seen["wait_ended"] == ended, app_id
                said = rows[application.reference_or_id]["Status"]
                shown = status_shown(status, record["status_reason"])  # a lapsed offer's words
                assert said.startswith(shown), (app_id, said, status)


@contextmanager
def _worked_by_hand() -> Iterator[BookingLifecycle]:
    """A machine started for steps worked out by hand: every invariant is checked after the
    last, and the machine torn down whatever happened."""
    machine = BookingLifecycle()
    try:
        machine.start()
        yield machine
        _check_every_invariant(machine)
    finally:
        machine.teardown()


def _check_every_invariant(machine: BookingLifecycle) -> None:
    """Every invariant of the machine, checked now as a run checks them after a step (a run
    worked out by hand: Hypothesis' own check skips them all before its initialize rules)."""

    def every() -> None:
        for name in dir(machine):
            check = getattr(machine, name)
            if getattr(check, "hypothesis_stateful_invariant", None) is not None:
                check()

    machine._as_one_step(every)


# The machine runs as SHARDS test files (this one and test_lifecycle_machine_shard_*.py), each
# its own share of EXAMPLES from its own seed: `make test` hands out whole files (xdist's
# loadfile), so one file of 200 examples kept one worker busy long after the other had finished.
SHARDS = 4


def shard_case(shard: int) -> type[_StateMachineTestCase]:
    """Shard ``shard``'s test case: its share of EXAMPLES, explored from its own seed."""
    shard_machine: type[BookingLifecycle] = type(
        f"BookingLifecycleShard{shard}", (BookingLifecycle,), {}
    )
    machine = seeded(shard)(shard_machine)
    explored = machine.TestCase
    shard_settings = settings(
        max_examples=EXAMPLES // SHARDS + (1 if shard < EXAMPLES % SHARDS else 0),
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )

    class ShardCase(explored):  # type: ignore[misc,valid-type]
        settings = shard_settings

        def setUp(self) -> None:
            # moto made once for the shard's examples (ReusedAws says why), gone when it ends.
            REUSED_AWS.start()

        def tearDown(self) -> None:
            REUSED_AWS.stop()

        # Hypothesis' own test (wraps keeps the marks its pytest plugin reads: statistics, the
        # report section), run where CPython need not map frame memory call by call.
        @functools.wraps(explored.runTest)
        def runTest(self) -> None:
            on_roomy_frame_stack(lambda: explored.runTest(self))

    ShardCase.__name__ = ShardCase.__qualname__ = f"BookingLifecycleShard{shard}Case"
    return ShardCase


@pytest.mark.usefixtures("_no_real_aws")
class TestBookingLifecycle(shard_case(0)):  # type: ignore[misc]
    pass


def test_the_machine_runs_at_least_200_examples_in_ci() -> None:
    if os.environ.get("CI"):
        assert EXAMPLES >= 200
    cases = [shard_case(shard) for shard in range(SHARDS)]
    assert sum(case.settings.max_examples for case in cases) == EXAMPLES
    # Each shard explores from its own seed: never the same examples twice.
    # Hypothesis marks its test with the machine it runs, and the machine with its seed:
    # attributes set at run time, that no type declares.
    seeds = {
        case.runTest._hypothesis_state_machine_class._hypothesis_internal_use_seed  # type: ignore[attr-defined]
        for case in cases
    }
    assert len(seeds) == SHARDS
    shard_files = Path(__file__).parent.glob("test_lifecycle_machine_shard_*.py")
    assert len(list(shard_files)) == SHARDS - 1


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize("wall_clock", ["2026-12-07T23:59:50+00:00", "2027-03-28T00:30:00+00:00"])
def test_the_machine_starts_each_example_at_one_instant_whatever_the_hour(wall_clock: str) -> None:
    """The machine's clock is frozen at one instant per example (``frozen_at``): started just
    before midnight or on the night the clocks change, it meets the same courses, on the same
    days, as at any other hour; its time moves only by its own steps."""
    hour = time_machine.travel(datetime.fromisoformat(wall_clock), tick=False)
    with hour, _worked_by_hand() as machine:
        assert machine.system.now() == frozen_at()
        starts = [s["start"] for s in machine.system.course(PAY_NOW)["sessions"]]
        assert starts[0].startswith((frozen_at() + timedelta(days=60)).date().isoformat())
        machine.time_passes_and_sweep_runs(90)
        assert machine.system.now() == frozen_at() + timedelta(minutes=90)


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize(("funded", "paid"), [(False, 20000), (True, 5000)])
def test_the_machine_moves_a_paid_booking_both_ways_with_its_money_agreeing(
    funded: bool, paid: int
) -> None:
    """One run of the machine's transfer steps worked out by hand (random runs reach them only
    when a seat and a payment line up): a booking paid at once moves to the cheaper cohort
    (twice asked, £50 refunded once), is refused the way back (it costs more), the held
    webhooks are delivered, and every invariant and the money at Stripe agree. Funded with
    £150 first, the card paid £50 and the move gives all of it back: the booking stands."""
    with _worked_by_hand() as machine:
        made = machine.a_booking_paid_at_once_is_moved([CHEAPER, PAY_NOW], funded)
        assert isinstance(made, str), "the rule gives the booking's id"
        stored = machine.system.stored(made)
        assert (stored.course_id, stored.amount_refunded) == (CHEAPER, 5000)
        assert (stored.status, stored.amount_paid) == (S.CONFIRMED, paid)
        assert [t.to_course_id for t in stored.transfers] == [CHEAPER]


@pytest.mark.usefixtures("_no_real_aws")
def test_the_machine_moves_a_booking_away_and_back_before_the_mailer_and_tells_nobody() -> None:
    """Through the machine's own moves: a booking paid at once moves to the
    reviewed cohort and straight back (the same price) before the mailer runs; the mailer
    then sends its confirmation and nothing about either move, and every invariant holds."""
    with _worked_by_hand() as machine:
        made = machine.a_booking_paid_at_once_is_moved([REVIEWED, PAY_NOW], False)
        assert isinstance(made, str), "the rule gives the booking's id"
        stored = machine.system.stored(made)
        assert [t.to_course_id for t in stored.transfers] == [REVIEWED, PAY_NOW]
        for job in machine._jobs_now():
            send_email_job(machine.system.ports, job)
        to_them = [m.subject for m in machine.system.sent if m.to == [machine.emails[made]]]
        assert any("confirmed" in subject.lower() for subject in to_them), to_them
        assert not any("moved" in subject.lower() for subject in to_them), to_them


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize(
    ("to", "then"),
    [
        (PAY_NOW, "seat_freed"),
        (CHEAPER, "seat_freed"),
        (CHEAPER, "capacity_raised"),
        (PAY_NOW, "withdraw"),
        (CHEAPER, "cancel"),
    ],
)
def test_the_machine_waits_for_a_full_cohort_with_its_seats_counted(to: str, then: str) -> None:
    """The waiting moves steps worked out by hand (random runs reach a full cohort with a paid
    booking beside it only now and then): a booking waits for a full cohort, then a seat there
    frees or its capacity is raised (it moves, or is asked for the dearer cohort's difference
    with the seat held), or the move is withdrawn or the booking cancelled (it stays, its place
    in line gone); every invariant holds after."""
    with _worked_by_hand() as machine:
        _, confirmed = machine._booking_paid_at_once(to)
        assert confirmed
        made = machine.a_booking_waits_for_a_full_cohort(to, then)
        assert isinstance(made, str), "the rule gives the booking's id"
        stored = machine.system.stored(made)
        assert stored.waiting_move is None
        if then in ("seat_freed", "capacity_raised") and to == CHEAPER:
            assert (stored.course_id, stored.status) == (CHEAPER, S.CONFIRMED)
            assert stored.amount_refunded == 5000
        elif then in ("seat_freed", "capacity_raised"):
            assert stored.pending_move is not None
            assert stored.pending_move.to_course_id == PAY_NOW
        else:
            assert stored.course_id != to


@pytest.mark.usefixtures("_no_real_aws")
def test_the_machine_keeps_one_place_each_between_groups_and_applications() -> None:
    """The steps that name one person twice, worked out by hand (random runs name fresh
    people): colleagues named on a paid group apply on their own (sent to their link), a
    manager names someone who applied (refused); once a place is given up, its colleague
    applies like anyone. Every invariant holds after each."""
    with _worked_by_hand() as machine:
        group = machine.a_group_is_booked_paid_and_filled(INVOICED, 2, False, 1)
        assert isinstance(group, str)
        for place in (1, 2):  # filled through its link, and not yet
            assert not isinstance(machine.a_colleague_named_applies_on_their_own(group, place), str)
            _check_every_invariant(machine)
        applicant = machine._apply(PAY_NOW, False, {})
        assert isinstance(applicant, str)
        assert not isinstance(machine.a_manager_books_someone_who_applied(applicant), str)
        _check_every_invariant(machine)
        machine.manager_gives_up_a_place(group, 2)
        assert isinstance(machine.a_colleague_named_applies_on_their_own(group, 2), str)


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize(
    ("course", "by_invoice", "applying", "reversed_order"),
    [(PAY_NOW, False, 1, True), (INVOICED, True, 0, False)],
    ids=["card_one_held_reversed", "invoice_none_held"],
)
def test_the_machine_refunds_a_group_at_stripe_in_part_then_in_full(
    course: str, by_invoice: bool, applying: int, reversed_order: bool
) -> None:
    """The refund steps worked out by hand, every invariant checked after each step as a run
    checks them: a group of two paid and filled in part is refunded £50 at Stripe (it stands),
    then the rest (it ends: the place a colleague holds stays theirs, the other is released),
    each refund's events delivered one by one (the other way round for the card group), then
    sent again; the manager is told once."""
    with _worked_by_hand() as machine:
        group_id = machine.a_group_is_booked_paid_and_filled(course, 2, by_invoice, applying)
        assert isinstance(group_id, str)
        _check_every_invariant(machine)
        for part in ("some", "all"):
            machine.a_groups_payment_refunded_at_stripe(group_id, part)
            for _ in range(10):  # a 503 is sent again: bounded, as Stripe gives up
                if not machine.system.pending:
                    break
                machine._deliver(len(machine.system.pending) - 1 if reversed_order else 0, False)
                _check_every_invariant(machine)
        group = machine.system.stored_group(group_id)
        assert group.ended_because is GroupEnding.REFUNDED_AT_STRIPE
        assert [p.released for p in group.places] == [applying == 0, True]
        for event in machine.system.standin.events()[:4]:  # the refund events, sent again
            machine.system.stripe_local("POST", f"/events/{event['id']}/resend")
        machine._deliver_all()


def _applied_eleven_minutes_before_a_start(machine: BookingLifecycle) -> tuple[datetime, str]:
    """A start eleven minutes on, to the minute (noon the next day when that is too late in
    London for the step to ask, the clock then eleven minutes before it), and an application
    to the pay-now course made now: the start and the application's id."""
    start = (machine.system.now() + timedelta(minutes=11)).replace(second=0, microsecond=0)
    if start.astimezone(ZoneInfo("Europe/London")).hour >= 22:
        start = start.replace(hour=12) + timedelta(days=1)  # a start the step can ask
        machine._clock_to(start - timedelta(minutes=11))
    made = machine._apply(PAY_NOW, False, {})
    assert isinstance(made, str)
    return start, made


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize("asynchronous", [False, True], ids=["card", "delayed"])
def test_a_checkout_paid_after_a_start_brought_forward_is_given_back(asynchronous: bool) -> None:
    """The machine's finding, by hand: someone applies to the pay-now course and is sent to pay;
    the organiser moves its session to eleven minutes on (200); a minute after that start the
    person completes the checkout (open at Stripe: its hold was 31 minutes), by card, or by a
    delayed method that settles at once. Paid after the course began, it goes back and the
    booking is never confirmed (``domain.paying.completed_late``: the paid webhook reads the
    course with the payment's recorders; it once trusted the hold without reading it)."""
    with _worked_by_hand() as machine:
        start, made = _applied_eleven_minutes_before_a_start(machine)
        stored = machine.system.stored(made)
        assert stored.status is S.AWAITING_PAYMENT
        assert stored.checkout is not None
        assert stored.checkout.expires_at > start
        assert machine._move_the_start(PAY_NOW, start)
        stored = machine._paid_a_minute_after(made, start, asynchronous)
        assert stored.status is not S.CONFIRMED, stored.status_reason
        assert stored.amount_kept == 0
        # The money was taken (the checkout was still open at Stripe) and all of it went back.
        assert stored.money_received > 0
        assert stored.money_returned == stored.money_received


@pytest.mark.usefixtures("_no_real_aws")
def test_a_delayed_payment_completed_before_a_start_brought_forward_is_honoured() -> None:
    """The other side of the rule: the person completes the checkout by a delayed method
    (Bacs, SEPA) while the course has not begun; the organiser then brings the start forward
    into that checkout's hold; the money settles an hour after the new start. They did all
    they could in time: the booking is confirmed and the money kept
    (``CheckoutRef.completed_at``, recorded with the pending payment)."""
    with _worked_by_hand() as machine:
        start, made = _applied_eleven_minutes_before_a_start(machine)
        machine.pay(made, asynchronous=True)
        machine._deliver_all()
        stored = machine.system.stored(made)
        assert stored.payment_pending
        assert stored.checkout is not None
        assert stored.checkout.expires_at > start
        assert machine._move_the_start(PAY_NOW, start)
        machine._clock_to(start + timedelta(hours=1))
        machine.settle_async(made, succeeded=True)
        machine._deliver_all()
        stored = machine.system.stored(made)
        assert stored.status is S.CONFIRMED, stored.status_reason
        assert stored.amount_kept > 0
        _check_every_invariant(machine)


@pytest.mark.usefixtures("_no_real_aws")
def test_a_second_payment_reported_on_a_session_given_back_is_not_counted_unmade() -> None:
    """Found by the machine at 80 examples: the session's own payment was given back
    (paid after a start brought forward: keyed ``refund-<session>``); a signed event then
    reports another payment on that session, in euros. Its refund, keyed the same, met
    Stripe's refusal of a key reused with other parameters and the payment was recorded as
    received and given back though Stripe holds none (money received 40000, Stripe 20000).
    Keyed by the payment too (``domain.payments.unmatched_refund_key``), Stripe says it holds
    no such payment, and none is counted."""
    with _worked_by_hand() as machine:
        soon = machine.system.now() + timedelta(minutes=11)
        if soon.astimezone(ZoneInfo("Europe/London")).hour >= 22:  # a start the step can ask
            machine._clock_to(soon.replace(hour=12) + timedelta(days=1))
        made = machine.a_checkout_is_paid_after_a_start_brought_forward(asynchronous=False)
        assert isinstance(made, str)
        assert machine.system.stored(made).status is S.REFUNDED
        machine.a_signed_event_that_was_not_asked_for(made, "euros")
        stored = machine.system.stored(made)
        assert (stored.money_received, stored.money_returned) == (20000, 20000)
        _check_every_invariant(machine)


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize("overlapping", [False, True], ids=["one_run", "overlapping_runs"])
def test_the_machine_tells_a_waiting_list_once_each_closing(overlapping: bool) -> None:
    """The closing steps worked out by hand (random runs fill a course and reach its closing
    only now and then): the pay-now course full, two people wait; the reminders tick runs
    twice at the closing (the first overlapping another run, or not): each told once. The
    dates move a month later: the list is open again, nobody marked told; at the new closing
    each is told again, once, of that closing."""
    with _worked_by_hand() as machine:
        made = machine.the_waiting_list_is_told_when_applications_close(
            2, 1, 2, overlapping, "dates_later"
        )
        waiting = list(made)
        assert len(waiting) == 4  # two booked, two waiting
        told = machine._wait_ended_jobs()
        waited = [w for w in waiting if machine.system.stored(w).status is S.WAITLISTED]
        assert len(waited) == 2
        for app_id in waited:
            assert len(told[app_id]) == 2, told.get(app_id)  # one email each closing
            assert machine.system.stored(app_id).status_reason == APPLICATIONS_CLOSED


@pytest.mark.usefixtures("_no_real_aws")
def test_the_machine_tells_a_booking_cancelled_with_its_refund_once_however_often_refunded() -> (
    None
):
    """Found by the machine in CI's examples once its steps changed: a booking paid at
    once is cancelled with its refund (Stripe's events not heard yet), and *Refund* is then
    asked: 200, nothing changed (docs/features/refunds.md), so it is no refund afterwards;
    delivered, the booking ends refunded, told once, by its cancellation ("refund on its way").
    The machine had counted it refunded afterwards and waited for a second email."""
    with _worked_by_hand() as machine:
        made, confirmed = machine._booking_paid_at_once(PAY_NOW)
        assert confirmed
        machine.cancel(made, refund=True)
        machine.organiser_refunds_afterwards(made, twice=True)
        assert made not in machine.refunded_afterwards
        machine._deliver_all()
        assert machine.system.stored(made).status is S.REFUNDED
        told = [j for j in machine._jobs_now() if j.application_id == made]
        assert [(j.kind, j.reason) for j in told if j.kind in _TOLD_OF_REFUND] == [
            (EmailKind.CANCELLED, "refund_requested")
        ]


_TOLD_OF_REFUND = (EmailKind.CANCELLED, EmailKind.PAYMENT_REFUNDED)


@pytest.mark.usefixtures("_no_real_aws")
@pytest.mark.parametrize(
    ("how", "then"),
    [
        ("api", "given back in full"),
        ("api_with_details", "given back in part"),
        ("dashboard", "cancelled"),
        ("api", "kept"),
    ],
)
def test_the_machine_cancels_a_booking_paid_outside_stripe_and_gives_its_money_back(
    how: str, then: str
) -> None:
    """The steps for money that never passes through Stripe, worked out by hand (random runs
    reach a booking by invoice recorded paid, cancelled and given back only now and then): the
    employer's bank transfer recorded (by the API, with its day and way, or on Stripe's
    dashboard), the booking kept, or cancelled (a refund through Stripe refused, the seat freed
    once) and its money given back by hand, in part or all; every invariant holds after."""
    with _worked_by_hand() as machine:
        application_id = machine.a_booking_paid_outside_stripe_is_cancelled_and_given_back(
            how, then
        )
        assert isinstance(application_id, str)
        stored = machine.system.stored(application_id)
        given = {"given back in full": 20000, "given back in part": 5000}.get(then, 0)
        assert stored.status is (S.CONFIRMED if then == "kept" else S.CANCELLED)
        assert (stored.amount_paid, given_back_total(stored.given_back)) == (20000, given)
        assert machine.system.standin.money_taken().get(application_id, 0) == 0
