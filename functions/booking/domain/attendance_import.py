"""Reading a video meeting's attendance export: who joined, by name and email address.

The common shapes are accepted:

* Zoom's participant report: a header ``Name (Original Name), User Email, Join Time, Leave
  Time, Duration (Minutes), ...``, sometimes below a block about the meeting itself (``Meeting
  ID, Topic, ...``) and a blank line.
* Microsoft Teams' attendance report: UTF-16 and tab-separated as Teams saves it (UTF-8 and
  commas when re-saved), a summary section first, then ``Name, First Join, Last Leave,
  In-Meeting Duration, Email, ...`` (older reports: ``Full Name, User Action, Timestamp``).
* Any CSV with a name column and an email column under one of those headers.

The header row is the first row naming an email column; every row below it with a value in
either column is an attendee, once per address (a person who rejoined appears several times).
Rows without an address are kept, to be resolved by hand. Pure: bytes or text in, rows out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from booking.domain.errors import InvalidInput
from booking.domain.people import address_digest

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
# Enough for a year of meetings with a few hundred people; more is not an attendance export.
MAX_EXPORT_BYTES = 2_000_000
MAX_ROWS = 5_000


@dataclass(frozen=True)
class AttendeeRow:
    """One person the export lists (first appearance; later ones add nothing)."""

    line: int  # where it is in the file, counted from 1, for the organiser to find it
    name: str
    email: str
    duration: str = ""
    joined: str = ""


def _text(export: bytes | str) -> str:
    if isinstance(export, str):
        return export.lstrip("\ufeff")
    if len(export) > MAX_EXPORT_BYTES:
        raise InvalidInput("the export is too large", {"file": "at most 2 MB"})
    if export.startswith((b"\xff\xfe", b"\xfe\xff")):
        return export.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return export.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("the export could not be read", {"file": "save it as CSV (UTF-8)"})


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [cell.strip().strip('"').casefold() for cell in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def read_attendance_export(export: bytes | str) -> list[AttendeeRow]:
    """The attendees of an export, once per address (and once per name for rows without one).
    InvalidInput if no header names an email column."""
    text = _text(export)
    if len(text) > MAX_EXPORT_BYTES:
        raise InvalidInput("the export is too large", {"file": "at most 2 MB"})
    # Teams saves tabs, Zoom commas; a report's first lines may be a title with neither.
    opening = text[:4096]
    delimiter = "\t" if opening.count("\t") > opening.count(",") else ","
    lines = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
    if len(lines) > MAX_ROWS:
        raise InvalidInput("the export is too long", {"file": f"at most {MAX_ROWS} rows"})
    position = next(
        (at for at, row in enumerate(lines) if _column(row, EMAIL_COLUMNS) is not None), None
    )
    if position is None:
        raise InvalidInput(
            "the export needs attention",
            {"file": "no column of email addresses (like 'User Email' or 'Email') was found"},
        )
    header = lines[position]
    email_at = _column(header, EMAIL_COLUMNS)
    name_at = _column(header, NAME_COLUMNS)
    duration_at = _column(header, DURATION_COLUMNS)
    join_at = _column(header, JOIN_COLUMNS)

    def cell(row: list[str], at: int | None) -> str:
        return row[at].strip() if at is not None and at < len(row) else ""

    found: list[AttendeeRow] = []
    seen: set[str] = set()
    for number, row in enumerate(lines[position + 1 :], start=position + 2):
        if _column(row, EMAIL_COLUMNS) is not None:
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
                joined=cell(row, join_at)[:40],
            )
        )
    return found
