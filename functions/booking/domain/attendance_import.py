"""Reading a video meeting's attendance export: who joined, by name and email address.

The common shapes are accepted:

* Zoom's participant report: a header ``Name (Original Name), User Email, Join Time, Leave
  Time, Duration (Minutes), ...``, sometimes below a block about the meeting itself (``Meeting
  ID, Topic, ...``) and a blank line.
* Microsoft Teams' attendance report: UTF-16 and tab-separated as Teams saves it (UTF-8 and
  commas when re-saved), a summary section first, then ``Name, First Join, Last Leave,
  In-Meeting Duration, Email, ...`` (older reports: ``Full Name, User Action, Timestamp``).
* Any CSV with a name column and an email column under one of those headers, separated by
  commas, tabs or semicolons (Excel's CSV where the decimal mark is a comma).

The header row is the first row naming both a person's name column and an email column (Zoom's
meeting block names ``User Email`` too, of the host, but no name column: it is never the
header, and the host is never an attendee); every row below it with a value in either column
is an attendee, once per address (a person who rejoined appears several times). Rows without
an address are kept, to be resolved by hand. Pure: bytes or text in, rows out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from booking.domain.errors import InvalidInput
from booking.domain.people import address_digest

if TYPE_CHECKING:
    from booking.domain.course import CourseDefinition

NAME_COLUMNS = ("name (original name)", "name", "full name", "participant", "display name")
EMAIL_COLUMNS = ("user email", "email", "email address", "e-mail", "participant email")
DURATION_COLUMNS = (
    "duration (minutes)",
    "total duration (minutes)",
    "in-meeting duration",
    "duration",
    "attendance duration",
)
JOIN_COLUMNS = ("join time", "first join", "first join time", "timestamp")
# The one size limit of an export, wherever it comes in (the API's JSON, the console's form,
# the CLI): it leaves room for the request around it within the 64 KiB a request may carry.
MAX_EXPORT_BYTES = 48 * 1024
EXPORT_LIMIT_WORDS = "at most 48 KiB, a meeting of about 350 people: import one session's report"
MAX_ROWS = 5_000
DELIMITERS = ("\t", ";", ",")


@dataclass(frozen=True)
class AttendeeRow:
    """One person the export lists (first appearance; later ones add nothing)."""

    line: int  # where it is in the file, counted from 1, for the organiser to find it
    name: str
    email: str
    duration: str = ""
    joined: str = ""
    in_minutes: bool = False  # its duration column counts minutes (Zoom's "Duration (Minutes)")

    @property
    def duration_said(self) -> str:
        """The time in the meeting as a person reads it: a bare count of minutes with its unit
        ("8 minutes"); anything else (a report's own "1h 2m") as the export gives it."""
        if not (self.in_minutes and self.duration.isdigit()):
            return self.duration
        minutes = int(self.duration)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _text(export: bytes | str) -> str:
    if isinstance(export, str):
        return export.lstrip("\ufeff")
    if len(export) > 2 * MAX_EXPORT_BYTES:  # UTF-16 takes two bytes a letter
        raise InvalidInput("the export is too large", {"export": EXPORT_LIMIT_WORDS})
    if export.startswith((b"\xff\xfe", b"\xfe\xff")):
        return export.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return export.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("the export could not be read", {"export": "save it as CSV (UTF-8)"})


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [cell.strip().strip('"').casefold() for cell in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def _is_header(row: list[str]) -> bool:
    return _column(row, EMAIL_COLUMNS) is not None and _column(row, NAME_COLUMNS) is not None


def _table(text: str) -> tuple[list[list[str]], int] | None:
    """The export's rows, split by the separator under which a header appears, and where the
    header is (Teams saves tabs, Zoom commas, Excel in many countries semicolons)."""
    for delimiter in DELIMITERS:
        lines = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
        position = next((at for at, row in enumerate(lines) if _is_header(row)), None)
        if position is not None:
            return lines, position
    return None


def read_attendance_export(export: bytes | str) -> list[AttendeeRow]:
    """The attendees of an export, once per address (and once per name for rows without one).
    InvalidInput if no header names both a name and an email column."""
    text = _text(export)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_EXPORT_BYTES:
        raise InvalidInput("the export is too large", {"export": EXPORT_LIMIT_WORDS})
    if text.count("\n") >= MAX_ROWS:
        raise InvalidInput("the export is too long", {"export": f"at most {MAX_ROWS} rows"})
    table = _table(text)
    if table is None:
        raise InvalidInput(
            "the export needs attention",
            {
                "export": "no header naming both a name column (like 'Name (Original Name)' or "
                "'Name') and an email column (like 'User Email' or 'Email') was found"
            },
        )
    lines, position = table
    header = lines[position]
    email_at = _column(header, EMAIL_COLUMNS)
    name_at = _column(header, NAME_COLUMNS)
    duration_at = _column(header, DURATION_COLUMNS)
    in_minutes = duration_at is not None and "(minutes)" in header[duration_at].casefold()
    join_at = _column(header, JOIN_COLUMNS)

    def cell(row: list[str], at: int | None) -> str:
        return row[at].strip() if at is not None and at < len(row) else ""

    found: list[AttendeeRow] = []
    seen: set[str] = set()
    for number, row in enumerate(lines[position + 1 :], start=position + 2):
        if _is_header(row):
            continue  # a repeated header (a report of several sections)
        name, email = cell(row, name_at)[:200], cell(row, email_at)[:254]
        if not name and not email:
            continue
        key = address_digest(email) if email else f"name:{name.casefold()}"
        if key in seen:
            continue
        seen.add(key)
        found.append(
            AttendeeRow(
                line=number,
                name=name,
                email=email,
                duration=cell(row, duration_at)[:40],
                in_minutes=in_minutes,
                joined=cell(row, join_at)[:40],
            )
        )
    return found


# "Ruth Sequeira (Host)", "Ruth (iPad)": a meeting adds a note in brackets after a name.
_NOTE_AFTER_NAME = re.compile(r"\s*\([^)]*\)\s*$")


def _name_key(name: str) -> str:
    return " ".join(_NOTE_AFTER_NAME.sub("", name).split()).casefold()


def course_runners(definition: CourseDefinition) -> Callable[[AttendeeRow], bool]:
    """Whether an export's row is one of the course's own people, not an attendee
    : a facilitator, by address or by name (as the meeting shows it, a note
        in brackets after it aside), or the course's enquiries address (often the meeting's host).
        Asked only of a row whose address is nobody's on the register."""
    addresses = {address_digest(f.email) for f in definition.facilitators}
    if definition.enquiries_email:
        addresses.add(address_digest(definition.enquiries_email))
    names = {_name_key(f.name) for f in definition.facilitators if f.name}
    names.discard("")

    def runs_it(row: AttendeeRow) -> bool:
        if row.email and address_digest(row.email) in addresses:
            return True
        return _name_key(row.name) in names

    return runs_it
