"""The register, completion and certificates on the fakes: marks, closing, who graduates, the
certificate email and PDF, its verification, erasure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from booking.domain.application import ApplicationStatus as S
from booking.domain.attendance import Mark
from booking.domain.course import CourseDefinition
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.domain.timeline import EntryKind
from booking.domain.wording import timeline_text
from booking.services import (
    applications,
    attendance_importing,
    courses,
    lifecycle,
    people,
    person_export,
    register,
)
from booking.services.calendars import calendar_files
from booking.services.mailer import send_email_job
from booking.services.ports import Ports
from booking.services.reminders import dispatch_reminders
from tests.fakes import Clock, FakeEmailQueue, FakeEmailSender, fake_ports
from tests.fakes.held import repo
from tests.support.page_text import pdf_text
from tests.support.register_steps import (
    AFTER_THE_LAST,
    CORE_DAYS,
    answers,
    book,
    clock,
    definition,
    keys,
    ports,
    wang_completed,
)

__all__ = ["clock", "ports"]  # the fixtures, used by name


def test_completion_min_sessions_is_between_one_and_the_core_sessions() -> None:
    assert definition(3).completion_min_sessions == 3
    for wrong in (0, 4):
        with pytest.raises(ValidationError, match="between 1 and 3"):
            definition(wrong)
    assert definition(None).completion_min_sessions is None  # existing files keep working


def test_marks_are_kept_changed_and_each_is_in_the_timeline(ports: Ports, clock: Clock) -> None:
    ada = book(ports, "ada@example.org")
    first, second, _ = keys(ports)
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    register.mark(ports, "c1", ada, first, Mark.ABSENT)
    register.mark(ports, "c1", ada, first, Mark.ATTENDED)
    register.mark(ports, "c1", ada, first, Mark.ATTENDED)  # a double submit changes nothing
    register.mark(ports, "c1", ada, second, Mark.APOLOGIES)
    stored = repo(ports).applications[ada]
    assert stored.attendance == {first: Mark.ATTENDED, second: Mark.APOLOGIES}
    marks = [e for e in repo(ports).timelines[ada] if e.kind is EntryKind.ATTENDANCE]
    assert [(e.session, e.mark) for e in marks] == [
        (first, Mark.ABSENT),
        (first, Mark.ATTENDED),
        (second, Mark.APOLOGIES),
    ]
    assert timeline_text(marks[0], "gbp", "Europe/London") == f"Register: absent at session {first}"
    [row] = register.register_of(ports, "c1").rows
    assert row.marks[second] is Mark.APOLOGIES


def test_a_mark_for_a_session_or_booking_not_on_the_register_is_refused(ports: Ports) -> None:
    ada = book(ports, "ada@example.org")
    waiting = applications.submit_application(ports, "c1", answers("bo@example.org"))
    courses.put_course(ports, "c2", definition())
    with pytest.raises(InvalidInput):
        register.mark(ports, "c1", ada, "no-such-session", Mark.ATTENDED)
    with pytest.raises(NotFound):
        register.mark(ports, "c1", waiting.application_id, keys(ports)[0], Mark.ATTENDED)
    with pytest.raises(NotFound):  # another course's register
        register.mark(ports, "c2", ada, keys(ports)[0], Mark.ATTENDED)
    with pytest.raises(NotFound):
        register.mark(ports, "c1", "nobody", keys(ports)[0], Mark.ATTENDED)
    assert repo(ports).applications[ada].attendance == {}


def test_closing_before_the_last_core_session_has_ended_is_refused(
    ports: Ports, clock: Clock
) -> None:
    book(ports, "ada@example.org")
    clock.now = datetime(2027, 6, 21, 15, 59, tzinfo=UTC)
    with pytest.raises(Conflict, match="once the last core session has ended") as refused:
        register.close(ports, "c1")
    assert refused.value.code == "register_not_over"
    assert repo(ports).registers_closed == {}


def test_a_course_without_completion_min_sessions_keeps_no_register(ports: Ports) -> None:
    courses.put_course(ports, "plain", definition(None))
    with pytest.raises(Conflict) as refused:
        register.register_of(ports, "plain")
    assert refused.value.code == "no_register"


def close_with(ports: Ports, clock: Clock) -> tuple[str, str]:
    ada = book(ports, "ada@example.org", "Zoë Ἀθηνᾶ Мария")
    bo = book(ports, "bo@example.org", "Bo Absent")
    first, second, _third = keys(ports)
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    for key in (first, second):
        register.mark(ports, "c1", ada, key, Mark.ATTENDED)
    register.mark(ports, "c1", bo, first, Mark.ATTENDED)
    register.mark(ports, "c1", bo, second, Mark.APOLOGIES)
    return ada, bo


def test_closing_decides_each_completion_once_and_sends_completers_a_certificate(
    ports: Ports, clock: Clock
) -> None:
    ada, bo = close_with(ports, clock)
    closed = register.close(ports, "c1")
    assert (closed.completed, closed.not_completed) == ([ada], [bo])
    assert not closed.closed_already
    again = register.close(ports, "c1")  # a second close (or a replay) decides nothing new,
    # and answers what the register holds, not empty lists
    assert (again.completed, again.not_completed, again.closed_at) == (
        [ada],
        [bo],
        closed.closed_at,
    )
    assert again.closed_already
    stored = repo(ports).applications
    ada_completion, bo_completion = stored[ada].completion, stored[bo].completion
    assert ada_completion is not None
    assert ada_completion.completed
    assert bo_completion is not None
    assert not bo_completion.completed
    certificates = [j for j in repo(ports).written_emails if j.kind is EmailKind.CERTIFICATE]
    assert [j.application_id for j in certificates] == [ada]
    with pytest.raises(Conflict) as refused:
        register.mark(ports, "c1", bo, keys(ports)[2], Mark.ATTENDED)
    assert refused.value.code == "register_closed"
    text = timeline_text(
        next(e for e in repo(ports).timelines[bo] if e.kind is EntryKind.COMPLETION),
        "gbp",
        "Europe/London",
    )
    assert text == (
        "Register closed: did not complete the course (attended 1 core session, 2 asked for)"
    )


def _certificate_sent(ports: Ports) -> OutgoingEmail:
    """The one certificate email the register's closing wrote, sent: the message as sent."""
    [job] = [j for j in repo(ports).written_emails if j.kind is EmailKind.CERTIFICATE]
    send_email_job(ports, job)
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    [message] = [m for m in sender.sent if "certificate" in m.subject]
    return message


def test_the_certificate_email_carries_the_pdf_and_the_verification_page_confirms_it(
    ports: Ports, clock: Clock
) -> None:
    ada, _ = close_with(ports, clock)
    register.close(ports, "c1")
    message = _certificate_sent(ports)
    [attachment] = message.attachments
    assert attachment.content_type == "application/pdf"
    stored = repo(ports).applications[ada]
    assert stored.completion is not None
    assert stored.completion.certificate
    code = stored.completion.certificate
    assert len(code) >= 22  # at least 128 bits, URL-safe base64
    text = pdf_text(attachment.content)
    for said in (
        "Zoë Ἀθηνᾶ Мария",
        "Compassionate Leadership",
        stored.reference or "",
        f"https://booking.test/certificates/{code}",
        # The hours she attended (2 of 3 sessions), beside the course's.
        "4 hours of training attended, of a course of 6 hours",
        "Ann Facilitator",
    ):
        assert said in text
    assert "4 hours of training attended, of a course of 6 hours" in message.text
    assert f"/certificates/{code}" in message.text
    verified = register.verify(ports, code)
    assert (verified.name, verified.course_title) == ("Zoë Ἀθηνᾶ Мария", "Compassionate Leadership")
    assert "7 June 2027" in verified.dates
    assert "21 June 2027" in verified.dates
    assert (verified.hours, verified.course_hours) == ("4 hours", "6 hours")
    again = register.certificate_for_holder(ports, ada, stored.token)
    assert stored.reference
    assert stored.reference in pdf_text(again)


def test_certificates_are_for_their_holder_and_unknown_codes_are_not_found(
    ports: Ports, clock: Clock
) -> None:
    ada, bo = close_with(ports, clock)
    register.close(ports, "c1")
    stored = repo(ports).applications
    with pytest.raises(NotFound):
        register.certificate_for_holder(ports, ada, stored[bo].token)  # another's token
    with pytest.raises(NotFound):
        register.certificate_for_holder(ports, bo, stored[bo].token)  # did not complete
    for odd in ("é", "\u202e", "\ud800"):  # compared as bytes: never a TypeError (a 500)
        with pytest.raises(NotFound):
            register.certificate_for_holder(ports, ada, odd)
        with pytest.raises(NotFound):
            register.verify(ports, odd)
    with pytest.raises(NotFound):
        register.verify(ports, "made-up-code")
    with pytest.raises(NotFound):
        register.verify(ports, "")


def test_a_code_is_believed_only_for_the_application_that_carries_it(
    ports: Ports, clock: Clock
) -> None:
    _ada, bo = close_with(ports, clock)
    register.close(ports, "c1")
    # A code recorded for a booking whose save then lost (or that someone planted) proves nothing.
    repo(ports).certificates["planted"] = bo
    with pytest.raises(NotFound):
        register.verify(ports, "planted")


def test_erasure_removes_the_certificate_and_its_verification(ports: Ports, clock: Clock) -> None:
    ada, _ = close_with(ports, clock)
    register.close(ports, "c1")
    stored = repo(ports).applications[ada]
    assert stored.completion is not None
    assert stored.completion.certificate
    code = stored.completion.certificate
    assert stored.completion.terms is not None
    people.erase_person(ports, "ada@example.org")
    assert code not in repo(ports).certificates
    erased = repo(ports).applications[ada].completion
    assert erased is not None
    assert erased.terms is None  # the certificate's frozen words carried the name
    with pytest.raises(NotFound):
        register.verify(ports, code)
    with pytest.raises(NotFound):
        register.certificate_for_holder(ports, ada, stored.token)


def invited(ports: Ports) -> list[str]:
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    return [j.application_id for j in queue.jobs if j.kind is EmailKind.FOLLOW_UP_INVITATION]


def test_follow_up_invitations_wait_for_the_register_and_go_to_completers_only(
    ports: Ports, clock: Clock
) -> None:
    ada, _bo = close_with(ports, clock)
    # Inside the invitation window of the September follow-up, the register still open.
    clock.now = datetime(2027, 9, 10, 9, 0, tzinfo=UTC)
    dispatch_reminders(ports, clock.now)
    assert invited(ports) == []  # nobody of the cohort is a graduate yet
    register.close(ports, "c1")
    clock.now = datetime(2027, 9, 10, 9, 15, tzinfo=UTC)
    dispatch_reminders(ports, clock.now)
    dispatch_reminders(ports, clock.now)
    assert invited(ports) == [ada]  # the completer only, once


def test_a_course_without_a_register_invites_everyone_confirmed_after_its_sessions(
    clock: Clock,
) -> None:
    ports = fake_ports(clock)
    courses.put_course(ports, "plain", definition(None, follow_up="2027-09-20"))
    ada = book(ports, "ada@example.org", course_id="plain")
    clock.now = datetime(2027, 9, 10, 9, 0, tzinfo=UTC)
    dispatch_reminders(ports, clock.now)
    assert invited(ports) == [ada]


def test_racing_marks_both_land(ports: Ports, clock: Clock) -> None:
    ada = book(ports, "ada@example.org")
    first, second, _ = keys(ports)
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    stale = repo(ports).applications[ada]
    register.mark(ports, "c1", ada, first, Mark.ATTENDED)
    # A second organiser decided from the version before the first mark: its save is refused
    # and retried on a fresh read, so the first mark survives.
    repository = repo(ports)
    original = repository.get_application
    reads = iter([stale])

    def first_stale(application_id: str):  # type: ignore[no-untyped-def]
        return next(reads, None) or original(application_id)

    repository.get_application = first_stale  # type: ignore[method-assign]
    register.mark(ports, "c1", ada, second, Mark.ABSENT)
    repository.get_application = original  # type: ignore[method-assign]
    assert repository.applications[ada].attendance == {first: Mark.ATTENDED, second: Mark.ABSENT}


def test_before_a_session_begins_only_apologies_can_be_recorded(ports: Ports, clock: Clock) -> None:
    ada = book(ports, "ada@example.org")
    first, second, _ = keys(ports)
    clock.now = datetime(2027, 6, 7, 13, 59, tzinfo=UTC)  # 14:59 in London, the first at 15:00
    for early in (Mark.ATTENDED, Mark.ABSENT):
        with pytest.raises(InvalidInput) as refused:
            register.mark(ports, "c1", ada, first, early)
        assert refused.value.fields["mark"] == (
            "Session 1 of 3 is on Monday 7 June 2027, 15:00-17:00 BST: until it begins, only "
            "apologies can be recorded"
        )
    with pytest.raises(InvalidInput) as refused:
        attendance_importing.import_attendance(ports, "c1", first, TEAMS)
    assert "until it begins" in refused.value.fields["session"]
    assert repo(ports).applications[ada].attendance == {}  # nothing half-written
    register.mark(ports, "c1", ada, second, Mark.APOLOGIES)  # sent ahead: known already
    clock.now = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)  # the first session has begun
    register.mark(ports, "c1", ada, first, Mark.ATTENDED)
    assert repo(ports).applications[ada].attendance == {
        first: Mark.ATTENDED,
        second: Mark.APOLOGIES,
    }


# -- attendance exports -----------------------------------------------------------------------

TEAMS = (
    "1. Summary\n"
    "Meeting title\tCompassionate Leadership\n"
    "Attended participants\t2\n"
    "\n"
    "2. Participants\n"
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
    "Ada L\t07/06/2027, 15:00:10\t07/06/2027, 17:00:00\t1h 59m\tAda@Example.org\tada\tAttendee\n"
    "Guest Person\t07/06/2027, 15:03:00\t07/06/2027, 15:10:00\t7m\t\t\tAttendee\n"
)


def test_a_teams_report_saved_as_utf16_with_tabs_is_read() -> None:
    from booking.domain.attendance_import import read_attendance_export

    rows = read_attendance_export(TEAMS.encode("utf-16"))
    assert [(r.name, r.email, r.duration) for r in rows] == [
        ("Ada L", "Ada@Example.org", "1h 59m"),
        ("Guest Person", "", "7m"),
    ]
    assert rows[0].line == 7


def test_a_zoom_report_lists_each_address_once_whatever_its_case() -> None:
    from booking.domain.attendance_import import read_attendance_export

    export = (
        "\ufeffName (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        'Ada,ada@example.org,"Jun 7, 2027 15:00","Jun 7, 2027 16:00",60,No\n'
        'Ada (phone),ADA@example.org ,"Jun 7, 2027 16:01","Jun 7, 2027 17:00",59,No\n'
    ).encode()
    [row] = read_attendance_export(export)
    assert (row.name, row.email, row.duration, row.joined) == (
        "Ada",
        "ada@example.org",
        "60",
        "Jun 7, 2027 15:00",
    )


def test_an_export_without_an_email_column_is_refused_clearly() -> None:
    from booking.domain.attendance_import import read_attendance_export

    with pytest.raises(InvalidInput) as refused:
        read_attendance_export("Name,Minutes\nAda,60\n")
    assert "email" in refused.value.fields["export"]
    with pytest.raises(InvalidInput):
        read_attendance_export(b"\x00" * 3_000_000)


def test_zooms_meeting_block_names_the_host_but_is_never_the_header() -> None:
    from booking.domain.attendance_import import read_attendance_export

    export = (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,\n"
        "123 456 789,Leadership,06/07/2027 15:00,06/07/2027 17:00,host@example.org,121,3,\n"
        "\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Ada,ada@example.org,15:00,17:00,120,No\n"
        "Phone caller,,15:02,17:00,118,Yes\n"
    )
    rows = read_attendance_export(export)
    assert [(r.name, r.email, r.duration, r.line) for r in rows] == [
        ("Ada", "ada@example.org", "120", 5),
        ("Phone caller", "", "118", 6),
    ]


def test_a_semicolon_separated_export_is_read() -> None:
    from booking.domain.attendance_import import read_attendance_export

    export = "Name;Email;Duration\nAda Lovelace;ada@example.org;60\nBo;bo@example.org;1,5\n"
    rows = read_attendance_export(export.encode("cp1252"))
    assert [(r.name, r.email, r.duration) for r in rows] == [
        ("Ada Lovelace", "ada@example.org", "60"),
        ("Bo", "bo@example.org", "1,5"),
    ]


def test_one_size_limit_for_an_export_said_in_words() -> None:
    from booking.domain.attendance_import import MAX_EXPORT_BYTES, read_attendance_export
    from booking.handlers.http import MAX_BODY_BYTES
    from booking.handlers.register_views import AttendanceImportIn

    assert MAX_EXPORT_BYTES < MAX_BODY_BYTES  # the request around it still fits
    header = "Name,Email\n"
    row = "Someone,someone@example.org\n"
    fits = header + row * ((MAX_EXPORT_BYTES - len(header)) // len(row))
    assert len(read_attendance_export(fits)) == 1
    AttendanceImportIn(session="s1", export=fits)
    too_large = fits + row
    with pytest.raises(InvalidInput) as refused:
        read_attendance_export(too_large)
    assert "48 KiB" in refused.value.fields["export"]
    with pytest.raises(ValidationError):
        AttendanceImportIn(session="s1", export=too_large)


def test_importing_marks_the_matched_and_returns_the_rest(ports: Ports, clock: Clock) -> None:
    ada = book(ports, "ada@example.org")
    first = keys(ports)[0]
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    done = attendance_importing.import_attendance(ports, "c1", first, TEAMS.encode("utf-16"))
    assert [row.application.application_id for row, _ in done.marked] == [ada]
    assert [r.name for r in done.unmatched] == ["Guest Person"]
    assert repo(ports).applications[ada].attendance == {first: Mark.ATTENDED}
    with pytest.raises(InvalidInput):
        attendance_importing.import_attendance(ports, "c1", "fu-x", TEAMS)


def test_a_persons_export_carries_their_marks_and_completion(ports: Ports, clock: Clock) -> None:
    close_with(ports, clock)
    register.close(ports, "c1")
    [exported] = person_export.export_person(ports, "ada@example.org")["applications"]
    first, second, _ = keys(ports)
    assert exported["attendance"] == {first: "attended", second: "attended"}
    assert exported["completed"] is True


@pytest.mark.parametrize("completed_the_first", [True, False])
def test_a_cancelled_second_booking_keeps_the_follow_ups_only_for_a_completer_of_the_first(
    ports: Ports, clock: Clock, completed_the_first: bool
) -> None:
    # The person's first cohort (c1) kept a register and closed it; they then booked a second
    # cohort of the programme (c2), whose booking is cancelled. The cancellation's calendar
    # keeps the programme's follow-ups only if the first cohort made them a graduate.
    first = book(ports, "ada@example.org")
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    for key in keys(ports)[: 2 if completed_the_first else 1]:
        register.mark(ports, "c1", first, key, Mark.ATTENDED)
    register.close(ports, "c1")
    later_days = ("2027-07-05", "2027-07-12", "2027-07-19")
    courses.put_course(ports, "c2", definition(follow_up="2027-09-20", days=later_days))
    second = book(ports, "ada@example.org", course_id="c2")
    # Its confirmation went (a cancellation takes out only what was put in the calendar).
    sent = EmailJob.about(EmailKind.BOOKING_CONFIRMED, second, "c2")
    repo(ports).finish_email(sent.job_id, "sent", clock.now)
    cancelled = lifecycle.cancel(ports, second, refund=False).application
    job = next(
        j
        for j in repo(ports).written_emails
        if j.kind is EmailKind.CANCELLED and j.application_id == second
    )
    course = repo(ports).courses["c2"]
    files = calendar_files(ports, job, cancelled, course, ["ada@example.org"], now=clock.now)
    # Each entry is recorded as told by what it is: the programme's events, the cohort's sessions.
    follow_ups_taken_out = [e for e in files.taken_out if str(e.event).startswith("PROGRAMME#")]
    assert bool(follow_ups_taken_out) is not completed_the_first


def test_a_certificate_says_forever_what_was_true_when_the_register_closed(
    ports: Ports, clock: Clock
) -> None:
    ada, _ = close_with(ports, clock)
    register.close(ports, "c1")
    stored = repo(ports).applications[ada]
    assert stored.completion is not None
    code = stored.completion.certificate
    assert code
    before = pdf_text(register.certificate_for_holder(ports, ada, stored.token))
    said_before = register.verify(ports, code)
    renamed = definition(follow_up="2027-09-20").model_copy(update={"title": "Renamed course"})
    moved = CourseDefinition.model_validate(
        {
            **renamed.model_dump(mode="json", exclude_none=True),
            "facilitators": [{"name": "Someone Else", "email": "else@example.org"}],
            # The core sessions as held: a closed register keeps their dates and times.
            "sessions": [
                {"date": day, "start_time": "15:00", "end_time": "17:00"} for day in CORE_DAYS
            ]
            + [
                {
                    "date": "2027-09-20",
                    "start_time": "15:00",
                    "end_time": "16:00",
                    "kind": "follow_up",
                }
            ],
        }
    )
    courses.put_course(ports, "c1", moved)
    after = pdf_text(register.certificate_for_holder(ports, ada, stored.token))
    assert after == before
    assert register.verify(ports, code) == said_before
    for said in ("Compassionate Leadership", "6 hours", "Ann Facilitator", "7 June 2027"):
        assert said in after
    assert "Renamed" not in after


def test_a_course_edit_may_not_rewrite_a_register_that_holds_marks(
    ports: Ports, clock: Clock
) -> None:
    ada = book(ports, "ada@example.org")
    # Before any mark, anything goes (here: the same definition again).
    courses.put_course(ports, "c1", definition(follow_up="2027-09-20"))
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    register.mark(ports, "c1", ada, keys(ports)[0], Mark.ATTENDED)
    rewrites = {
        "completion rule removed": definition(None, follow_up="2027-09-20"),
        "completion rule changed": definition(3, follow_up="2027-09-20"),
        "core session added first": definition(
            follow_up="2027-09-20", days=("2027-06-01", *CORE_DAYS)
        ),
        "core session removed": definition(follow_up="2027-09-20", days=CORE_DAYS[:2]),
        "core sessions reordered": definition(
            follow_up="2027-09-20", days=("2027-06-14", "2027-06-07", "2027-06-21")
        ),
    }
    for what, rewrite in rewrites.items():
        with pytest.raises(Conflict) as refused:
            courses.put_course(ports, "c1", rewrite)
        assert refused.value.code == "register_kept", what
        assert "register already holds marks" in str(refused.value), what
    assert repo(ports).applications[ada].attendance == {"s1": Mark.ATTENDED}
    # Moving a session nobody is marked for keeps its key: allowed, and the mark stays put.
    moved = definition(follow_up="2027-09-20", days=(CORE_DAYS[0], "2027-06-15", CORE_DAYS[2]))
    courses.put_course(ports, "c1", moved)
    assert keys(ports) == ["s1", "s2", "s3"]
    assert repo(ports).applications[ada].attendance == {"s1": Mark.ATTENDED}
    clock.now = datetime(2027, 6, 21, 16, 1, tzinfo=UTC)
    register.close(ports, "c1")
    with pytest.raises(Conflict) as refused:
        courses.put_course(ports, "c1", definition(None, follow_up="2027-09-20"))
    assert refused.value.code == "register_kept"


def test_a_certificate_whose_name_the_font_cannot_print_is_held_and_the_organiser_told(
    ports: Ports, clock: Clock
) -> None:
    wang = book(ports, "wang@example.org", "王小明 Refund")
    anil = book(ports, "anil@example.org", "अनिल कुमार")
    ada = book(ports, "ada@example.org", "Zoë Ἀθηνᾶ Мария")
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    for who in (wang, ada):
        for key in keys(ports)[:2]:
            register.mark(ports, "c1", who, key, Mark.ATTENDED)
    assert sorted(register.register_of(ports, "c1").unprintable_names) == sorted([wang, anil])
    closed = register.close(ports, "c1")
    assert sorted(closed.completed) == sorted([wang, ada])
    assert closed.unprintable_names == [wang]
    # Completed and genuine, but held: no email and no download of a certificate reading
    # "This certifies that completed"; Ada's prints in full and goes.
    stored = repo(ports).applications[wang]
    assert stored.completion is not None
    assert stored.completion.completed
    certificates = [j for j in repo(ports).written_emails if j.kind is EmailKind.CERTIFICATE]
    # Wang is told the certificate follows: a job of its own, no PDF.
    assert sorted(j.job_id for j in certificates) == sorted(
        [f"certificate:{ada}", f"certificate:{wang}:held"]
    )
    with pytest.raises(NotFound):
        register.certificate_for_holder(ports, wang, stored.token)
    assert register.certificate_download_url(ports, wang, stored.token) == ""
    assert register.verify(ports, stored.completion.certificate or "").name == "王小明 Refund"
    ada_stored = repo(ports).applications[ada]
    assert register.certificate_for_holder(ports, ada, ada_stored.token).startswith(b"%PDF")
    from booking.cli.register import _said
    from booking.handlers.register_views import register_out

    said = _said(
        register_out(register.register_of(ports, "c1")).model_dump(mode="json"), "Europe/London"
    )
    assert "Certificates held, not emailed, because the font cannot print the name fully" in said
    assert said.count("王小明 Refund") == 2  # its row, and the list
    assert said.count("Zoë Ἀθηνᾶ Мария") == 1


def test_a_booking_awaiting_its_invoices_payment_is_marked_decided_and_certified(
    ports: Ports, clock: Clock
) -> None:
    from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
    from booking.services.payments import apply_invoice_event
    from tests.fakes.held import gateway
    from tests.support.billing_steps import by_invoice

    courses.put_course(
        ports, "c1", definition(follow_up="2027-09-20").model_copy(update={"invoice_allowed": True})
    )
    view = applications.submit_application(ports, "c1", by_invoice("ivy@example.org"))
    ivy = view.application_id
    assert repo(ports).applications[ivy].status is S.AWAITING_INVOICE_PAYMENT
    assert [r.application.application_id for r in register.register_of(ports, "c1").rows] == [ivy]
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    for key in keys(ports)[:2]:
        register.mark(ports, "c1", ivy, key, Mark.ATTENDED)
    assert register.close(ports, "c1").completed == [ivy]
    # Paid after the course, as invoices often are: the completion and certificate stand.
    invoice = repo(ports).applications[ivy].invoice
    assert invoice is not None
    gateway(ports).pay_invoice(invoice.invoice_id)
    apply_invoice_event(
        ports,
        InvoiceEvent(
            "evt_inv", InvoiceEventKind.PAID, invoice.invoice_id, ivy, invoice.amount_due, "gbp"
        ),
    )
    paid = repo(ports).applications[ivy]
    assert paid.status is S.CONFIRMED
    assert paid.completion is not None
    assert paid.completion.completed
    assert register.certificate_for_holder(ports, ivy, paid.token).startswith(b"%PDF")


@pytest.mark.parametrize("follow_up", ["2027-09-20", None])
def test_the_certificate_email_promises_follow_ups_only_when_there_are_some_to_come(
    ports: Ports, clock: Clock, follow_up: str | None
) -> None:
    courses.put_course(ports, "c1", definition(follow_up=follow_up))
    close_with(ports, clock)
    register.close(ports, "c1")
    message = _certificate_sent(ports)
    promised = "you will be invited to its follow-up sessions" in message.text
    assert promised is (follow_up is not None)


def test_importing_into_a_closed_register_is_refused_whatever_the_export_holds(
    ports: Ports, clock: Clock
) -> None:
    close_with(ports, clock)
    register.close(ports, "c1")
    for export in ("Name,Email\nNobody,nobody@example.org\n", "Name,Email\nAda,ada@example.org\n"):
        with pytest.raises(Conflict) as refused:
            attendance_importing.import_attendance(ports, "c1", keys(ports)[2], export)
        assert refused.value.code == "register_closed"


def test_a_graduate_of_another_cohort_is_invited_as_a_graduate_of_their_own(
    clock: Clock,
) -> None:
    ports = fake_ports(clock)
    courses.put_course(ports, "host", definition(None, follow_up="2027-09-20"))
    spring = definition(None, days=("2027-05-10", "2027-05-17")).model_copy(
        update={"title": "Spring Leadership"}
    )
    courses.put_course(ports, "spring", spring)
    cara = book(ports, "cara@example.org", "Cara Spring", course_id="spring")
    clock.now = datetime(2027, 9, 10, 9, 0, tzinfo=UTC)
    dispatch_reminders(ports, clock.now)
    queue = ports.email_queue
    assert isinstance(queue, FakeEmailQueue)
    [job] = [j for j in queue.jobs if j.kind is EmailKind.FOLLOW_UP_INVITATION]
    assert job.application_id == cara
    send_email_job(ports, job)
    sender = ports.sender
    assert isinstance(sender, FakeEmailSender)
    [message] = sender.sent
    assert "As a graduate of Spring Leadership" in message.text
    assert "compassionate leadership going" not in message.text


def test_the_person_export_carries_the_certificate_code_and_address(
    ports: Ports, clock: Clock
) -> None:
    ada, _ = close_with(ports, clock)
    register.close(ports, "c1")
    completion = repo(ports).applications[ada].completion
    assert completion is not None
    code = completion.certificate
    [held] = person_export.export_person(ports, "ada@example.org")["applications"]
    assert held["certificate_code"] == code
    assert held["certificate_url"] == f"https://booking.test/certificates/{code}"
    [other] = person_export.export_person(ports, "bo@example.org")["applications"]
    assert (other["certificate_code"], other["certificate_url"]) == (None, None)


@pytest.mark.parametrize("wanted", [0, 7, -1])
def test_a_wrong_completion_rule_is_reported_under_its_own_field(wanted: int) -> None:
    from booking.domain.validation import parse

    body = definition().model_dump(mode="json", exclude_none=True)
    with pytest.raises(InvalidInput) as refused:
        parse(CourseDefinition, {**body, "completion_min_sessions": wanted})
    assert list(refused.value.fields) == ["completion_min_sessions"]
    assert "between 1 and 3" in refused.value.fields["completion_min_sessions"]


def test_the_history_names_a_marks_session_by_its_title_and_day(ports: Ports, clock: Clock) -> None:
    from booking.handlers.console_application import application_page
    from booking.handlers.console_pages import Chrome
    from booking.services import console

    ada = book(ports, "ada@example.org")
    clock.now = AFTER_THE_LAST  # marks are given once the sessions are held
    register.mark(ports, "c1", ada, keys(ports)[0], Mark.ATTENDED)
    page = application_page(Chrome(True, "t"), console.application_detail(ports, ada))
    assert "Register: attended at Session 1 of 3, Monday 7 June 2027" in page
    assert "at session s1" not in page


def test_a_reissued_spelling_shows_on_the_clis_register_and_the_apis_rows(
    ports: Ports, clock: Clock
) -> None:
    """The spelling a certificate was reissued with showed on the console's
    register only; the API's rows carry it, and the CLI's register says it on the row."""
    from booking.cli.register import _said
    from booking.handlers.register_views import register_out

    wang = wang_completed(ports, clock)
    register.close(ports, "c1")
    register.reissue_certificate(ports, "c1", wang, "Wang Xiaoming")
    shown = register_out(register.register_of(ports, "c1")).model_dump(mode="json")
    assert [row["printed_name"] for row in shown["rows"]] == ["Wang Xiaoming"]
    assert "certificate reissued printing the name as 'Wang Xiaoming'" in _said(shown, "UTC")


def test_the_clis_register_says_when_it_closed_in_the_courses_clock(
    ports: Ports, clock: Clock
) -> None:
    """ "Closed at 2026-12-05T21:39:10.813165Z." was a raw UTC stamp; the CLI
    says it as the rest of it does, in the course's clock, to the minute."""
    from booking.cli.register import _said
    from booking.handlers.register_views import register_out

    book(ports, "ada@example.org")
    clock.now = datetime(2027, 7, 1, 11, 5, 30, 123456, tzinfo=UTC)
    register.close(ports, "c1")
    shown = register_out(register.register_of(ports, "c1")).model_dump(mode="json")
    said = _said(shown, "Europe/London").splitlines()[-1]
    assert said == "Closed on Thursday 1 July 2027 at 12:05 BST."
    assert _said(shown, "UTC").splitlines()[-1] == "Closed on Thursday 1 July 2027 at 11:05 UTC."


def test_zooms_minutes_are_said_with_their_unit_and_other_durations_as_given() -> None:
    """ "Time in the meeting: 8" read as a bare number; the API keeps the
    export's own value, the console says it in minutes."""
    from booking.domain.attendance_import import read_attendance_export

    zoom = (
        "Name (Original Name),User Email,Duration (Minutes)\nAda,a@x.example,8\nBo,b@x.example,1\n"
    )
    rows = read_attendance_export(zoom)
    assert [r.duration for r in rows] == ["8", "1"]
    assert [r.duration_said for r in rows] == ["8 minutes", "1 minute"]
    [teams] = read_attendance_export("Name,Email,In-Meeting Duration\nAda,a@x.example,1h 2m\n")
    assert teams.duration_said == "1h 2m"
    [bare] = read_attendance_export("Name,Email,Duration\nAda,a@x.example,60\n")
    assert bare.duration_said == "60"  # no unit in its header: not guessed


def test_a_session_held_and_marked_keeps_its_times_and_a_closed_register_all_of_them(
    ports: Ports, clock: Clock
) -> None:
    """A held, marked session of a closed register moved into the future, its
    attendees told "Changed dates" of a course that was over."""
    ada = book(ports, "ada@example.org")
    clock.now = datetime(2027, 6, 14, 15, 30, tzinfo=UTC)  # the second session running
    first, second, _ = keys(ports)
    register.mark(ports, "c1", ada, first, Mark.APOLOGIES)
    register.mark(ports, "c1", ada, second, Mark.ATTENDED)
    saved = repo(ports).courses["c1"]
    sent = len(repo(ports).written_emails)
    # The running session, marked attended: neither moved nor made longer.
    for days, later_end in ((CORE_DAYS, "18:00"), (("2027-06-07", "2027-06-15", "2027-06-21"), "")):
        moved = definition(follow_up="2027-09-20", days=days)
        if later_end:
            body = moved.model_dump(mode="json", exclude_none=True)
            body["sessions"][1]["end_time"] = later_end
            moved = CourseDefinition.model_validate(body)
        with pytest.raises(Conflict) as refused:
            courses.put_course(ports, "c1", moved)
        assert refused.value.code == "register_kept"
        assert (
            "Session 2 of 3 must stay on Monday 14 June 2027, 15:00-17:00 BST (it has begun, "
            "and people are marked for it)" in refused.value.message
        )
    assert repo(ports).courses["c1"] == saved  # nothing saved
    assert len(repo(ports).written_emails) == sent  # nobody told
    # Held with only apologies (sent before it began, they say nothing of it taking place),
    # or not yet begun: it may move.
    courses.put_course(
        ports, "c1", definition(follow_up="2027-09-20", days=("2027-06-08", *CORE_DAYS[1:]))
    )
    courses.put_course(
        ports,
        "c1",
        definition(follow_up="2027-09-20", days=("2027-06-08", CORE_DAYS[1], "2027-06-22")),
    )
    clock.now = datetime(2027, 6, 22, 17, 1, tzinfo=UTC)
    register.close(ports, "c1")
    # Closed: every core session keeps its times, in words naming each; a follow-up may move.
    with pytest.raises(Conflict) as refused:
        courses.put_course(ports, "c1", definition(follow_up="2027-09-20"))
    said = refused.value.message
    assert said.startswith("this course's register is closed, so Session 1 of 3 must stay on ")
    assert "Session 3 of 3 must stay on Tuesday 22 June 2027, 15:00-17:00 BST" in said
    assert "Session 2" not in said
    courses.put_course(
        ports,
        "c1",
        definition(follow_up="2027-09-27", days=("2027-06-08", CORE_DAYS[1], "2027-06-22")),
    )
