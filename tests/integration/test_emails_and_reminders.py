"""The mailer and reminder handlers against moto (in-process), driven by the sample events.

Time is frozen with time-machine; the reminder handler takes *now* from its event.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from booking import bootstrap
from booking.adapters.dynamodb import StoresOnDemand
from booking.adapters.dynamodb.schema import TABLE_DEFINITION
from booking.adapters.ses_sender import SesSender
from booking.config import Settings
from booking.domain.application import Application, ApplicationStatus, CheckoutRef
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, FollowUpRecipient, OutgoingEmail
from booking.domain.programme import person_key
from booking.domain.run_time import RunAheadOfClock
from booking.handlers import mailer, relay, reminders, ses_events
from booking.services import courses
from booking.services.ports import EmailSendError, Ports, Repository
from infra.local.aws import REGION, SENDER_EMAIL, bind_local_resources
from infra.local.mail import sqs_event
from infra.local.moto_lean import keep_moto_lean
from infra.local.relay import StreamRelay
from infra.local.server import lambda_context
from tests.conftest import load_event
from tests.support.applications import an_application, answers_of
from tests.support.cohort_2025 import cohort_2025

COURSE = "cl-2025-06"
EARLIER = "cl-2024-06"
WINTER = "cl-2025-02"  # a third cohort of the programme, listing the same follow-up
JUNE_START = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # session 1, 15:00 BST
DECEMBER_START = datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # follow-up, 16:00 GMT
PROGRAMME = "compassionate-leadership"
DECEMBER_KEY = "fu-20251208t1600z"


def definition_2025(**overrides: Any) -> CourseDefinition:
    data: dict[str, Any] = {
        "programme": "compassionate-leadership",
        "title": "Compassionate Leadership Training",
        "price": {"amount": 20000},
        "capacity": 20,
        "facilitators": ["facilitators@example.org"],
        "enquiries_email": "enquiries@example.org",
        "joining_url": "https://example.org/join",
        "reminder_offsets_hours": [24, 1],
        "sessions": [
            {
                "date": "2025-06-02",
                "start_time": "15:00",
                "end_time": "17:00",
                "home_practice": "Notice one moment each day when you listened fully.",
            },
            {"date": "2025-06-09", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2025-12-08", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"},
        ],
    }
    data.update(overrides)
    return CourseDefinition.model_validate(data)


def definition_2024() -> CourseDefinition:
    return definition_2025(
        sessions=[{"date": "2024-06-03", "start_time": "15:00", "end_time": "17:00"}]
    )


def definition_winter(**overrides: Any) -> CourseDefinition:
    """Mondays in February 2025 (GMT), listing the December follow-up as the June cohort does,
    with its own enquiries address: one event, hosted by the cohort that started first."""
    return definition_2025(
        enquiries_email="winter@example.org",
        joining_url="https://example.org/join-winter",
        sessions=[
            {"date": "2025-02-03", "start_time": "15:00", "end_time": "17:00"},
            {"date": "2025-12-08", "start_time": "16:00", "end_time": "17:00", "kind": "follow_up"},
        ],
        **overrides,
    )


def core_reminder(app_id: str, index: int, offset: int, start: datetime | None = None) -> str:
    when = start or SESSION_STARTS[index]
    return f"session_reminder:{app_id}:{COURSE}:s{index}:{when:%Y%m%dT%H%MZ}:h{offset}"


def follow_up(email: str, offset: int | None = None) -> str:
    """The job id of the December follow-up's invitation (no offset) or reminder, to a person."""
    to = FollowUpRecipient(
        person=person_key(email),
        application_id="any",
        programme=PROGRAMME,
        event_key=DECEMBER_KEY,
        session_start=DECEMBER_START,
        host_course_id=COURSE,
    )
    kind = EmailKind.FOLLOW_UP_INVITATION if offset is None else EmailKind.SESSION_REMINDER
    return EmailJob.follow_up(kind, to, offset_hours=offset).job_id


@dataclass
class RecordingSender:
    """Sends through the real SES adapter (moto) and remembers what went out."""

    real: SesSender
    sent: list[OutgoingEmail] = field(default_factory=list)
    fail_next: int = 0

    def send(self, message: OutgoingEmail) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise EmailSendError("SES refused the message (Throttling)")
        message_id = self.real.send(message)
        self.sent.append(message)
        return message_id


@dataclass
class Harness:
    ports: Ports
    sender: RecordingSender
    queue_url: str
    sqs: Any
    dynamodb: Any
    table: str
    stream: StreamRelay

    @property
    def repository(self) -> Repository:
        assert isinstance(self.ports.repository, StoresOnDemand)
        return self.ports.repository

    def person(
        self,
        app_id: str,
        course_id: str,
        email: str,
        status: ApplicationStatus = ApplicationStatus.CONFIRMED,
        created: datetime | None = None,
    ) -> Application:
        moment = created or datetime(2025, 4, 1, tzinfo=UTC)
        application = an_application(
            status,
            at=moment,
            app_id=app_id,
            course_id=course_id,
            # An answer that would run as script if a message put it in HTML unescaped.
            answers=answers_of(email, f"Person {app_id}", motivation="<script>alert(1)</script>"),
            amount_paid=20000,
        )
        return self.repository.save(application, None)

    def tick(self, moment: datetime) -> dict[str, Any]:
        event = copy.deepcopy(load_event("scheduler/reminder_tick.json"))
        event["time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        with time_machine.travel(moment, tick=False):
            result: dict[str, Any] = reminders.handler(event, lambda_context("booking-reminders"))
        return result

    def drain(self, moment: datetime) -> list[dict[str, Any]]:
        """Deliver every queued job to the mailer handler, as the SQS event source would
        (after the stream has relayed the outbox to the queue)."""
        answers: list[dict[str, Any]] = []
        with time_machine.travel(moment, tick=False):
            self.stream.pump()
            while True:
                messages = self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=10,
                    AttributeNames=["All"],
                    VisibilityTimeout=0,
                ).get("Messages", [])
                if not messages:
                    return answers
                answer = mailer.handler(
                    sqs_event(messages, "arn:aws:sqs:eu-west-2:1:q"),
                    lambda_context("booking-mailer"),
                )
                answers.append(answer)
                failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
                for message in messages:
                    if message["MessageId"] not in failed:
                        self.sqs.delete_message(
                            QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                        )
                if failed:
                    return answers

    def items(self, prefix: str) -> list[dict[str, Any]]:
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=self.table)
        return [i for p in pages for i in p.get("Items", []) if i["pk"]["S"].startswith(prefix)]

    def sent_job_ids(self) -> set[str]:
        return {
            i["pk"]["S"].removeprefix("EMAIL#")
            for i in self.items("EMAIL#")
            if i["state"]["S"] == "sent"
        }


@dataclass(frozen=True)
class Aws:
    dynamodb: Any
    sqs: Any
    sesv2: Any


@pytest.fixture(scope="module")
def aws() -> Iterator[Aws]:
    """One in-process moto for the module (clients are the slow part); each test or
    hypothesis example gets its own table and queue below. moto as the local stack keeps it
    (``infra.local.moto_lean``: the same answers, each table copied once per transaction), in
    this process from here on whichever test ran first."""
    keep_moto_lean()
    with mock_aws():
        sesv2 = boto3.client("sesv2", region_name=REGION)
        sesv2.create_email_identity(EmailIdentity=SENDER_EMAIL)
        yield Aws(
            boto3.client("dynamodb", region_name=REGION),
            boto3.client("sqs", region_name=REGION),
            sesv2,
        )


@contextmanager
def running_system(aws: Aws) -> Iterator[Harness]:
    table = f"booking-{uuid.uuid4().hex[:12]}"
    aws.dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", **TABLE_DEFINITION)
    queue_url = aws.sqs.create_queue(QueueName=table)["QueueUrl"]
    bind_local_resources(table, queue_url)
    config = Settings(
        table_name=table,
        email_queue_url=queue_url,
        public_base_url="https://book.example.org",
        stripe_secret_key="sk_test_unused",
        sender_email=SENDER_EMAIL,
    )
    sender = RecordingSender(SesSender(aws.sesv2, SENDER_EMAIL))
    ports = dataclasses.replace(
        bootstrap.build(config, dynamodb=aws.dynamodb, sqs=aws.sqs, sesv2=aws.sesv2),
        payment_gateway_factory=lambda: pytest.fail("no payments here"),
        sender_factory=lambda: sender,
    )
    bootstrap.use(ports)
    stream = StreamRelay(table, relay.handler, lambda: lambda_context("booking-relay"))
    try:
        with time_machine.travel(datetime(2025, 4, 1, tzinfo=UTC), tick=False):
            ports.repository.put_course(COURSE, definition_2025())
            ports.repository.put_course(EARLIER, definition_2024())
        yield Harness(ports, sender, queue_url, aws.sqs, aws.dynamodb, table, stream)
    finally:
        bootstrap.reset()
        aws.dynamodb.delete_table(TableName=table)
        aws.sqs.delete_queue(QueueUrl=queue_url)


@pytest.fixture
def harness(aws: Aws) -> Iterator[Harness]:
    with running_system(aws) as system:
        yield system


def test_session_rows_are_written_and_replaced_with_the_course(harness: Harness) -> None:
    rows = harness.repository.sessions_starting(
        datetime(2025, 5, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert [(r.course_id, r.index, r.start) for r in rows] == [
        (COURSE, 1, JUNE_START),
        (COURSE, 2, JUNE_START + timedelta(days=7)),
        (COURSE, 3, DECEMBER_START),
    ]
    harness.repository.put_course(
        COURSE,
        definition_2025(
            sessions=[{"date": "2025-06-02", "start_time": "16:00", "end_time": "17:00"}]
        ),
    )
    rows = harness.repository.sessions_starting(
        datetime(2025, 5, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert [(r.index, r.start) for r in rows] == [(1, JUNE_START + timedelta(hours=1))]
    assert len(harness.items("COURSE#" + COURSE)) == 2  # course + its one session row


def test_sample_email_job_event_sends_a_confirmation_with_ten_event_calendar(
    harness: Harness,
) -> None:
    harness.repository.put_course(COURSE, cohort_2025())
    harness.person("app1", COURSE, "ada@example.org")
    event = json.loads(
        json.dumps(load_event("sqs/email_job.json"))
        .replace("APPLICATION_ID", "app1")
        .replace("COURSE_ID", COURSE)
    )
    with time_machine.travel(datetime(2025, 5, 1, tzinfo=UTC), tick=False):
        answer = mailer.handler(event, lambda_context("booking-mailer"))
        again = mailer.handler(event, lambda_context("booking-mailer"))
    assert answer == {"batchItemFailures": []}
    assert again == {"batchItemFailures": []}
    [message] = harness.sender.sent  # the redelivery was de-duplicated by job id
    assert message.to == ["ada@example.org"]
    [ics] = message.attachments
    assert ics.content.count(b"BEGIN:VEVENT") == 10
    assert b"DTSTART:20250602T140000Z" in ics.content  # Monday 15:00 BST
    assert b"DTSTART:20250918T150000Z" in ics.content  # Thursday 16:00 BST
    assert b"DTSTART:20251118T130000Z" in ics.content  # Tuesday 13:00 GMT
    assert b"DTSTART:20251208T160000Z" in ics.content  # Monday 16:00 GMT


def test_ses_throttling_fails_only_that_record_and_a_retry_sends_it(harness: Harness) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    harness.person("app2", COURSE, "bob@example.org")
    jobs = [EmailJob.about(EmailKind.BOOKING_CONFIRMED, a, COURSE) for a in ("app1", "app2")]
    harness.ports.email_queue.send(jobs)
    harness.sender.fail_next = 1
    [first, *_] = harness.drain(datetime(2025, 5, 1, tzinfo=UTC))
    assert len(first["batchItemFailures"]) == 1
    assert len(harness.sender.sent) == 1
    harness.drain(datetime(2025, 5, 1, 0, 1, tzinfo=UTC))
    assert sorted(m.to[0] for m in harness.sender.sent) == ["ada@example.org", "bob@example.org"]


def test_a_claim_left_sending_is_retried_only_after_the_visibility_timeout(
    harness: Harness,
) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    job = EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", COURSE)
    crashed_at = datetime(2025, 5, 1, tzinfo=UTC)
    harness.repository.claim_email(job.job_id, crashed_at, crashed_at)  # died after claiming
    harness.ports.email_queue.send([job])
    [answer] = harness.drain(crashed_at + timedelta(seconds=30))
    assert len(answer["batchItemFailures"]) == 1  # in flight elsewhere, as far as we know
    assert harness.sender.sent == []
    harness.drain(crashed_at + timedelta(minutes=4))
    assert len(harness.sender.sent) == 1


def test_bounced_addresses_get_no_more_mail(harness: Harness) -> None:
    harness.person("app1", COURSE, "bounced.person@example.org")
    result = ses_events.handler(load_event("sns/ses_bounce.json"), lambda_context("ses-events"))
    assert result == {"suppressed": 1, "ignored": 0}
    assert all("bounced" not in json.dumps(i) for i in harness.items("SUPPRESSED#"))
    harness.ports.email_queue.send([EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", COURSE)])
    harness.drain(datetime(2025, 5, 1, tzinfo=UTC))
    assert harness.sender.sent == []


def test_tick_23h50_before_session_one_reminds_each_attendee_once(harness: Harness) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    harness.person("app2", COURSE, "bob@example.org")
    harness.person("app3", COURSE, "cy@example.org", status=ApplicationStatus.AWAITING_PAYMENT)
    harness.person("app4", COURSE, "di@example.org", status=ApplicationStatus.REFUNDED)
    moment = JUNE_START - timedelta(hours=23, minutes=50)
    summary = harness.tick(moment)
    assert summary["queued"] == 2
    harness.drain(moment)
    assert harness.tick(moment + timedelta(minutes=15)).get("queued", 0) == 0
    harness.drain(moment + timedelta(minutes=15))
    assert sorted(m.to[0] for m in harness.sender.sent) == ["ada@example.org", "bob@example.org"]
    reminder = harness.sender.sent[0]
    assert reminder.subject == "Reminder: Session 1 of 2, tomorrow at 15:00 BST"
    assert "Monday 2 June 2025, 15:00-17:00 BST" in reminder.text
    assert "https://example.org/join" in reminder.text
    assert "Notice one moment each day" in reminder.text
    # Named by what it is about: booking, course, session (key and start), offset.
    assert harness.sent_job_ids() == {
        "session_reminder:app1:cl-2025-06:s1:20250602T1400Z:h24",
        "session_reminder:app2:cl-2025-06:s1:20250602T1400Z:h24",
    }


def test_the_sample_tick_event_takes_now_from_its_time(harness: Harness) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    event = load_event("scheduler/reminder_tick.json")  # 2025-06-01T14:10Z
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        summary = reminders.handler(event, lambda_context("booking-reminders"))
    assert summary["time"] == "2025-06-01T14:10:00Z"
    assert summary["queued"] == 1


def test_a_tick_ahead_of_the_functions_clock_is_refused_and_writes_nothing(
    harness: Harness,
) -> None:
    """The schedule may run late, never early (``domain.run_time``): an event whose time the
    function's clock has not reached (a person's ``run-reminders --at`` a later day against a
    deployed stage) is refused before anything is read or written; once the clock has passed
    it, the same event runs."""
    harness.person("app1", COURSE, "ada@example.org")
    event = load_event("scheduler/reminder_tick.json")  # 2025-06-01T14:10Z: app1's 24 h
    table = harness.items("")
    with (
        time_machine.travel(datetime(2025, 6, 1, 14, 9, 59, tzinfo=UTC), tick=False),
        pytest.raises(RunAheadOfClock, match="2025-06-01T14:10:00Z is ahead of"),
    ):
        reminders.handler(event, lambda_context("booking-reminders"))
    assert harness.items("") == table
    assert harness.drain(datetime(2025, 6, 1, 14, 10, tzinfo=UTC)) == []
    with time_machine.travel(datetime(2025, 6, 1, 14, 25, tzinfo=UTC), tick=False):
        summary = reminders.handler(event, lambda_context("booking-reminders"))
    assert (summary["time"], summary["queued"]) == ("2025-06-01T14:10:00Z", 1)


def test_a_late_tick_with_an_older_time_cannot_send_a_superseded_reminder(
    harness: Harness,
) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    harness.tick(JUNE_START - timedelta(minutes=30))  # 1 h reminder; 24 h superseded
    harness.tick(JUNE_START - timedelta(hours=20))  # a retried tick from earlier that day
    harness.drain(JUNE_START - timedelta(minutes=29))
    assert harness.sent_job_ids() == {core_reminder("app1", 1, 1)}


def test_a_refund_after_the_claim_stops_the_reminder_at_send_time(harness: Harness) -> None:
    confirmed = harness.person("app1", COURSE, "ada@example.org")
    harness.tick(JUNE_START - timedelta(hours=2))
    refunded = confirmed.moved_to(ApplicationStatus.REFUNDED, JUNE_START - timedelta(hours=2))
    harness.repository.save(refunded, confirmed)
    harness.drain(JUNE_START - timedelta(hours=2))
    assert harness.sender.sent == []


def test_graduates_of_the_programme_are_invited_once_each(harness: Harness) -> None:
    harness.repository.put_course(WINTER, definition_winter())
    harness.person("app1", COURSE, "ada@example.org")
    harness.person("old1", EARLIER, "ADA@example.org", created=datetime(2024, 4, 1, tzinfo=UTC))
    harness.person("old2", EARLIER, "eve@example.org", created=datetime(2024, 4, 1, tzinfo=UTC))
    harness.person("old3", EARLIER, "fay@example.org", status=ApplicationStatus.CANCELLED)
    harness.person("win1", WINTER, "eve@example.org")  # Eve took two cohorts
    harness.person("win2", WINTER, "gus@example.org")
    moment = DECEMBER_START - timedelta(days=13)
    harness.tick(moment)
    harness.tick(moment + timedelta(minutes=15))
    harness.drain(moment)
    invitations = [m for m in harness.sender.sent if m.subject.startswith("You are invited")]
    # One event, though two cohorts list it; one invitation per person, whatever they took
    # (to the address as the booking the message is about has it: Ada's from 2024 shouts).
    assert sorted(m.to[0].lower() for m in invitations) == [
        "ada@example.org",
        "eve@example.org",
        "gus@example.org",
    ]
    for message in invitations:
        [ics] = message.attachments
        assert ics.content.count(b"BEGIN:VEVENT") == 1
        assert b"DTSTART:20251208T160000Z" in ics.content
        # The host is the cohort that started first (winter): its link and its Reply-To.
        assert message.reply_to == ["winter@example.org"]
        assert "https://example.org/join-winter" in message.text
    harness.tick(DECEMBER_START - timedelta(hours=23))
    harness.drain(DECEMBER_START - timedelta(hours=23))
    follow_ups = [m for m in harness.sender.sent if m.subject.startswith("Reminder")]
    assert sorted(m.to[0].lower() for m in follow_ups) == [
        "ada@example.org",
        "eve@example.org",
        "gus@example.org",
    ]
    assert follow_ups[0].subject == "Reminder: Follow-up session 1 of 1, tomorrow at 16:00 GMT"
    assert "Monday 8 December 2025, 16:00-17:00 GMT" in follow_ups[0].text
    assert harness.sent_job_ids() >= {
        follow_up(email, offset)
        for email in ("ada@example.org", "eve@example.org", "gus@example.org")
        for offset in (None, 24)
    }


def test_a_follow_up_reminds_each_graduate_at_their_own_cohorts_offsets(
    harness: Harness,
) -> None:
    # The winter cohort hosts the event but reminds only a day ahead: the June cohort's
    # graduates keep the hour's reminder their own file promised.
    harness.repository.put_course(WINTER, definition_winter(reminder_offsets_hours=[24]))
    harness.person("app1", COURSE, "ada@example.org")
    harness.person("win1", WINTER, "gus@example.org")
    # Invited first: an invitation that goes when a reminder is due is that reminder.
    invited = DECEMBER_START - timedelta(days=13)
    harness.tick(invited)
    harness.drain(invited)
    moment = DECEMBER_START - timedelta(minutes=59)
    harness.tick(moment)
    harness.drain(moment)
    reminded = {i["pk"]["S"].removeprefix("EMAIL#") for i in harness.items("EMAIL#")}
    assert follow_up("ada@example.org", 1) in harness.sent_job_ids()
    assert follow_up("gus@example.org", 24) in harness.sent_job_ids()
    assert follow_up("gus@example.org", 1) not in reminded


def test_a_moved_session_is_reminded_again_and_every_attendee_gets_the_new_entry(
    harness: Harness,
) -> None:
    harness.person("app1", COURSE, "ada@example.org")
    harness.person("app2", COURSE, "bob@example.org")
    before = JUNE_START - timedelta(hours=23)
    harness.tick(before)
    harness.drain(before)
    assert harness.sent_job_ids() == {core_reminder(a, 1, 24) for a in ("app1", "app2")}
    # The organiser moves session 1 a week later (after its 24-hour reminder went out).
    moved = definition_2025().model_dump(mode="json")
    moved["sessions"][0]["date"] = "2025-06-04"
    with time_machine.travel(before, tick=False):
        courses.put_course(harness.ports, COURSE, CourseDefinition.model_validate(moved))
    harness.drain(before)
    updates = [m for m in harness.sender.sent if m.subject.startswith("Changed dates")]
    assert sorted(m.to[0] for m in updates) == ["ada@example.org", "bob@example.org"]
    new_start = JUNE_START + timedelta(days=2)
    for update in updates:
        [ics] = update.attachments
        assert b"DTSTART:20250604T140000Z" in ics.content
        assert b"DTSTART:20250602T140000Z" not in ics.content
        assert "Wednesday 4 June 2025, 15:00-17:00 BST (CHANGED)" in update.text
    # The old time passes without a word; the new time gets its own reminders.
    harness.tick(JUNE_START - timedelta(minutes=30))
    harness.tick(new_start - timedelta(hours=23))
    harness.drain(new_start - timedelta(hours=23))
    assert harness.sent_job_ids() >= {
        core_reminder(a, 1, 24, start=new_start) for a in ("app1", "app2")
    }
    reminders_sent = [m for m in harness.sender.sent if m.subject.startswith("Reminder")]
    assert len(reminders_sent) == 4
    assert reminders_sent[-1].subject.endswith("tomorrow at 15:00 BST")
    assert "Wednesday 4 June 2025, 15:00-17:00 BST" in reminders_sent[-1].text


def test_a_crash_between_claim_and_queue_is_resumed_by_the_next_run(harness: Harness) -> None:
    harness.person("app1", COURSE, "ada@example.org")

    class Crashing:
        def send(self, jobs: Any) -> None:
            raise RuntimeError("function timed out")

    real_queue = harness.ports.email_queue
    harness.ports.email_queue = Crashing()
    with pytest.raises(RuntimeError):
        harness.tick(JUNE_START - timedelta(hours=3))
    harness.ports.email_queue = real_queue
    summary = harness.tick(JUNE_START - timedelta(hours=2, minutes=45))
    assert summary["requeued"] == 1
    assert summary["queued"] == 1
    harness.drain(JUNE_START - timedelta(hours=2, minutes=45))
    assert harness.sent_job_ids() == {core_reminder("app1", 1, 24)}
    assert harness.items("REMINDER#")[0]["state"]["S"] == "queued"


# -- the property: exactly one reminder per (attendee, session, offset) ----------------------

SESSION_STARTS = {1: JUNE_START, 2: JUNE_START + timedelta(days=7), 3: DECEMBER_START}
CORE_ATTENDEES = ("a1", "a2")
# One per person, of three cohorts: Ada (this cohort and 2024), Bob (this cohort), Eve (2024
# and the winter cohort) and Gus (winter). Cy, Di and Fay never held a confirmed place.
GRADUATES = ("ada@example.org", "bob@example.org", "eve@example.org", "gus@example.org")
CRASHES = (None, "before_queue", "after_queue")

tick_strategy = st.one_of(
    st.tuples(st.sampled_from([1, 2]), st.integers(min_value=-50 * 60, max_value=60)),
    st.tuples(st.just(3), st.integers(min_value=-15 * 24 * 60, max_value=60)),
).map(lambda pair: SESSION_STARTS[pair[0]] + timedelta(minutes=pair[1]))


def expected_jobs(ticks: list[datetime], offsets: set[int]) -> set[str]:
    def nearest_due(start: datetime, moment: datetime) -> int | None:
        return min(
            (o for o in offsets if start - timedelta(hours=o) <= moment < start), default=None
        )

    jobs: set[str] = set()
    window = [t for t in ticks if DECEMBER_START - timedelta(days=14) <= t < DECEMBER_START]
    invited_at = min(window, default=None)
    # The reminder due when the invitation went, if any, is the invitation: no job of its own.
    in_invitation = nearest_due(DECEMBER_START, invited_at) if invited_at else None
    for index, start in SESSION_STARTS.items():
        for moment in ticks:
            due = nearest_due(start, moment)
            if due is None:
                continue
            if index == 3 and due != in_invitation:
                jobs |= {follow_up(person, due) for person in GRADUATES}
            elif index != 3:
                jobs |= {core_reminder(a, index, due) for a in CORE_ATTENDEES}
    if invited_at is not None:
        jobs |= {follow_up(person) for person in GRADUATES}
    return jobs


def run_tick(system: Harness, moment: datetime, crash: str | None) -> None:
    """One scheduled invocation; a crashed one is retried with the same event, as
    EventBridge Scheduler does."""
    if crash == "before_queue":

        class Crashing:
            def send(self, jobs: Any) -> None:
                raise RuntimeError("crash after claiming, before queueing")

        real = system.ports.email_queue
        system.ports.email_queue = Crashing()
        try:
            system.tick(moment)
        except RuntimeError:
            pass
        finally:
            system.ports.email_queue = real
    elif crash == "after_queue":
        repository = system.ports.repository

        def crash_on_mark(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("crash after queueing, before marking queued")

        repository.mark_reminder_queued = crash_on_mark  # type: ignore[method-assign]
        try:
            system.tick(moment)
        except RuntimeError:
            pass
        finally:
            del repository.mark_reminder_queued
    system.tick(moment)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ticks=st.lists(
        st.tuples(tick_strategy, st.sampled_from(CRASHES), st.booleans()), min_size=1, max_size=7
    ),
    offsets=st.sets(st.sampled_from([1, 3, 24, 48]), min_size=1, max_size=3),
)
def test_each_attendee_gets_exactly_one_reminder_per_due_offset(
    aws: Aws, ticks: list[tuple[datetime, str | None, bool]], offsets: set[int]
) -> None:
    with running_system(aws) as system:
        system.repository.put_course(
            COURSE, definition_2025(reminder_offsets_hours=sorted(offsets))
        )
        # The winter cohort started first, so it hosts the December follow-up: its offsets.
        system.repository.put_course(
            WINTER, definition_winter(reminder_offsets_hours=sorted(offsets))
        )
        system.person("a1", COURSE, "ada@example.org")
        system.person("a2", COURSE, "bob@example.org")
        system.person("a3", COURSE, "cy@example.org", status=ApplicationStatus.AWAITING_PAYMENT)
        system.person("a4", COURSE, "di@example.org", status=ApplicationStatus.REFUNDED)
        system.person("old1", EARLIER, "ADA@example.org")
        system.person("old2", EARLIER, "eve@example.org")
        system.person("old3", EARLIER, "fay@example.org", status=ApplicationStatus.CANCELLED)
        system.person("w1", WINTER, "EVE@example.org")
        system.person("w2", WINTER, "gus@example.org")

        for moment, crash, duplicated in sorted(ticks, key=lambda t: t[0]):
            run_tick(system, moment, crash)
            if duplicated:  # a second scheduler firing for the same moment
                system.tick(moment)
            system.drain(moment)

        expected = expected_jobs([t[0] for t in ticks], offsets)
        assert system.sent_job_ids() == expected
        assert len(system.sender.sent) == len(expected)  # no job was sent twice
        unconfirmed = {"cy@example.org", "di@example.org", "fay@example.org"}
        assert not unconfirmed & {m.to[0] for m in system.sender.sent}


def test_a_record_that_is_not_a_job_fails_alone_and_its_text_is_not_logged(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mailer's own partial batch answer: the record whose body is not an email job (here
    one quoting an address) goes back to the queue alone, the job beside it is sent, and the log
    names the failed record by its message id and the error by its type, never by its text."""
    log = io.StringIO()
    monkeypatch.setattr(mailer.logger.registered_handler, "stream", log)
    harness.person("app1", COURSE, "ada@example.org")
    job = EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", COURSE)
    messages: list[dict[str, Any]] = [
        {"MessageId": "m-bad", "ReceiptHandle": "r1", "Body": '{"to": "eve@example.org"}'},
        {"MessageId": "m-good", "ReceiptHandle": "r2", "Body": job.model_dump_json()},
    ]
    with time_machine.travel(datetime(2025, 5, 1, tzinfo=UTC), tick=False):
        answer = mailer.handler(
            sqs_event(messages, "arn:aws:sqs:eu-west-2:1:q"), lambda_context("booking-mailer")
        )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-bad"}]}
    assert [m.to for m in harness.sender.sent] == [["ada@example.org"]]
    logged = log.getvalue()
    assert "m-bad" in logged
    assert "ValidationError" in logged
    assert "eve@example.org" not in logged


def _search_owed(harness: Harness, moment: datetime) -> None:
    """An erasure's search at Stripe owed since an hour before ``moment``."""
    harness.repository.owe_provider_search(
        "erased@example.org", (), moment - timedelta(hours=1), moment + timedelta(days=30)
    )


def _hold_lapsed(harness: Harness, moment: datetime) -> None:
    """Someone's unpaid hold lapsed five minutes before ``moment``: the sweep expires its
    checkout at Stripe before it gives the seat back."""
    lapsed = moment - timedelta(minutes=5)
    checkout = CheckoutRef(session_id="cs_lapsed", url="https://pay", attempt=1, expires_at=lapsed)
    unpaid = an_application(
        ApplicationStatus.AWAITING_PAYMENT,
        at=lapsed - timedelta(minutes=30),
        app_id="app2",
        course_id=COURSE,
        answers=answers_of("bo@example.org", "Bo"),
        seat_held=True,
        hold_expires_at=lapsed,
        checkout=checkout,
    )
    harness.repository.save(unpaid, None)


@pytest.mark.parametrize("waits_on_stripe", [_search_owed, _hold_lapsed])
def test_nothing_that_waits_on_stripe_holds_the_reminders(
    harness: Harness, waits_on_stripe: Callable[[Harness, datetime], None]
) -> None:
    """The run queues its reminders before anything that asks Stripe (what erasures still owe
    there, a lapsed hold's checkout expired there), so even a Stripe that held the run until
    Lambda ended it (the run asks briefly: ``test_stripe_hangs``) would leave them queued.
    (This harness has no Stripe: its first use ends the run, as Lambda's timeout would.)"""
    harness.person("app1", COURSE, "ada@example.org")
    moment = JUNE_START - timedelta(hours=23, minutes=50)
    waits_on_stripe(harness, moment)

    with pytest.raises(pytest.fail.Exception):
        harness.tick(moment)

    harness.drain(moment)
    assert [m.to[0] for m in harness.sender.sent] == ["ada@example.org"]
