"""Every email kind renders (text, HTML, subject) and applicant values are escaped in HTML."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from icalendar import Calendar

from booking.adapters.ses_sender import build_mime
from booking.domain.application import Answers, Application, ApplicationStatus, CheckoutRef
from booking.domain.course import Course, CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.services.mailer import compose
from tests.fakes import fake_ports
from tests.support.cohort_2025 import COHORT_2025_DATES

COURSES = Path(__file__).resolve().parents[2] / "courses"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def course_2025(version: int = 3) -> Course:
    data = json.loads((COURSES / "compassionate-leadership.json").read_text())
    for session, day in zip(data["sessions"], COHORT_2025_DATES, strict=True):
        session["date"] = day
    data["decline_message"] = "Sorry: " + HOSTILE
    return Course(
        course_id="cl-2025-06", definition=CourseDefinition.model_validate(data), version=version
    )


def composed(
    job: EmailJob, app: Application, course: Course, to: list[str], base_url: str = "https://b"
) -> OutgoingEmail:
    """The email as the mailer would send it, at the fixed NOW of these tests."""
    ports = dataclasses.replace(fake_ports(), public_base_url=base_url)
    return compose(ports, job, app, course, to, now=NOW)


def application(status: ApplicationStatus = ApplicationStatus.CONFIRMED) -> Application:
    return Application(
        application_id="app1",
        course_id="cl-2025-06",
        status=status,
        token="tok",
        answers=Answers(
            name=HOSTILE,
            email="ada@example.org",
            job_title=HOSTILE,
            organisation=HOSTILE,
            leadership_role=HOSTILE,
            motivation=HOSTILE,
            accessibility_needs=HOSTILE,
        ),
        created_at=NOW,
        updated_at=NOW,
        amount_paid=20000,
        checkout=CheckoutRef(
            session_id="cs_1",
            url="https://pay.example/cs_1",
            expires_at=NOW + timedelta(minutes=30),
            attempt=1,
        ),
        seat_held=True,
        offer_expires_at=NOW + timedelta(hours=48),
    )


def job_for(kind: EmailKind) -> EmailJob:
    index = {EmailKind.SESSION_REMINDER: 2, EmailKind.FOLLOW_UP_INVITATION: 7}.get(kind)
    return EmailJob.about(
        kind,
        "app1",
        "cl-2025-06",
        session_index=index,
        offset_hours=24 if index == 2 else None,
        reason="course_full",
    )


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_renders_and_escapes_applicant_values(kind: EmailKind) -> None:
    status = (
        ApplicationStatus.AWAITING_PAYMENT
        if kind is EmailKind.APPLICATION_RECEIVED
        else ApplicationStatus.CONFIRMED
    )
    message = composed(
        job_for(kind),
        application(status),
        course_2025(),
        ["ada@example.org"],
        base_url="https://book.example.org",
    )
    assert message.subject
    assert "\n" not in message.subject
    assert "<script>" not in message.html
    assert "<b>bold</b>" not in message.html
    assert message.reply_to == ["enquiries@example.org"]
    assert "Compassionate Leadership Training" in message.text
    # Names and free text that appear are escaped in HTML, verbatim in plain text.
    if HOSTILE in message.text:
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in (
            message.html
        )
    assert "{{" not in message.text
    assert "{%" not in message.html


def test_facilitator_copy_has_every_answer() -> None:
    message = composed(
        job_for(EmailKind.FACILITATOR_COPY),
        application(),
        course_2025(),
        ["facilitators@example.org"],
    )
    assert message.text.count(HOSTILE) == 6  # name, job, organisation, role, motivation, needs
    assert message.html.count("&lt;script&gt;") == 6
    assert "ada@example.org" in message.text


def test_reminder_says_which_session_when_and_where() -> None:
    message = composed(
        job_for(EmailKind.SESSION_REMINDER), application(), course_2025(), ["ada@example.org"]
    )
    assert message.subject == "Reminder: Session 2 of 6, Monday 9 June 2025, 15:00-17:00 BST"
    assert "session 2 of 6" in message.text
    assert "https://example.org/join/compassionate-leadership" in message.text
    assert "Keep a short note of conversations where you felt heard." in message.text


def test_follow_up_reminder_in_december_is_gmt() -> None:
    job = EmailJob.about(
        EmailKind.SESSION_REMINDER, "app1", "cl-2025-06", session_index=10, offset_hours=1
    )
    message = composed(job, application(), course_2025(), ["ada@example.org"])
    assert "Monday 8 December 2025, 16:00-17:00 GMT" in message.text
    assert "follow-up session 4 of 4" in message.text


def test_joining_link_only_for_confirmed() -> None:
    message = composed(
        job_for(EmailKind.APPLICATION_RECEIVED),
        application(ApplicationStatus.AWAITING_PAYMENT),
        course_2025(),
        ["ada@example.org"],
    )
    assert "example.org/join" not in message.text + message.html
    assert "https://pay.example/cs_1" in message.text
    assert "https://b/applications/app1?token=tok" in message.text


def test_confirmation_calendar_has_every_session_at_the_right_instant() -> None:
    message = composed(
        job_for(EmailKind.BOOKING_CONFIRMED),
        application(),
        course_2025(version=4),
        ["ada@example.org"],
    )
    [ics] = message.attachments
    assert (ics.filename, ics.content_type, ics.params) == (
        "invite.ics",
        "text/calendar",
        {"method": "REQUEST"},
    )
    calendar = Calendar.from_ical(ics.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 10
    assert str(calendar["METHOD"]) == "REQUEST"
    for event in events:
        assert str(event["ORGANIZER"]) == "mailto:enquiries@example.org"
        assert event["ORGANIZER"].params["CN"] == "Compassionate Leadership Training"
        assert str(event["ATTENDEE"]) == "mailto:ada@example.org"
    first, last = events[0], events[-1]
    assert first.decoded("DTSTART") == datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # 15:00 BST
    assert last.decoded("DTSTART") == datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # 16:00 GMT
    assert b"DTSTART:20250602T140000Z" in ics.content
    assert b"DTSTART:20251208T160000Z" in ics.content
    assert str(first["UID"]) == "cl-2025-06-s1@example.org"
    assert str(last["UID"]) == "cl-2025-06-s10@example.org"
    assert int(first["SEQUENCE"]) == 4
    assert str(first["URL"]) == "https://example.org/join/compassionate-leadership"
    assert "https://example.org/join/compassionate-leadership" in str(first["DESCRIPTION"])


def test_uids_are_stable_and_sequence_follows_the_course_version() -> None:
    def ics(version: int) -> Calendar:
        message = composed(
            job_for(EmailKind.BOOKING_CONFIRMED),
            application(),
            course_2025(version),
            ["a@example.org"],
        )
        return Calendar.from_ical(message.attachments[0].content)

    old, new = ics(1), ics(2)
    assert [str(e["UID"]) for e in old.walk("VEVENT")] == [
        str(e["UID"]) for e in new.walk("VEVENT")
    ]
    assert {int(e["SEQUENCE"]) for e in new.walk("VEVENT")} == {2}


def test_mime_is_text_then_html_with_the_calendar_attached() -> None:
    message = composed(
        job_for(EmailKind.BOOKING_CONFIRMED), application(), course_2025(), ["ada@example.org"]
    )
    raw = build_mime(message, "courses@example.org", NOW)
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["Reply-To"] == "enquiries@example.org"
    assert parsed["To"] == "ada@example.org"
    alternative = next(parsed.iter_parts())
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert raw.isascii()


def test_a_cancellation_removes_the_sessions_from_the_calendar() -> None:
    from booking.adapters.calendar import Party, course_calendar
    from booking.domain.course import Course, CourseDefinition
    from tests.support.mail_checks import Seen, check_calendar

    course = Course(
        course_id="c",
        version=3,
        definition=CourseDefinition.model_validate(
            {
                "title": "T",
                "price": {"amount": 100, "currency": "gbp"},
                "capacity": 1,
                "sessions": [{"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"}],
            }
        ),
    )
    stamp = course.schedule[0].start
    people = {"organizer": Party("enquiries@x.org", "T"), "attendees": [Party("ada@x.org")]}

    def ics(*, cancelled: bool) -> bytes:
        return course_calendar(
            course,
            course.schedule,
            domain="x.org",
            stamp=stamp,
            joining_url=None,
            cancelled=cancelled,
            **people,  # type: ignore[arg-type]
        )

    published, cancelled = (
        Calendar.from_ical(ics(cancelled=False)),
        Calendar.from_ical(ics(cancelled=True)),
    )
    assert str(cancelled["method"]) == "CANCEL"
    [before] = published.walk("VEVENT")
    [after] = cancelled.walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(after["status"]) == "CANCELLED"
    # The independent parser agrees, and matches the cancellation to the invitation.
    seen = Seen()
    for data, method in ((ics(cancelled=False), "REQUEST"), (ics(cancelled=True), "CANCEL")):
        assert check_calendar(data, recipients=["ada@x.org"], method_param=method, seen=seen) == (
            method
        )
    # A cancellation that does not raise the SEQUENCE is refused by the same check.
    with pytest.raises(AssertionError, match="SEQUENCE did not grow"):
        check_calendar(
            ics(cancelled=True),
            recipients=["ada@x.org"],
            method_param="CANCEL",
            seen=Seen({"c-s1@x.org": ("mailto:enquiries@x.org", 9)}),
        )
