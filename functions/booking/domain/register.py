"""A course's register: who came to each core session, who completed the course, and the
certificate a completer is given.

* The **register** lists every booking holding its seat (confirmed, or awaiting its invoice's
  payment; not erased) against every core session. A
  mark is one of attended, absent, sent apologies; a mark may be changed until the register is
  closed. Marks are kept on the application itself, so each is written with the application's
  conditional save (it expects the version it read: two organisers marking at once never lose
  a mark) and the timeline records it in the same write.
* **Completion** is defined by the course: ``completion_min_sessions`` core sessions attended.
  A course without it keeps no register. The organiser closes the register once the last core
  session has ended; closing decides each booking's completion once, for good.
* A **graduate** of the programme completed a cohort: on a course that keeps a register, a
  booking whose register was closed with it completing; on a course that keeps none, any
  confirmed booking once the cohort's core sessions have ended (``domain.programme``).
* A **certificate** belongs to a completion and is identified by an unguessable code (made by
  the service with ``secrets``); its verification page believes a code only for the
  application that recorded it, and never for an erased one.

Pure: no I/O, no clock, no randomness.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.domain.application import Application, ApplicationStatus
from booking.domain.attendance import (
    MARKS_BEFORE_A_SESSION,
    CertificateTerms,
    Completion,
    Mark,
    training_words,
)
from booking.domain.course import Course, CourseDefinition, ScheduledSession, SessionKind
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.domain.text import one_line, shows_a_letter
from booking.domain.wording import day_when, session_when

# A certificate's code: 32 bytes from ``secrets`` (256 bits), URL-safe base64 (43 letters).
CERTIFICATE_CODE_BYTES = 32


def core_sessions(course: Course) -> list[ScheduledSession]:
    return [s for s in course.schedule if s.kind is SessionKind.CORE]


def keeps_register(course: Course) -> bool:
    return course.definition.completion_min_sessions is not None


# A booking holding its seat while the course runs: confirmed, or its employer's invoice still
# open (paid after the course, as invoices often are): it comes, so it is marked and decided.
REGISTERED_STATUSES = frozenset(
    {ApplicationStatus.CONFIRMED, ApplicationStatus.AWAITING_INVOICE_PAYMENT}
)


def on_register(application: Application) -> bool:
    """A booking the register lists: confirmed or awaiting its invoice's payment, and not
    erased."""
    return application.status in REGISTERED_STATUSES and not application.is_erased


def register_ends_at(course: Course) -> datetime:
    """When the last core session ends: the register may be closed from then on."""
    return max(s.end for s in core_sessions(course))


# Why a course without a register refuses one, in the words of both ways to give it one: the
# console's course form and the definition's field.
NO_REGISTER = (
    'this course keeps no register: give it "Core sessions to attend to complete" (on the '
    "console, Change this course; in its definition, completion_min_sessions)"
)


def _require_register(course: Course) -> int:
    required = course.definition.completion_min_sessions
    if required is None:
        raise Conflict(NO_REGISTER, code="no_register")
    return required


@dataclass(frozen=True)
class RegisterHeld:
    """What a course's register holds, as a save of its definition meets it: whether it is
    closed, whether it holds any mark or completion, and the core sessions someone is marked
    attended or absent for (an apology may be sent before a session begins, so it says
    nothing of the session having taken place)."""

    closed: bool = False
    holds_marks: bool = False
    marked_held: frozenset[str] = frozenset()

    @classmethod
    def of(cls, applications: Iterable[Application], closed: bool) -> RegisterHeld:
        listed = list(applications)
        # A completion is decided only by closing: a booking holding one is a closed register.
        closed = closed or any(a.completion is not None for a in listed)
        return cls(
            closed=closed,
            holds_marks=closed or any(a.attendance for a in listed),
            marked_held=frozenset(
                key
                for a in listed
                for key, mark in a.attendance.items()
                if mark not in MARKS_BEFORE_A_SESSION
            ),
        )


# The most a register can hold: a save this allows needs no look at the register at all.
EVERYTHING_HELD = RegisterHeld(closed=True, holds_marks=True)


def register_edit_refusal(
    before: Course, after: CourseDefinition, held: RegisterHeld, now: datetime
) -> str | None:
    """Why ``after`` may not replace the definition of a course whose register ``held``
    (marks, or closed); None when it may. Marks are kept by core session key (a session's
    ``id``, else its place in the organiser's list), and completion is counted against
    ``completion_min_sessions``: a new definition that changes either would move marks onto
    other sessions or decide completion by another rule. A session that has begun and is
    marked (attended or absent) keeps its date and times, and once the register is closed
    every core session keeps them: moved, the register would say someone attended a session
    that has not happened, and everyone would be told of new dates of a course that is over.
    Moving a session not yet held keeps its key, and is allowed."""
    required = before.definition.completion_min_sessions
    if required is None or not (held.closed or held.holds_marks):
        return None
    problems: list[str] = []
    if after.completion_min_sessions != required:
        problems.append(f"completion_min_sessions must stay {required}")
    old_keys = [s.key for s in core_sessions(before)]
    new_keys = [s.key for s in after.schedule() if s.kind is SessionKind.CORE]
    if set(new_keys) != set(old_keys):
        problems.append(
            f"the course must keep its {len(old_keys)} core sessions, each in its place in the "
            "list of sessions (a session is known by its place, or its id: adding, removing or "
            "moving one up or down the list would move people's marks onto another session)"
        )
    elif new_keys != old_keys:
        problems.append(
            "the core sessions must stay in the same order in time (moving one past another "
            "would move people's marks onto another session)"
        )
    problems += _times_kept(before, after, held, now)
    if not problems:
        return None
    if held.closed:
        return (
            "this course's register is closed, so "
            + "; ".join(problems)
            + ". Change only the wording and the follow-ups, or make a new cohort"
        )
    return (
        "this course's register already holds marks, so "
        + "; ".join(problems)
        + ". Change only wording, and the dates and times of sessions not yet held and "
        "marked, or make a new cohort"
    )


def _times_kept(
    before: Course, after: CourseDefinition, held: RegisterHeld, now: datetime
) -> list[str]:
    """What ``after`` must keep of the core sessions' dates and times, one phrase each."""
    zone = before.definition.timezone
    new = {s.key: s for s in after.schedule() if s.kind is SessionKind.CORE}
    kept = []
    for session in core_sessions(before):
        moved = new.get(session.key)
        if moved is None or (moved.start, moved.end) == (session.start, session.end):
            continue
        when = f"{session.title} must stay on {session_when(session, zone)}"
        if held.closed:
            kept.append(when)
        elif session.start <= now and session.key in held.marked_held:
            kept.append(f"{when} (it has begun, and people are marked for it)")
    return kept


def marked(
    application: Application, course: Course, session_key: str, mark: Mark | None, now: datetime
) -> Application:
    """The application with ``mark`` for the core session ``session_key`` (None: its mark
    cleared, given by mistake; by the same rules, at any time before the register closes)."""
    _require_register(course)
    if application.course_id != course.course_id or not on_register(application):
        raise _not_on_register(application)
    if application.completion is not None:
        raise Conflict("the register is closed: marks can no longer change", code="register_closed")
    session = core_session(course, session_key)
    refusal = mark and early_mark_refusal(session, mark, course.definition.timezone, now)
    if refusal:
        raise InvalidInput("the mark needs attention", {"mark": refusal})
    if application.attendance.get(session_key) is mark:
        return application
    kept = {key: given for key, given in application.attendance.items() if key != session_key}
    attendance = kept if mark is None else {**kept, session_key: mark}
    return application.model_copy(update={"attendance": attendance, "updated_at": now})


def _not_on_register(application: Application) -> NotFound:
    """A mark refused for a booking the register does not list (saying so of an erased one)."""
    erased = ": its person's data was erased" if application.is_erased else ""
    return NotFound(f"no booking of that id is on this course's register{erased}")


def core_session(
    course: Course, session_key: str, summary: str = "the mark needs attention"
) -> ScheduledSession:
    """The core session ``session_key`` names (422 beside ``session`` when it names none)."""
    session = next((s for s in core_sessions(course) if s.key == session_key), None)
    if session is None:
        raise InvalidInput(summary, {"session": "name one of the course's core sessions"})
    return session


def marks_allowed(session: ScheduledSession, now: datetime) -> tuple[Mark, ...]:
    """The marks ``session`` may be given at ``now``: any once it has begun, apologies before."""
    if now >= session.start:
        return tuple(Mark)
    return tuple(m for m in Mark if m in MARKS_BEFORE_A_SESSION)


def early_mark_refusal(
    session: ScheduledSession, mark: Mark, timezone: str, now: datetime
) -> str | None:
    """Why ``mark`` cannot be given for ``session`` yet; None when it can."""
    if mark in marks_allowed(session, now):
        return None
    return (
        f"{session.title} is on {session_when(session, timezone)}: until it begins, only "
        "apologies can be recorded"
    )


def closing_refusal(course: Course, now: datetime) -> str | None:
    """Why the register cannot be closed now; None when it can."""
    _require_register(course)
    ends = register_ends_at(course)
    if now < ends:
        return "the register can be closed once the last core session has ended"
    return None


def completion_of(
    application: Application, course: Course, now: datetime, certificate: str | None
) -> Completion:
    """The booking's completion, decided on closing. ``certificate``: the code its certificate
    gets if it completed (made by the caller)."""
    required = _require_register(course)
    keys = {s.key for s in core_sessions(course)}
    attended = sum(
        1 for key, mark in application.attendance.items() if key in keys and mark is Mark.ATTENDED
    )
    completed = attended >= required
    return Completion(
        completed=completed,
        attended=attended,
        required=required,
        closed_at=now,
        certificate=certificate if completed else None,
        terms=certificate_terms(application, course, now) if completed else None,
    )


def certificate_dates(course: Course) -> str:
    """The core sessions' first and last days, in words."""
    sessions = core_sessions(course)
    timezone = course.definition.timezone
    first = day_when(sessions[0].start, timezone)
    last = day_when(sessions[-1].start, timezone)
    return first if first == last else f"{first} to {last}"


def certificate_terms(
    application: Application, course: Course, closed_at: datetime
) -> CertificateTerms:
    """What the booking's certificate says, as the course stands when its completion is
    decided (kept on the completion for good)."""
    return CertificateTerms(
        name=application.answers.name,
        course_title=course.definition.title,
        dates=certificate_dates(course),
        hours=hours_words(attended_time(application, course)),
        facilitators=tuple(name for name, _ in course.definition.public_facilitators()),
        issued=day_when(closed_at, course.definition.timezone),
        organisation=course.definition.organisation or "",
        course_hours=hours_words(training_time(course)),
    )


# The longest spelling of a name a certificate prints (as the application form takes a name).
MAX_PRINTED_NAME = 200


def prints_in_full(name: str, missing: str) -> bool:
    """Whether a certificate prints ``name`` (``missing``: the letters of it the certificate's
    font has not): a letter that shows (``domain.text.shows_a_letter``), and every letter in
    the font. One that does not is held (never "This certifies that  completed")."""
    return shows_a_letter(name) and not missing


def _named(letters: str) -> str:
    # An invisible letter is named by its code point: the organiser could not read it.
    return " ".join(c if shows_a_letter(c) else f"U+{ord(c):04X}" for c in letters)


def spelling_refusal(printed: str, missing: str) -> str | None:
    """Why ``printed`` cannot be a held certificate's spelling of its holder's name (``missing``:
    the letters of it the certificate's font has not), or None when it can: one line, not
    empty, and every letter printable, or it would be held again."""
    if not printed:
        return "give the name as it should be printed"
    if len(printed) > MAX_PRINTED_NAME:
        return f"keep it to {MAX_PRINTED_NAME} characters"
    if not shows_a_letter(printed):
        return (
            "give the name in letters that show: this has none (only spaces or invisible "
            "characters), so the certificate would print no name"
        )
    try:
        one_line(printed)
    except ValueError as refused:
        return str(refused)
    if missing:
        return (
            f"the certificate's font (DejaVu Sans) has no letter for {_named(missing)}: give "
            "the name in letters it can print, such as Latin letters"
        )
    return None


def completed(course: Course, application: Application) -> bool:
    """Whether the booking completed the course as the course defines it: the register closed
    with it completing; on a course that keeps no register, any confirmed booking (whose
    sessions have ended: the programme's rule checks the time)."""
    if not keeps_register(course):
        return True
    return application.completion is not None and application.completion.completed


def may_yet_complete(course: Course, application: Application) -> bool:
    """Whether the booking completed the course or still may: its register not yet closed (or
    the course keeps none). A booking that did not complete is no way into the programme's
    follow-ups."""
    return application.completion is None or application.completion.completed


def certificate_code(application: Application) -> str | None:
    """The code of the booking's certificate, while it has one (never once erased)."""
    completion = application.completion
    if application.is_erased or completion is None or not completion.completed:
        return None
    return completion.certificate


def reissued_spelling(application: Application) -> str | None:
    """The spelling of the name an organiser gave the booking's certificate to print, when it
    was reissued with one (None: it prints the name as given, or the booking has no certificate
    now): said wherever the certificate is shown (the register's rows, the application's page,
    the API's register and export, the CLI), never logged."""
    done = application.completion
    if certificate_code(application) is None or done is None:
        return None
    if done.reissued_at is None or done.terms is None:
        return None
    return done.terms.name


def training_time(course: Course) -> timedelta:
    """The hours of training: the core sessions' durations added up."""
    return sum((s.end - s.start for s in core_sessions(course)), timedelta())


def attended_time(application: Application, course: Course) -> timedelta:
    """The hours the booking attended: the durations of the core sessions marked attended."""
    return sum(
        (
            s.end - s.start
            for s in core_sessions(course)
            if application.attendance.get(s.key) is Mark.ATTENDED
        ),
        timedelta(),
    )


def hours_words(duration: timedelta) -> str:
    """``12 hours``, ``1 hour 30 minutes``."""
    minutes = int(duration.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


class CertificateDetails(CertificateTerms):
    """What a certificate says (the PDF writer lays it out): the terms frozen when the register
    closed, and what only this booking's certificate has."""

    reference: str
    verification_url: str

    @property
    def training(self) -> str:
        """What the certificate says of the training (``domain.attendance.training_words``)."""
        return training_words(self.hours, self.course_hours)


@dataclass(frozen=True)
class RegisterRow:
    """One booking's line on the register."""

    application: Application
    marks: dict[str, Mark | None]  # core session key -> its mark, None: not marked yet
    completion: Completion | None


def register_rows(course: Course, applications: list[Application]) -> list[RegisterRow]:
    """The register: each booking on it, by name, with its mark for each core session."""
    keys = [s.key for s in core_sessions(course)]
    listed = sorted(
        (a for a in applications if on_register(a) and a.course_id == course.course_id),
        key=lambda a: (a.answers.name.casefold(), a.application_id),
    )
    return [
        RegisterRow(
            application=a,
            marks={key: a.attendance.get(key) for key in keys},
            completion=a.completion,
        )
        for a in listed
    ]
