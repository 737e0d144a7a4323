"""The register's JSON, as the organiser API answers it (and the OpenAPI document says)."""

from datetime import datetime

from pydantic import ConfigDict, Field

from booking.domain.application import Application
from booking.domain.attendance import Mark
from booking.domain.attendance_import import EXPORT_LIMIT_WORDS, MAX_EXPORT_BYTES, AttendeeRow
from booking.domain.model import Model
from booking.domain.register import MAX_PRINTED_NAME, RegisterRow, reissued_spelling
from booking.handlers.views import PrintedName
from booking.services.attendance_importing import AttendanceImport
from booking.services.register import ClosedRegister, Register


class _RegisterCellIn(Model):
    """One booking at one core session: the register's cell a mark is given or cleared in."""

    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(
        min_length=1, max_length=80, description="The booking's id or reference"
    )
    session: str = Field(min_length=1, max_length=80, description="A core session's key")


class RegisterMarkIn(_RegisterCellIn):
    mark: Mark


class RegisterMarkClearIn(_RegisterCellIn):
    shown: Mark = Field(
        description="The mark the caller read on the register (`getRegister`): only that mark "
        "is taken away. Another mark held now is 409 `mark_changed`, nothing cleared"
    )


class AttendanceImportIn(Model):
    model_config = ConfigDict(extra="forbid")

    session: str = Field(min_length=1, max_length=80, description="A core session's key")
    export: str = Field(
        min_length=1,
        max_length=MAX_EXPORT_BYTES,
        description="The attendance export's CSV text (Zoom's or Teams' participant report), "
        + EXPORT_LIMIT_WORDS,
    )


class RegisterSessionOut(Model):
    key: str
    title: str
    start: datetime
    end: datetime


class CompletionOut(Model):
    completed: bool
    attended: int
    required: int
    closed_at: datetime


class RegisterRowOut(Model):
    application_id: str
    reference: str | None
    name: str
    marks: dict[str, Mark | None] = Field(description="Core session key -> mark (null: none)")
    completion: CompletionOut | None
    printed_name: PrintedName = None


class RegisterOut(Model):
    course_id: str
    completion_min_sessions: int
    sessions: list[RegisterSessionOut]
    rows: list[RegisterRowOut]
    closed_at: datetime | None
    can_close: bool
    closing_refusal: str | None = Field(description="Why it cannot be closed now, if it cannot")
    unprintable_names: list[str] = Field(
        default_factory=list,
        description="Application ids whose name the certificate's font cannot print in full "
        "(scripts DejaVu Sans lacks, such as Chinese, Devanagari, Thai or emoji): their "
        "certificates are held, never emailed or offered for download, until reissued with "
        "a spelling the font prints (`reissueCertificate`)",
    )


class CertificateReissueIn(Model):
    model_config = ConfigDict(extra="forbid")

    application_id: str = Field(
        min_length=1, max_length=80, description="The booking's id or reference"
    )
    printed_name: str = Field(
        min_length=1,
        max_length=MAX_PRINTED_NAME,
        description="The holder's name as the certificate should print it, in letters its "
        "font prints (such as Latin letters). The certificate's alone: the name on the "
        "booking is not changed",
    )


class CertificateReissuedOut(Model):
    application_id: str
    reference: str | None
    printed_name: str = Field(description="The name the certificate now prints")
    emailed: bool = Field(
        description="The certificate is on its way to the holder (false: it printed this "
        "spelling already, a repeat of the same reissue; nobody is emailed again)"
    )


class AttendeeRowOut(Model):
    line: int
    name: str
    email: str
    duration: str
    joined: str


class AttendanceImportOut(Model):
    session: str
    marked: list[RegisterRowOut]
    unmatched: list[AttendeeRowOut]
    facilitators: list[AttendeeRowOut] = Field(
        default_factory=list,
        description="Rows of the course's own people (a facilitator by address or name, or the "
        "enquiries address): nobody to mark, and not among the unmatched",
    )


class ClosedRegisterOut(Model):
    closed_at: datetime
    closed_already: bool = Field(
        default=False,
        description="It was closed before: this close decided only bookings an interrupted "
        "close left, and the lists are what the register holds",
    )
    completed: list[str] = Field(
        description="Application ids that completed, as the closed register holds them"
    )
    not_completed: list[str]
    unprintable_names: list[str] = Field(
        default_factory=list,
        description="Of those completed, whose name the certificate's font cannot print in "
        "full: their certificates are held, not emailed",
    )


def row_out(row: RegisterRow) -> RegisterRowOut:
    application = row.application
    done = row.completion
    return RegisterRowOut(
        application_id=application.application_id,
        reference=application.reference,
        name=application.answers.name,
        marks=row.marks,
        completion=CompletionOut.model_validate(done, from_attributes=True) if done else None,
        printed_name=reissued_spelling(application),
    )


def register_out(register: Register) -> RegisterOut:
    required = register.course.definition.completion_min_sessions
    return RegisterOut(
        course_id=register.course.course_id,
        completion_min_sessions=required or 0,
        sessions=[
            RegisterSessionOut(key=s.key, title=s.title, start=s.start, end=s.end)
            for s in register.sessions
        ],
        rows=[row_out(row) for row in register.rows],
        closed_at=register.closed_at,
        can_close=register.closed_at is None and register.closing_refusal is None,
        closing_refusal=register.closing_refusal,
        unprintable_names=register.unprintable_names,
    )


def attendee_out(row: AttendeeRow) -> AttendeeRowOut:
    return AttendeeRowOut.model_validate(row, from_attributes=True)


def import_out(done: AttendanceImport) -> AttendanceImportOut:
    return AttendanceImportOut(
        session=done.session.key,
        marked=[row_out(row) for row, _ in done.marked],
        unmatched=[attendee_out(r) for r in done.unmatched],
        facilitators=[attendee_out(r) for r in done.facilitators],
    )


def closed_out(closed: ClosedRegister) -> ClosedRegisterOut:
    return ClosedRegisterOut.model_validate(closed, from_attributes=True)


def reissued_out(application: Application, *, emailed: bool) -> CertificateReissuedOut:
    terms = application.completion.terms if application.completion else None
    return CertificateReissuedOut(
        application_id=application.application_id,
        reference=application.reference,
        printed_name=terms.name if terms else "",
        emailed=emailed,
    )
