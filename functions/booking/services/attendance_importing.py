"""Importing a video meeting's attendance export into a course's register: everyone on the
register whose address is in the export is marked attended (``services.register.mark``, one
conditional save each); the course's own people (its facilitators, its enquiries address: the
meeting's host) are set apart and named, never offered as people to resolve;
the rows matching nobody come back to be resolved by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.attendance import Mark
from booking.domain.course import ScheduledSession
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.people import address_digest
from booking.domain.register import RegisterRow, core_session, early_mark_refusal, on_register
from booking.services.ports import Ports
from booking.services.register import course_keeping_register, mark

if TYPE_CHECKING:
    from booking.domain.attendance_import import AttendeeRow


@dataclass(frozen=True)
class AttendanceImport:
    session: ScheduledSession
    marked: list[tuple[RegisterRow, AttendeeRow]]  # marked attended by this import
    unmatched: list[AttendeeRow]  # no booking on the register has the row's address
    # Rows of the course's own people (a facilitator, by address or name; the enquiries
    # address): nobody to mark, and not offered as someone to resolve.
    facilitators: list[AttendeeRow] = field(default_factory=list)


def import_attendance(
    ports: Ports, course_id: str, session_key: str, export: bytes | str
) -> AttendanceImport:
    """Mark attended everyone on the register whose address (trimmed, any case) is in a
    video meeting's attendance export; the course's own people are set apart; the rows
    matching nobody come back to be resolved."""
    course = course_keeping_register(ports, course_id)
    if ports.repository.register_closed_at(course_id) is not None:
        # Refused whatever the export holds (even rows matching nobody): nothing can change.
        raise Conflict("the register is closed: marks can no longer change", code="register_closed")
    session = core_session(course, session_key, "the import needs attention")
    # An attendance export marks people attended: of a session that has begun only.
    too_early = early_mark_refusal(
        session, Mark.ATTENDED, course.definition.timezone, ports.clock()
    )
    if too_early is not None:
        raise InvalidInput("the import needs attention", {"session": too_early})
    # A meeting's export (CSV) is read here only: the functions that show a register or a
    # certificate (the api's status page) do not load its reader.
    from booking.domain.attendance_import import course_runners, read_attendance_export

    rows = read_attendance_export(export)
    by_address = {
        address_digest(a.answers.email): a
        for a in ports.repository.list_applications(course_id)
        if on_register(a)
    }
    runs_it = course_runners(course.definition)
    found: list[tuple[Application, AttendeeRow]] = []
    unmatched: list[AttendeeRow] = []
    facilitators: list[AttendeeRow] = []
    for row in rows:
        booking = by_address.get(address_digest(row.email)) if row.email else None
        if booking is not None:
            found.append((booking, row))
        elif runs_it(row):
            facilitators.append(row)
        else:
            unmatched.append(row)
    done = [
        (mark(ports, course_id, booking.application_id, session_key, Mark.ATTENDED), row)
        for booking, row in found
    ]
    return AttendanceImport(
        session=session, marked=done, unmatched=unmatched, facilitators=facilitators
    )
