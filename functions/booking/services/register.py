"""A course's register: reading it, marking it, closing it, and the certificates closing gives
(``domain.register`` has the rules; importing a meeting's attendance is
``services.attendance_importing``).

Every mark is a conditional save of its application (the version read): two organisers marking
the same person at once both land, one after the other, and the timeline records each. Closing
records the register closed once (the first closer's moment stands), then decides each
booking's completion with its own conditional save, which carries the completer's certificate
email: a crash half-way is finished by closing again, and nobody is decided twice.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, field, fields
from datetime import datetime
from urllib.parse import quote

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.attendance import Completion, Mark, clear_refusal
from booking.domain.course import Course, ScheduledSession
from booking.domain.emails import CERTIFICATE_HELD, Attachment, EmailJob, EmailKind
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.domain.links import with_query
from booking.domain.register import (
    CERTIFICATE_CODE_BYTES,
    NO_REGISTER,
    CertificateDetails,
    RegisterRow,
    certificate_code,
    certificate_terms,
    closing_refusal,
    completion_of,
    core_sessions,
    keeps_register,
    marked,
    marks_allowed,
    on_register,
    prints_in_full,
    register_rows,
    spelling_refusal,
)
from booking.services.access import authorised
from booking.services.concurrency import retried
from booking.services.ports import Ports

logger = Logger(child=True)


@dataclass(frozen=True)
class Register:
    course: Course
    sessions: list[ScheduledSession]  # the core sessions, in time order
    rows: list[RegisterRow]
    closed_at: datetime | None
    closing_refusal: str | None  # why it cannot be closed now; None when it can (or is closed)
    # Bookings whose name the certificate's font cannot print in full (application ids): the
    # organiser is told, to ask for a spelling in Latin letters or send the certificate by hand.
    unprintable_names: list[str] = field(default_factory=list)
    # Core session key -> the marks it may be given now (apologies only before it begins).
    marks_allowed: dict[str, tuple[Mark, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClosedRegister:
    closed_at: datetime
    # What the register holds once closed (application ids), decided now or by an earlier
    # close: closing again answers the same, never empty lists.
    completed: list[str] = field(default_factory=list)
    not_completed: list[str] = field(default_factory=list)
    # Of those completed, whose name the certificate's font cannot print in full (held).
    unprintable_names: list[str] = field(default_factory=list)
    closed_already: bool = False  # it was closed before this close


def course_keeping_register(ports: Ports, course_id: str) -> Course:
    """The course, which keeps a register: NotFound for an unknown one, Conflict
    ``no_register`` for one that keeps none."""
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    if not keeps_register(course):
        raise Conflict(NO_REGISTER, code="no_register")
    return course


def register_of(ports: Ports, course_id: str) -> Register:
    course = course_keeping_register(ports, course_id)
    closed_at = ports.repository.register_closed_at(course_id)
    refusal = None if closed_at else closing_refusal(course, ports.clock())
    rows = register_rows(course, ports.repository.list_applications(course_id))
    now = ports.clock()
    sessions = core_sessions(course)
    return Register(
        course=course,
        sessions=sessions,
        marks_allowed={s.key: marks_allowed(s, now) for s in sessions},
        rows=rows,
        closed_at=closed_at,
        closing_refusal=refusal,
        unprintable_names=[
            row.application.application_id for row in rows if not printable(ports, row.application)
        ],
    )


def _certificate_name(application: Application) -> str:
    """The name the booking's certificate says (frozen at closing) or will say."""
    terms = application.completion.terms if application.completion else None
    return terms.name if terms else application.answers.name


def printable(ports: Ports, application: Application) -> bool:
    """Whether the certificate's font prints the booking's name in full. One that does not is
    *held*: never emailed and never offered for download (it would say "This certifies that
    completed", or drop letters of the name); the register and the closing's
    answer list it, for the organiser to send one made by hand. So is a name with no letter
    that shows (a zero-width space), taken before the forms refused one."""
    name = _certificate_name(application)
    return prints_in_full(name, ports.certificates.unprintable(name))


# What the console's *Clear mark* posts: the session's mark taken away (given by mistake).
CLEAR = "clear"


def read_mark(value: object) -> Mark | None:
    """The mark a form gives (None: :data:`CLEAR`, the mark cleared)."""
    if value == CLEAR:
        return None
    try:
        return Mark(str(value))
    except ValueError:
        raise InvalidInput(
            "the mark needs attention", {"mark": "attended, absent or apologies"}
        ) from None


def mark(
    ports: Ports,
    course_id: str,
    application_id: str,
    session_key: str,
    given: Mark | None,
    shown: str = "",
) -> RegisterRow:
    """Give one booking a mark for one core session, or clear it (``given`` None); again:
    nothing changes. ``shown``: the mark the page (or the organiser API's caller) read, which
    a clear takes away only while it is the one held (``attendance.clear_refusal``): the
    console's Clear mark, the API's and the CLI's clear all come here. A closed register, a
    booking not on it (erased, cancelled) and a session it does not keep are refused first."""
    course = course_keeping_register(ports, course_id)
    if ports.repository.register_closed_at(course_id) is not None:
        raise Conflict("the register is closed: marks can no longer change", code="register_closed")

    def step(current: Application | None) -> Application:
        if current is None:
            raise NotFound("no booking of that id is on this course's register")
        new = marked(current, course, session_key, given, ports.clock())
        refusal = None if given else clear_refusal(current.attendance.get(session_key), shown)
        if refusal is not None:
            raise Conflict(refusal, code="mark_changed")
        return current if new is current else ports.repository.save(new, current)

    done = retried(step, lambda: ports.repository.get_application(application_id))
    logger.info(
        "register marked",
        extra={
            "application_id": application_id,
            "session": session_key,
            "mark": given.value if given else CLEAR,
        },
    )
    [row] = register_rows(course, [done])
    return row


def close(ports: Ports, course_id: str) -> ClosedRegister:
    """Close the register (refused before the last core session has ended) and decide each
    booking's completion; completers are sent their certificate. Closing again finishes what
    an interrupted close left and changes nothing else. Either way the answer is what the
    register holds now, saying whether it was closed already."""
    course = course_keeping_register(ports, course_id)
    now = ports.clock()
    closed_at = ports.repository.register_closed_at(course_id)
    closed_already = closed_at is not None
    if closed_at is None:
        refusal = closing_refusal(course, now)
        if refusal is not None:
            raise Conflict(refusal, code="register_not_over")
        closed_at = ports.repository.close_register(course_id, now)
    result = ClosedRegister(closed_at=closed_at, closed_already=closed_already)
    for application in ports.repository.list_applications(course_id):
        if not on_register(application):  # as the register lists them
            continue
        decided: Application | None = application
        if application.completion is None:
            decided = _decide(ports, course, application, closed_at)
        if decided is None or decided.completion is None:
            continue
        completion = decided.completion
        (result.completed if completion.completed else result.not_completed).append(
            decided.application_id
        )
        if completion.completed and not printable(ports, decided):
            result.unprintable_names.append(decided.application_id)
    logger.info(
        "register closed",
        extra={
            "course_id": course_id,
            "completed": len(result.completed),
            "not_completed": len(result.not_completed),
        },
    )
    return result


def _decide(
    ports: Ports, course: Course, first: Application, closed_at: datetime
) -> Application | None:
    """One booking's completion, saved with its certificate email (None: it left the register
    or was decided by another close meanwhile)."""

    def step(current: Application | None) -> Application | None:
        if current is None or not on_register(current) or current.completion is not None:
            return None
        code = secrets.token_urlsafe(CERTIFICATE_CODE_BYTES)
        completion = completion_of(current, course, closed_at, code)
        if completion.completed:
            # Recorded before the save: a code left by a save that lost is believed for nobody.
            ports.repository.record_certificate(code, current.application_id)
        new = current.model_copy(update={"completion": completion, "updated_at": ports.clock()})
        if completion.completed:
            # A held one's holder is told they completed, and that it follows.
            held = "" if printable(ports, new) else CERTIFICATE_HELD
            job = EmailJob.about(
                EmailKind.CERTIFICATE, new.application_id, course.course_id, occasion=held
            )
        else:  # not a graduate: the follow-ups in their calendar are taken out
            job = EmailJob.about(
                EmailKind.FOLLOW_UPS_WITHDRAWN, new.application_id, course.course_id
            )
        return ports.repository.save(new.with_emails(job), current)

    current: Application | None = first
    return retried(
        step, lambda: ports.repository.get_application(first.application_id), first=current
    )


# -- certificates -----------------------------------------------------------------------------

NOT_HELD = (
    "this booking has no certificate held (only a completer's certificate whose name the "
    "font cannot print is held, or one reissued already): {why}"
)


@dataclass(frozen=True)
class Reissued:
    application: Application
    emailed: bool  # False: the certificate printed this spelling already (a repeat)


def reissue_certificate(
    ports: Ports, course_id: str, application_id: str, printed_name: str
) -> Reissued:
    """A held certificate (its name unprintable in the certificate's font), or one reissued
    already (its spelling to correct), made again with ``printed_name``, the spelling an
    organiser was given to print, and emailed to the holder. The same spelling asked again is a
    quiet repeat (nothing saved, nobody emailed). The spelling is the certificate's alone: the
    person's name on their booking is unchanged. Refused in words: 409
    ``certificate_not_held`` for a certificate printed from the person's own name (or none),
    422 on ``printed_name`` for a spelling the font cannot print either. Never logs the name."""
    course = course_keeping_register(ports, course_id)
    printed = re.sub(" {2,}", " ", printed_name.strip())  # a run of spaces printed as one
    refusal = spelling_refusal(printed, ports.certificates.unprintable(printed))
    if refusal is not None:
        raise InvalidInput("the spelling to print needs attention", {"printed_name": refusal})
    repeated: list[bool] = []

    def step(current: Application | None) -> Application:
        repeated.clear()
        if current is None or current.course_id != course_id:
            raise NotFound("no such booking on this course's register")
        done = _reissuable(ports, current)
        terms = done.terms or certificate_terms(current, course, done.closed_at)
        if done.reissued_at is not None and terms.name == printed:
            repeated.append(True)
            return current
        now = ports.clock()
        reissued = done.model_copy(
            update={"terms": terms.model_copy(update={"name": printed}), "reissued_at": now}
        )
        new = current.model_copy(update={"completion": reissued, "updated_at": now})
        # Each reissue its own email (a correction is sent too; a repeat never reaches here).
        occasion = f"reissued:{now:%Y%m%dT%H%M%S%f}"
        job = EmailJob.about(
            EmailKind.CERTIFICATE, current.application_id, course_id, occasion=occasion
        )
        return ports.repository.save(new.with_emails(job), current)

    saved = retried(step, lambda: ports.repository.get_application(application_id))
    logger.info(
        "held certificate reissued",
        extra={"course_id": course_id, "application_id": application_id, "repeat": bool(repeated)},
    )
    return Reissued(saved, emailed=not repeated)


def _reissuable(ports: Ports, current: Application) -> Completion:
    """The completion whose certificate may be reissued, or 409 in words why not."""
    done = current.completion
    if current.is_erased:
        raise NotFound("no such booking on this course's register: its data was erased")
    if done is None:
        why = "the register is not closed yet: completion and certificates are decided then"
        raise Conflict(NOT_HELD.format(why=why), code="certificate_not_held")
    if not done.completed or certificate_code(current) is None:
        why = "it did not complete the course, so no certificate was given"
        raise Conflict(NOT_HELD.format(why=why), code="certificate_not_held")
    if done.reissued_at is None and printable(ports, current):
        why = "its certificate prints the name in full and was sent"
        raise Conflict(NOT_HELD.format(why=why), code="certificate_not_held")
    return done


def certificate_url(ports: Ports, code: str) -> str:
    return f"{ports.public_base_url}/certificates/{code}"


def certificate_details(
    ports: Ports, application: Application, course: Course
) -> CertificateDetails:
    """What the booking's certificate says: the words frozen when its completion was decided
    (a completion recorded before they were kept is worded from the course)."""
    code = certificate_code(application)
    completion = application.completion
    if code is None or completion is None:
        raise NotFound("no certificate for this application")
    terms = completion.terms or certificate_terms(application, course, completion.closed_at)
    # The frozen terms, each as kept, with what only this booking's certificate has.
    return CertificateDetails(
        **dict(terms),
        reference=application.reference_or_id,
        verification_url=certificate_url(ports, code),
    )


CERTIFICATE_FILENAME = "certificate.pdf"


def certificate_attachment(ports: Ports, application: Application, course: Course) -> Attachment:
    details = certificate_details(ports, application, course)
    return Attachment(
        CERTIFICATE_FILENAME, "application/pdf", ports.certificates.certificate(details)
    )


def certificate_for_holder(ports: Ports, application_id: str, token: str) -> bytes:
    """The PDF again, for the holder of the application's token (404 otherwise, as the status
    page answers)."""
    application = authorised(ports, application_id, token)  # the status page's one rule
    course = ports.repository.get_course(application.course_id)
    if course is None or certificate_code(application) is None or not printable(ports, application):
        raise NotFound("this application has no certificate")
    return ports.certificates.certificate(certificate_details(ports, application, course))


def certificate_download_url(ports: Ports, application_id: str, token: str) -> str:
    """Where the holder downloads their certificate again; "" when they have none."""
    application = ports.repository.get_application(application_id)
    if application is None or certificate_code(application) is None:
        return ""
    if not printable(ports, application):
        return ""
    return with_query(
        f"{ports.public_base_url}/applications/{quote(application_id)}/certificate.pdf",
        {"token": token},
    )


def certificate_held(ports: Ports, application_id: str) -> bool:
    """Whether the booking's certificate is held (the status page says it will follow)."""
    application = ports.repository.get_application(application_id)
    if application is None or certificate_code(application) is None:
        return False
    return not printable(ports, application)


@dataclass(frozen=True)
class VerifiedCertificate:
    """What the public check of a certificate shows: its fields of ``CertificateDetails``."""

    name: str
    course_title: str
    dates: str
    hours: str
    reference: str
    course_hours: str = ""


def verify(ports: Ports, code: str) -> VerifiedCertificate:
    """What a certificate says, if the code is a genuine certificate's: believed only for the
    application that recorded it while it still carries it (never once erased)."""
    owner = ports.repository.certificate_owner(code) if code else None
    application = ports.repository.get_application(owner) if owner else None
    held = (certificate_code(application) or "").encode() if application else b""
    if application is None or not hmac.compare_digest(held, code.encode("utf-8", "surrogatepass")):
        raise NotFound("no certificate has this code")
    course = ports.repository.get_course(application.course_id)
    if course is None:
        raise NotFound("no certificate has this code")
    details = certificate_details(ports, application, course)
    # What the check shows is what the certificate says, field by field, less the rest.
    return VerifiedCertificate(
        **{f.name: getattr(details, f.name) for f in fields(VerifiedCertificate)}
    )
