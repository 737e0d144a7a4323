"""Every email kind renders (text, HTML, subject) and applicant values are escaped in HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, TypedDict

import pytest
from icalendar import Calendar

from booking.adapters.ses_sender import build_mime
from booking.domain.application import Application, ApplicationStatus, CheckoutRef
from booking.domain.attendance import Completion
from booking.domain.commands import Situation
from booking.domain.course import Course
from booking.domain.email_values import MissingEmailValue
from booking.domain.emails import (
    GROUP_KINDS,
    EmailJob,
    EmailKind,
    FollowUpRecipient,
)
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.payments import RefundEvent, after_refund
from booking.domain.programme import person_key
from booking.domain.settlement import settle
from tests.fakes import fake_ports
from tests.support.applications import an_application, an_invoice, answers_of
from tests.support.cohort_2025 import (
    COHORT_2025_ID,
    a_later_2025_cohort,
)
from tests.support.composed_emails import HOSTILE, NOW, composed, course_2025

# The six Mondays of a July 2025 cohort, which shares the 2025 (June) cohort's follow-ups.
JULY_2025 = ["2025-07-14", "2025-07-21", "2025-07-28", "2025-08-04", "2025-08-11", "2025-08-18"]
ENQUIRIES = "spft.smc@nhs.net"
SECOND_SESSION = datetime(2025, 6, 9, 14, 0, tzinfo=UTC)  # Monday 15:00 BST
SEPTEMBER_FOLLOW_UP = datetime(2025, 9, 18, 15, 0, tzinfo=UTC)  # Thursday 16:00 BST
DECEMBER_FOLLOW_UP = datetime(2025, 12, 8, 16, 0, tzinfo=UTC)  # Monday 16:00 GMT


# Every answer but the email address is written by a hostile applicant.
HOSTILE_ANSWERS = (
    "job_title",
    "organisation",
    "leadership_role",
    "motivation",
    "accessibility_needs",
)


def application(status: ApplicationStatus = ApplicationStatus.CONFIRMED) -> Application:
    hostile = {field: HOSTILE for field in HOSTILE_ANSWERS}
    return an_application(
        status,
        at=NOW,
        course_id="cl-2025-06",
        token="tok",
        answers=answers_of(name=HOSTILE, **hostile),
        amount_paid=20000,
        checkout=CheckoutRef(
            session_id="cs_1",
            url="https://pay.example/cs_1",
            expires_at=NOW + timedelta(minutes=30),
            attempt=1,
        ),
        seat_held=True,
        offer_expires_at=NOW + timedelta(hours=48),
        # A completer of the register, so that the certificate's message has its certificate.
        completion=Completion(
            completed=True, attended=5, required=5, closed_at=NOW, certificate="code-for-tests"
        ),
    )


def event_key(start: datetime) -> str:
    """The 2025 cohort's follow-up starting at ``start`` by its id (a start no follow-up has:
    the key it would have without one)."""
    listed = {s.start: s.key for s in course_2025().schedule}
    return listed.get(start, f"fu-{start:%Y%m%dt%H%M}z")


def to_ada(key: str, start: datetime) -> FollowUpRecipient:
    """Ada's messages about the programme's follow-up event ``key`` at ``start``."""
    return FollowUpRecipient(
        person=person_key("ada@example.org"),
        application_id="app1",
        programme="compassionate-leadership",
        event_key=key,
        session_start=start,
        host_course_id=COHORT_2025_ID,
    )


def follow_up_job(kind: EmailKind, start: datetime, offset_hours: int | None = None) -> EmailJob:
    key = event_key(start)
    return EmailJob.follow_up(kind, to_ada(key, start), offset_hours=offset_hours)


def follow_up_changed(
    start: datetime, *, removed: bool = False, what: str = "moved", **was: Any
) -> EmailJob:
    return EmailJob.follow_up_changed(
        to_ada(event_key(start), start),
        change="cl-2025-07-v2",
        removed=removed,
        what="removed" if removed else what,
        **was,
    )


# The kinds about an application (the group kinds have their own tests: test_group_emails).
APPLICATION_KINDS = [kind for kind in EmailKind if kind not in GROUP_KINDS]


def job_for(kind: EmailKind) -> EmailJob:
    if kind is EmailKind.SESSION_REMINDER:
        return EmailJob.session_reminder("app1", COHORT_2025_ID, "s2", SECOND_SESSION, 24)
    if kind is EmailKind.FOLLOW_UP_INVITATION:
        return follow_up_job(kind, SEPTEMBER_FOLLOW_UP)
    if kind is EmailKind.SESSIONS_CHANGED:
        return EmailJob.sessions_changed("app1", COHORT_2025_ID, 4, ["s2"], [], [])
    if kind is EmailKind.FOLLOW_UP_CHANGED:
        return follow_up_changed(SEPTEMBER_FOLLOW_UP)
    # A move's messages say the difference the job carries (``move_difference``).
    difference = 5000 if kind in (EmailKind.MOVE_PAYMENT_DUE, EmailKind.MOVE_LAPSED) else None
    return EmailJob.about(kind, "app1", COHORT_2025_ID, reason="course_full", amount=difference)


def fit_for(kind: EmailKind, app: Application) -> Application:
    """``app`` as ``kind`` is sent about it: a bursary's message only to a place part funded
    and still owing (``domain.settlement``), refused otherwise (``REQUIRED_VALUES``)."""
    if kind is EmailKind.BURSARY_GRANTED:
        return app.model_copy(
            update={"bursary": 5000, "status": ApplicationStatus.AWAITING_PAYMENT, "amount_paid": 0}
        )
    return app


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_every_kind_renders_and_escapes_applicant_values(kind: EmailKind) -> None:
    status = (
        ApplicationStatus.AWAITING_PAYMENT
        if kind is EmailKind.APPLICATION_RECEIVED
        else ApplicationStatus.CONFIRMED
    )
    message = composed(
        job_for(kind),
        fit_for(kind, application(status)),
        course_2025(),
        ["ada@example.org"],
        base_url="https://book.example.org",
    )
    assert message.subject
    assert "\n" not in message.subject
    assert "<script>" not in message.html
    assert "<b>bold</b>" not in message.html
    # Replies reach the centre; the facilitators' copy replies to the applicant themselves.
    expected = ["ada@example.org"] if kind is EmailKind.FACILITATOR_COPY else [ENQUIRIES]
    assert message.reply_to == expected
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


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_the_footer_says_where_a_reply_goes(kind: EmailKind) -> None:
    """The facilitators' copy replies to the applicant: its footer says so, never "Any
    questions? Reply to this email", which is the applicant's footer (replies to the centre)."""
    message = composed(
        job_for(kind), fit_for(kind, application()), course_2025(), ["f@example.org"]
    )
    footer = message.text.rsplit("\n--\n", 1)[-1]
    html_footer = message.html.rsplit("<hr", 1)[-1]
    if kind is EmailKind.FACILITATOR_COPY:
        for said in (footer, html_footer):
            assert "Any questions?" not in said
            assert "A reply to this email goes to the applicant" in said
            assert ENQUIRIES in said
    else:
        assert f"Any questions? Reply to this email or write to {ENQUIRIES}." in footer
        assert "Any questions?" in html_footer


def test_reminder_says_which_session_when_and_where() -> None:
    message = composed(
        job_for(EmailKind.SESSION_REMINDER), application(), course_2025(), ["ada@example.org"]
    )
    assert message.subject == "Reminder: Session 2 of 6, tomorrow at 15:00 BST"
    # Worded for its own session, never "your next": a late booking's reminders for sessions
    # 1 and 2 go at once, and session 2 is not the next.
    said = " ".join(message.text.split())
    assert "your Compassionate Leadership Training session 2 of 6 is tomorrow at 15:00 BST" in said
    assert "next session" not in said
    assert "Monday 9 June 2025, 15:00-17:00 BST" in message.text
    assert "session 2 of 6" in message.text
    assert "https://example.org/join/compassionate-leadership" in message.text
    assert "Notice one conversation where you listened." in message.text


def test_follow_up_reminder_in_december_is_gmt() -> None:
    job = follow_up_job(EmailKind.SESSION_REMINDER, DECEMBER_FOLLOW_UP, offset_hours=1)
    message = composed(job, application(), course_2025(), ["ada@example.org"])
    assert message.subject == "Reminder: Follow-up session 4 of 4, in an hour, at 16:00 GMT"
    assert (
        "follow-up session for graduates of Compassionate Leadership Training is in an hour, at "
        in (message.text)
    )
    assert "Monday 8 December 2025, 16:00-17:00 GMT" in message.text
    assert message.attachments == []


@pytest.mark.parametrize(
    ("offset", "soon"),
    [
        (1, "in an hour, at 15:00 BST"),
        (3, "in 3 hours, at 15:00 BST"),
        (24, "tomorrow at 15:00 BST"),
        (48, "in 2 days, on Monday 9 June at 15:00 BST"),
        (30, "in 30 hours, at 15:00 BST"),
    ],
)
def test_each_reminder_of_a_session_says_when_true_to_its_offset(offset: int, soon: str) -> None:
    """The 24 h and 1 h reminders of one session are told apart: each says how soon it is."""
    job = EmailJob.session_reminder("app1", COHORT_2025_ID, "s2", SECOND_SESSION, offset)
    message = composed(job, application(), course_2025(), ["ada@example.org"])
    assert message.subject == f"Reminder: Session 2 of 6, {soon}"
    assert f"Compassionate Leadership Training session 2 of 6 is {soon}." in message.text
    assert f"Compassionate Leadership Training session 2 of 6 is {soon}." in message.html


def test_the_november_follow_up_is_at_one_in_the_afternoon_gmt() -> None:
    november = datetime(2025, 11, 18, 13, 0, tzinfo=UTC)
    message = composed(
        follow_up_job(EmailKind.FOLLOW_UP_INVITATION, november),
        application(),
        course_2025(),
        ["ada@example.org"],
    )
    assert message.subject == (
        "You are invited: follow-up session 3 of 4 of Compassionate Leadership Training, "
        "Tuesday 18 November 2025, 13:00-14:00 GMT"
    )
    [ics] = message.attachments
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")  # this event, once
    assert event.decoded("DTSTART") == november


class WasHeld(TypedDict):
    """A follow-up session as it was before it changed (``follow_up_changed``'s own names)."""

    was_start: datetime
    was_title: str


WAS: WasHeld = {
    "was_start": datetime(2025, 9, 11, 15, 0, tzinfo=UTC),
    "was_title": "Follow-up session",
}
SEPTEMBER = "Thursday 18 September 2025, 16:00-17:00 BST"


@pytest.mark.parametrize(
    ("what", "was", "subject", "says", "never"),
    [
        (
            "moved",
            WAS,
            "Moved: follow-up session 1 of 4 of Compassionate Leadership Training, "
            f"now {SEPTEMBER}",
            ["that was on Thursday 11 September 2025 at 16:00 BST has moved", "the new time"],
            ["new name"],
        ),
        (
            "renamed",
            {**WAS, "was_start": SEPTEMBER_FOLLOW_UP, "was_title": "Reunion"},
            "Renamed: follow-up session 1 of 4 of Compassionate Leadership Training, "
            f'{SEPTEMBER}, now called "Reviewing our learning and practice"',
            ['has a new name (it was "Reunion"). Its time has not changed', "as before"],
            ["new time", "has moved"],
        ),
        (
            "moved_renamed",
            {**WAS, "was_title": "Reunion"},
            "Moved and renamed: follow-up session 1 of 4 of Compassionate Leadership Training, "
            f'now "Reviewing our learning and practice", {SEPTEMBER}',
            ['on Thursday 11 September 2025 at 16:00 BST ("Reunion") has moved and has a new'],
            [],
        ),
        (
            "added",
            {},
            f"Back on: follow-up session 1 of 4 of Compassionate Leadership Training, {SEPTEMBER}",
            ["is back on", "puts it back in your calendar"],
            ["new time", "has moved"],
        ),
    ],
)
def test_a_changed_follow_up_is_worded_for_what_changed_with_its_calendar_update(
    what: str, was: dict[str, Any], subject: str, says: list[str], never: list[str]
) -> None:
    message = composed(
        follow_up_changed(SEPTEMBER_FOLLOW_UP, what=what, **was),
        application(),
        course_2025(),
        ["ada@example.org"],
    )
    assert message.subject == subject
    text = " ".join(message.text.split())
    for words in says:
        assert words in text
    for words in never:
        assert words not in text
    assert "https://example.org/join/compassionate-leadership" in message.text
    [ics] = message.attachments
    assert (ics.filename, ics.params) == ("invite.ics", {"method": "REQUEST"})
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("DTSTART") == SEPTEMBER_FOLLOW_UP
    assert str(event["ORGANIZER"]) == "mailto:courses@example.org"


def test_a_follow_up_no_cohort_lists_any_more_is_cancelled_in_the_calendar() -> None:
    gone = datetime(2025, 9, 25, 15, 0, tzinfo=UTC)  # listed by no cohort
    message = composed(
        follow_up_changed(gone, removed=True), application(), course_2025(), ["ada@example.org"]
    )
    assert message.subject == (
        "Cancelled: follow-up session of Compassionate Leadership Training, "
        "Thursday 25 September 2025 at 16:00 BST"
    )
    assert "example.org/join" not in message.text
    [ics] = message.attachments
    assert (ics.filename, ics.params) == ("cancel.ics", {"method": "CANCEL"})
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    # From the ORGANIZER that put it in: a calendar ignores a CANCEL from anyone else.
    assert str(event["ORGANIZER"]) == "mailto:courses@example.org"
    assert str(event["UID"]).startswith("compassionate-leadership-fu-20250925t1500z-p")


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
        assert event["ORGANIZER"].params["CN"] == "Compassionate Leadership Training"
        assert str(event["ATTENDEE"]) == "mailto:ada@example.org"
    # The cohort's own sessions come from its enquiries address; the follow-ups, events of the
    # programme whichever cohort hosts them, from the service's own address.
    organizers = [str(event["ORGANIZER"]) for event in events]
    assert organizers == [f"mailto:{ENQUIRIES}"] * 6 + ["mailto:courses@example.org"] * 4
    starts = [event.decoded("DTSTART") for event in events]
    assert starts[0] == datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # Monday 15:00 BST
    assert starts[6:] == [
        SEPTEMBER_FOLLOW_UP,
        datetime(2025, 10, 15, 15, 0, tzinfo=UTC),  # Wednesday 16:00 BST
        datetime(2025, 11, 18, 13, 0, tzinfo=UTC),  # Tuesday 13:00 GMT
        DECEMBER_FOLLOW_UP,
    ]
    first, last = events[0], events[-1]
    # The cohort's own sessions belong to this booking; the follow-ups to the person, in
    # the programme (one entry whichever cohort's message puts it in the calendar).
    assert str(first["UID"]) == f"{COHORT_2025_ID}-s1-app1@example.org"
    person = person_key("ada@example.org").lower()
    assert str(last["UID"]) == (
        f"compassionate-leadership-follow-up-2025-december-{person}@example.org"
    )
    assert int(first.decoded("SEQUENCE")) == 1
    assert str(first["URL"]) == "https://example.org/join/compassionate-leadership"
    # The session, where to join, and where to ask, in that order; titled by course and session.
    title, *rest = str(first["DESCRIPTION"]).split("\n")
    assert rest == [
        "Join online: https://example.org/join/compassionate-leadership",
        f"Questions: {ENQUIRIES}",
    ]
    assert str(first["SUMMARY"]) == f"Compassionate Leadership Training: {title}"


def test_uids_are_stable_and_the_sequence_only_grows() -> None:
    ports = fake_ports()

    def events(job: EmailJob, app: Application) -> dict[str, int]:
        message = composed(job, app, course_2025(), ["ada@example.org"], ports=ports)
        calendar = Calendar.from_ical(message.attachments[-1].content)
        return {str(e["UID"]): int(e.decoded("SEQUENCE")) for e in calendar.walk("VEVENT")}

    confirmed = events(job_for(EmailKind.BOOKING_CONFIRMED), application())
    resent = events(job_for(EmailKind.BOOKING_CONFIRMED), application())
    assert list(resent) == list(confirmed)
    assert set(resent.values()) == {2}
    # The mailer sent that confirmation (a cancellation takes out only what was put in).
    ports.repository.finish_email(job_for(EmailKind.BOOKING_CONFIRMED).job_id, "sent", NOW)
    cancelled = events(
        EmailJob.about(EmailKind.CANCELLED, "app1", COHORT_2025_ID), application_cancelled()
    )
    assert set(cancelled) == set(confirmed)
    assert set(cancelled.values()) == {3}
    # The same person books again: new UIDs for the new booking's sessions, and the
    # follow-ups (the person's, in the programme) come back with a higher SEQUENCE still.
    rebooked_app = application().model_copy(update={"application_id": "app2"})
    rebooked = events(
        EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app2", COHORT_2025_ID), rebooked_app
    )
    core = {uid for uid in rebooked if uid.endswith("-app2@example.org")}
    assert len(core) == 6
    assert not core & set(confirmed)
    assert set(rebooked) - core <= set(confirmed)
    assert set(rebooked.values()) == {4}


def application_cancelled() -> Application:
    return application().moved_to(ApplicationStatus.CANCELLED, NOW)


def test_mime_is_text_then_html_with_the_calendar_attached() -> None:
    message = composed(
        job_for(EmailKind.BOOKING_CONFIRMED), application(), course_2025(), ["ada@example.org"]
    )
    raw = build_mime(message, "courses@example.org", NOW)
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["Reply-To"] == ENQUIRIES
    assert parsed["To"] == "ada@example.org"
    alternative = next(parsed.iter_parts())
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert raw.isascii()


def test_a_cancellation_removes_the_sessions_from_the_calendar() -> None:
    from booking.adapters.calendar import IcsCalendarWriter
    from booking.domain.emails import Party
    from booking.domain.invitations import CalendarEntry, CalendarMessage
    from tests.support.mail_checks import Seen, check_calendar

    start = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)
    entry = CalendarEntry(uid="c-s1-app1", summary="T: Session 1", start=start, end=start)

    def ics(*, cancelled: bool, sequence: int) -> bytes:
        message = CalendarMessage(
            name="T",
            stamp=start,
            sequence=sequence,
            organizer=Party("enquiries@x.org", "T"),
            attendees=[Party("ada@x.org")],
            cancelled=cancelled,
        )
        return IcsCalendarWriter("x.org").calendar([entry], message)

    published = Calendar.from_ical(ics(cancelled=False, sequence=1))
    cancelled = Calendar.from_ical(ics(cancelled=True, sequence=2))
    assert str(cancelled["method"]) == "CANCEL"
    [before] = published.walk("VEVENT")
    [after] = cancelled.walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"]) == "c-s1-app1@x.org"
    assert int(after.decoded("sequence")) > int(before.decoded("sequence"))
    assert str(after["status"]) == "CANCELLED"
    # The independent parser agrees, and matches the cancellation to the invitation.
    seen = Seen()
    for data, method in (
        (ics(cancelled=False, sequence=1), "REQUEST"),
        (ics(cancelled=True, sequence=2), "CANCEL"),
    ):
        assert check_calendar(data, recipients=["ada@x.org"], method_param=method, seen=seen) == (
            method
        )
    # What a calendar would ignore is refused by the same check: a CANCEL whose SEQUENCE did
    # not grow, and anything after a CANCEL that does not outrank it.
    # (cancelled, its SEQUENCE, the SEQUENCE and METHOD seen before, what the check says)
    for cancelled_now, sequence, seen_before, refusal in (
        (True, 1, (1, "REQUEST"), "SEQUENCE did not grow"),
        (False, 2, (2, "CANCEL"), "outranked"),
        (False, 1, (5, "REQUEST"), "went down"),
    ):
        with pytest.raises(AssertionError, match=refusal):
            check_calendar(
                ics(cancelled=cancelled_now, sequence=sequence),
                recipients=["ada@x.org"],
                method_param="CANCEL" if cancelled_now else "REQUEST",
                seen=Seen({"c-s1-app1@x.org": ("mailto:enquiries@x.org", *seen_before)}),
            )


def test_an_earlier_cohort_loaded_later_does_not_change_a_follow_ups_organizer() -> None:
    """The 2025 cohort's follow-ups are announced while it is the only cohort; then a cohort
    that started earlier (May) is loaded and becomes their host. The invitation that follows
    must come from the same ORGANIZER, or calendars would ignore it."""
    ports = fake_ports()
    ports.repository.put_course(COHORT_2025_ID, course_2025().definition)
    message = composed(
        job_for(EmailKind.BOOKING_CONFIRMED),
        application(),
        course_2025(),
        ["ada@example.org"],
        ports=ports,
    )
    announced = Calendar.from_ical(message.attachments[0].content).walk("VEVENT")[6]
    may_days = ["2025-04-28", "2025-05-05", "2025-05-12", "2025-05-19", "2025-05-26", "2025-06-02"]
    may_cohort = Course(
        course_id="cl-2025-05",
        definition=a_later_2025_cohort(may_days, enquiries_email="may@example.org"),
    )
    ports.repository.put_course(may_cohort.course_id, may_cohort.definition)
    # The new host sends the invitation.
    job = follow_up_job(EmailKind.FOLLOW_UP_INVITATION, SEPTEMBER_FOLLOW_UP).model_copy(
        update={"course_id": may_cohort.course_id}
    )
    invitation = composed(job, application(), may_cohort, ["ada@example.org"], ports=ports)
    assert invitation.reply_to == ["may@example.org"]
    [invited] = Calendar.from_ical(invitation.attachments[0].content).walk("VEVENT")
    assert str(invited["UID"]) == str(announced["UID"])
    assert str(invited["ORGANIZER"]) == str(announced["ORGANIZER"])


def test_follow_ups_in_a_confirmation_come_from_their_host_cohort() -> None:
    """A later cohort lists the 2025 follow-ups too: its confirmation puts them in the calendar
    as the host (the 2025 cohort, which started first) sends them, so the invitation that
    follows is an update of the same entry from the same ORGANIZER."""
    ports = fake_ports()
    later = Course(
        course_id="cl-2025-07",
        definition=a_later_2025_cohort(JULY_2025, enquiries_email="july@example.org"),
    )
    ports.repository.put_course(COHORT_2025_ID, course_2025().definition)
    ports.repository.put_course(later.course_id, later.definition)
    booked = application().model_copy(update={"course_id": later.course_id})
    message = composed(
        EmailJob.about(EmailKind.BOOKING_CONFIRMED, "app1", later.course_id),
        booked,
        later,
        ["ada@example.org"],
        ports=ports,
    )
    events = Calendar.from_ical(message.attachments[0].content).walk("VEVENT")
    organizers = [str(e["ORGANIZER"]) for e in events]
    assert organizers == ["mailto:july@example.org"] * 6 + ["mailto:courses@example.org"] * 4
    invitation = composed(
        follow_up_job(EmailKind.FOLLOW_UP_INVITATION, SEPTEMBER_FOLLOW_UP),
        booked,
        course_2025(),
        ["ada@example.org"],
        ports=ports,
    )
    [invited] = Calendar.from_ical(invitation.attachments[0].content).walk("VEVENT")
    assert str(invited["UID"]) == str(events[6]["UID"])
    assert str(invited["ORGANIZER"]) == organizers[6]
    assert int(invited.decoded("SEQUENCE")) > int(events[6].decoded("SEQUENCE"))


# -- every email worded for why it is sent ----------------------------------------------------


def referenced(status: ApplicationStatus = ApplicationStatus.CONFIRMED) -> Application:
    return application(status).model_copy(update={"reference": "CL-7K3Q9"})


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_every_subject_carries_the_reference(kind: EmailKind) -> None:
    message = composed(
        job_for(kind), fit_for(kind, referenced()), course_2025(), ["ada@example.org"]
    )
    assert message.subject.endswith("(CL-7K3Q9)")
    assert message.subject.count("CL-7K3Q9") == 1


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_no_link_runs_into_the_words_before_it(kind: EmailKind) -> None:
    for status in (ApplicationStatus.CONFIRMED, ApplicationStatus.AWAITING_PAYMENT):
        app = fit_for(kind, referenced(status).model_copy(update={"bursary": 5000}))
        message = composed(job_for(kind), app, course_2025(), ["ada@example.org"])
        for line in message.text.splitlines():
            for glued in re.finditer(r"(\S)(https?://)", line):
                raise AssertionError(f"{kind}: a link runs into {glued.group(1)!r}: {line!r}")


def test_a_part_bursary_email_gives_the_booking_page_on_its_own_line() -> None:
    app = fit_for(EmailKind.BURSARY_GRANTED, referenced())
    message = composed(
        EmailJob.about(EmailKind.BURSARY_GRANTED, "app1", COHORT_2025_ID),
        app,
        course_2025(),
        ["ada@example.org"],
    )
    assert "\nhttps://b/applications/app1?token=tok\n" in message.text


def offer_job(reason: str) -> EmailJob:
    return EmailJob.about(EmailKind.OFFER, "app1", COHORT_2025_ID, reason=reason)


def test_an_approval_is_not_a_waiting_list_offer() -> None:
    offered = referenced(ApplicationStatus.OFFERED)
    approved = composed(offer_job("approved"), offered, course_2025(), ["ada@example.org"])
    for said in (approved.text, approved.html):
        assert "waiting list" not in said
        assert "come free" not in said
        assert "read your application" in said
    freed = composed(offer_job("place_freed"), offered, course_2025(), ["ada@example.org"])
    assert "a place has come free" in freed.text
    assert "next person on the waiting list" in freed.text


@pytest.mark.parametrize(
    ("paid", "reason", "said", "not_said"),
    [
        (20000, "refund_requested", "being refunded in full", "does not refund"),
        (20000, None, "does not refund the £200.00 you paid", "being refunded"),
        (0, None, "No money was taken", "refund"),
    ],
)
def test_a_cancellation_says_whether_money_is_coming_back(
    paid: int, reason: str | None, said: str, not_said: str
) -> None:
    cancelled = (
        referenced()
        .moved_to(ApplicationStatus.CANCELLED, NOW, status_reason=reason)
        .model_copy(update={"amount_paid": paid})
    )
    message = composed(
        EmailJob.about(EmailKind.CANCELLED, "app1", COHORT_2025_ID),
        cancelled,
        course_2025(),
        ["ada@example.org"],
    )
    body = message.text.split("--\n")[0]
    assert said in body
    assert not_said not in body.lower().replace(said.lower(), "")


def test_a_refund_after_an_earlier_one_says_what_it_gives_back_and_what_came_back_in_all() -> None:
    """Paid £133.34, £33.34 refunded at Stripe, then cancelled with a refund of the rest: the
    cancellation says £100.00, and £133.34 in all; the refund's own events, which follow, send
    nothing more (one act, one email)."""
    booked = referenced().model_copy(
        update={"payment_intent": "pi_1", "amount_paid": 13334, "amount_refunded": 3334}
    )
    situation = Situation(now=NOW, course_price=course_2025().definition.price)
    cancelled = settle(booked, Cancellation(refund=True), situation).application
    assert cancelled is not None
    cancellation = composed(
        EmailJob.about(EmailKind.CANCELLED, "app1", COHORT_2025_ID),
        cancelled,
        course_2025(),
        ["ada@example.org"],
    )
    said = "£100.00 is being refunded (with the £33.34 refunded earlier, £133.34 in all)"
    for body in (cancellation.text, " ".join(re.sub(r"<[^>]+>", " ", cancellation.html).split())):
        assert said in body
        assert "£133.34 you paid" not in body
    event = RefundEvent(event_id="evt_1", payment_intent="pi_1", charge_amount_refunded=13334)
    refunded = after_refund(cancelled, event, NOW).application
    assert refunded.status is ApplicationStatus.REFUNDED
    assert [j.kind for j in refunded.outbox] == [j.kind for j in cancelled.outbox]


def test_the_facilitators_copy_names_the_fields_as_the_form_does() -> None:
    message = composed(
        job_for(EmailKind.FACILITATOR_COPY), referenced(), course_2025(), ["f@example.org"]
    )
    for label in ("Full name", "Leadership role", "Reasons for applying", "Access needs"):
        assert f"{label}:" in message.text
    assert "Current status: Confirmed" in message.text


def test_an_email_names_its_cohort_by_title_and_first_day() -> None:
    message = composed(
        job_for(EmailKind.BOOKING_CONFIRMED), referenced(), course_2025(), ["ada@example.org"]
    )
    assert "Compassionate Leadership Training, from Monday 2 June 2025" in message.text
    assert "Compassionate Leadership Training, from Monday 2 June 2025" in message.html


def test_a_follow_ups_message_names_the_persons_own_booking_beside_their_reference() -> None:
    """Ada booked July; the September follow-up's host is the 2025 (June) cohort, whose
    details the message carries: her reference is named as her booking on July's."""
    ports = fake_ports()
    later = a_later_2025_cohort(JULY_2025, enquiries_email="july@example.org")
    ports.repository.put_course(COHORT_2025_ID, course_2025().definition)
    ports.repository.put_course("cl-2025-07", later)
    booked = referenced().model_copy(update={"course_id": "cl-2025-07"})
    for job in (
        follow_up_changed(SEPTEMBER_FOLLOW_UP, **WAS),
        follow_up_job(EmailKind.FOLLOW_UP_INVITATION, SEPTEMBER_FOLLOW_UP),
    ):
        message = composed(job, booked, course_2025(), ["ada@example.org"], ports=ports)
        footer = message.text.split("\n--\n", 1)[1].splitlines()
        assert footer[0] == "Compassionate Leadership Training, from Monday 14 July 2025"
        assert "Reference: CL-7K3Q9 (your booking)" in footer
        assert (
            "CL-7K3Q9</strong>, your booking on Compassionate Leadership Training, from Monday "
            "14 July 2025" in message.html
        )
    # Booked on the host itself: the footer is as every message's.
    own = composed(
        follow_up_changed(SEPTEMBER_FOLLOW_UP, **WAS),
        referenced(),
        course_2025(),
        ["ada@example.org"],
        ports=ports,
    )
    assert "Reference: CL-7K3Q9\n" in own.text
    assert "your booking" not in own.text


@pytest.mark.parametrize("by_invoice", [True, False])
def test_a_moves_refund_is_said_to_go_where_the_payment_came_from(by_invoice: bool) -> None:
    """An invoice-paid booking's move email said its refund went "to the card you paid with":
    it goes back to the payment that paid the invoice, named by its number and payer."""
    from booking.domain.billing import BillingDetails

    paid = application()
    if by_invoice:
        paid = paid.model_copy(
            update={
                "checkout": None,
                "billing": BillingDetails(
                    billing_name="Acme Health Trust",
                    billing_email="ap@example.org",
                    billing_address="1 Street",
                ),
                "invoice": an_invoice(at=NOW, number="INV-0042", status="paid"),
            }
        )
    job = EmailJob.transferred("app1", "cl-2024-11", COHORT_2025_ID, 1, 5000)
    message = composed(job, paid, course_2025(), ["ada@example.org"])
    text = " ".join(message.text.split())
    assert "£50.00" in text
    if by_invoice:
        assert "to the payment that paid invoice INV-0042 (Acme Health Trust)" in text
        assert "card" not in text
    else:
        assert "to the card you paid with" in text


@pytest.mark.parametrize(
    ("kind", "bursary", "missing"),
    [
        # A move's difference not in the job: "It costs None more".
        (EmailKind.MOVE_PAYMENT_DUE, 5000, "move_difference"),
        # A bursary's message with no bursary: "a bursary of None has been granted".
        (EmailKind.BURSARY_GRANTED, 0, "bursary"),
    ],
)
def test_an_email_lacking_a_value_it_says_is_refused_never_sent_with_none(
    kind: EmailKind, bursary: int, missing: str
) -> None:
    """Thin data is refused in words naming the kind and the value, before anything is sent
    (the mailer's record fails and, retried in vain, lands in the dead-letter queue). What is
    left to pay after a bursary is said only when there is some: a payment that raced the
    grant leaves none, and its message is sent without it."""
    thin = EmailJob.about(kind, "app1", COHORT_2025_ID)
    applied = referenced().model_copy(update={"bursary": bursary})
    with pytest.raises(MissingEmailValue, match=rf"the {kind.value} email lacks {missing}"):
        composed(thin, applied, course_2025(), ["ada@example.org"])
    if kind is EmailKind.BURSARY_GRANTED:
        paid_as_granted = referenced().model_copy(update={"bursary": 5000})
        sent = composed(thin, paid_as_granted, course_2025(), ["ada@example.org"])
        assert "None" not in sent.text
        assert "left to pay" not in sent.text


def test_any_template_printing_none_is_refused_by_the_renderer() -> None:
    """The kinds without a list of their own (a lapsed move's difference, said only for a
    plain lapse): the renderer refuses a None it is asked to print, for every kind."""
    from booking.adapters.email_templates import render

    thin = composed_context_for(EmailKind.MOVE_LAPSED)
    with pytest.raises(MissingEmailValue, match="the move_lapsed email lacks"):
        render(EmailKind.MOVE_LAPSED, thin)
    assert "None" not in render(EmailKind.MOVE_LAPSED, {**thin, "move_difference": "£50.00"}).text


def composed_context_for(kind: EmailKind) -> dict[str, Any]:
    """The values the composer gives ``kind``'s template for a job without an amount."""
    from booking.services.email_composing import _template_values

    return _template_values(
        fake_ports(),
        EmailJob.about(kind, "app1", COHORT_2025_ID),
        referenced(),
        course_2025(),
        NOW,
    )
