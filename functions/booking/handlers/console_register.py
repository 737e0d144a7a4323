"""The console's register of a course (registered on the console's resolver,
``handlers/console_app.py``): a form per mark, the import of a meeting's attendance export,
closing the register. Every form works without JavaScript; each mark is saved as it is given."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import TypeAdapter, ValidationError

from booking.bootstrap import ports
from booking.domain.attendance import MARK_WORDS, Mark
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.register import register_ends_at, reissued_spelling
from booking.domain.wording import moment_when, session_when
from booking.handlers import http
from booking.handlers.console_app import (
    after_action,
    chrome,
    html_page,
    notice_here,
    posted_form,
    press_required,
    press_row,
    served,
)
from booking.handlers.console_application import application_page
from booking.handlers.console_pages import Chrome, course_console_page
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services import attendance_importing, register
from booking.services.attendance_importing import AttendanceImport
from booking.services.console import application_detail
from booking.services.register import Register

if TYPE_CHECKING:
    from booking.domain.attendance_import import AttendeeRow

DONE_WORDS = {
    "marked": "Mark saved.",  # said in full by _mark_said when the page knows whose and which
    "closed": "The register is closed. Completers are being sent their certificates.",
    "reissued": (
        "The certificate was reissued with the name as it should be printed, and is on its way "
        "to its holder. The name on their booking is as they gave it."
    ),
    "reissued_already": (
        "The certificate was reissued with this spelling already: nobody was emailed again."
    ),
}


# What a mark says of its session, after the person's name.
MARKED_WORDS = {
    Mark.ATTENDED: "attended session {n} of {of}",
    Mark.ABSENT: "absent from session {n} of {of}",
    Mark.APOLOGIES: "sent apologies for session {n} of {of}",
}


# What a session's cell says once its mark is cleared, after the person's name.
NOT_MARKED = "not marked for session {n} of {of}"


def _mark_said(kept: Register, marked: str) -> str:
    """Whose mark was saved (or cleared) and what it now says ("Ben Okafor: sent apologies
    for session 2 of 2.", "Ben Okafor: not marked for session 2 of 2."), read from the
    register as it is; "Mark saved." when it no longer holds them."""
    application_id, _, key = marked.partition(" ")
    keys = [s.key for s in kept.sessions]
    row = next((r for r in kept.rows if r.application.application_id == application_id), None)
    if row is None or key not in keys:
        return DONE_WORDS["marked"]
    mark = row.marks.get(key)
    said = (MARKED_WORDS[mark] if mark else NOT_MARKED).format(n=keys.index(key) + 1, of=len(keys))
    return f"{row.application.answers.name}: {said}."


def _completion_said(row: Any) -> str:
    done = row.completion
    if done is None:
        return "Not decided yet"  # decided when the register is closed
    verdict = "Completed" if done.completed else "Not completed"
    sessions = "session" if done.attended == 1 else "sessions"
    return f"{verdict}: attended {done.attended} {sessions} ({done.required} needed)"


def register_page(
    shown: Chrome,
    kept: Register,
    *,
    done: str = "",
    problem: str = "",
    imported: AttendanceImport | None = None,
    typed: tuple[str, str] = ("", ""),
    marked: str = "",
) -> str:
    """``typed``: a refused reissue's booking and spelling, given back in its form;
    ``marked``: the booking and session just marked ("application_id session_key")."""
    course = kept.course
    timezone = course.definition.timezone
    rows = _rows_shown(kept)
    return course_console_page(
        "register.html",
        shown,
        course,
        required=course.definition.completion_min_sessions,
        sessions=[
            {"key": s.key, "title": s.title, "when": session_when(s, timezone)}
            for s in kept.sessions
        ],
        rows=rows,
        people=[
            {
                "application_id": r["application_id"],
                "name": r["name"],
                "reference": r["reference"],
            }
            for r in rows
        ],
        marks=[(m.value, MARK_WORDS[m]) for m in Mark],
        closed=moment_when(kept.closed_at, timezone) if kept.closed_at else "",
        refusal=kept.closing_refusal or "",
        ends=moment_when(register_ends_at(course), timezone),
        done=_mark_said(kept, marked) if done == "marked" and marked else DONE_WORDS.get(done, ""),
        problem=problem,
        imported=_import_shown(imported) if imported is not None else None,
        unprintable=[r for r in rows if r["application_id"] in set(kept.unprintable_names)],
        # Closing decides for good: whoever has a session not marked is named before the press.
        unmarked=[
            f"{r['name']} ({r['reference']})"
            for r in rows
            if any(not c["mark"] for c in r["cells"])
        ],
        typed={"application_id": typed[0], "printed_name": typed[1]},
    )


def _rows_shown(kept: Register) -> list[dict[str, Any]]:
    """Each attendee's row: a cell per core session with its mark, and their completion."""
    titles = {s.key: s.title for s in kept.sessions}
    return [
        {
            "application_id": row.application.application_id,
            "name": row.application.answers.name,
            "reference": row.application.reference or "",
            "cells": [
                {
                    "session": key,
                    "title": titles[key],
                    "mark": mark.value if mark else "",
                    "said": MARK_WORDS[mark] if mark else "Not marked",
                    "allowed": [m.value for m in kept.marks_allowed.get(key, tuple(Mark))],
                }
                for key, mark in row.marks.items()
            ],
            "completion": _completion_said(row),
            # The spelling an organiser gave a reissued certificate ("" when not reissued).
            "printed": reissued_spelling(row.application) or "",
            # A completer's certificate: held when the font cannot print their name.
            "completed": row.completion is not None and row.completion.completed,
        }
        for row in kept.rows
    ]


def _import_shown(imported: AttendanceImport) -> dict[str, Any]:
    """What an attendance export just marked, and the rows it could not match to anyone."""
    return {
        "session": imported.session.title,
        "session_key": imported.session.key,
        "marked": [row.application.answers.name for row, _ in imported.marked],
        "unmatched": imported.unmatched,
        # The course's own people in the export: named, not offered to resolve.
        "facilitators": [f"{r.name or r.email} (line {r.line})" for r in imported.facilitators],
        # Carried by each row's form, so resolving one keeps the others in view.
        "unmatched_json": json.dumps([asdict(r) for r in imported.unmatched]),
    }


def _page(
    course_id: str, status: int = 200, kept: Register | None = None, **shown: Any
) -> Response[str]:
    """The register page (``kept``: the register read already for this answer)."""
    shown_register = kept if kept is not None else register.register_of(ports(), course_id)
    return html_page(status, register_page(chrome(), shown_register, **shown))


def _said(refused: Exception) -> str:
    message = getattr(refused, "message", str(refused))
    fields = getattr(refused, "fields", {}) or {}
    detail = "; ".join(fields.values())
    text = f"{message}: {detail}" if detail else message
    return sentence(text)


def _form_value(name: str) -> str:
    value = posted_form().get(name)
    return value.strip() if isinstance(value, str) else ""


@served("consoleRegister")
def register_view(course_id: str) -> Response[str]:
    notice = notice_here()
    return _page(course_id, done=notice.done, marked=notice.code)


@cache
def _attendee_rows() -> TypeAdapter[list[AttendeeRow]]:
    """The carried rows' validator, built by the first resolution form (not at init)."""
    from booking.domain.attendance_import import AttendeeRow

    return TypeAdapter(list[AttendeeRow])


# The export's unmatched rows a resolution form carries back (bounded: a meeting's export).
MOST_UNMATCHED = 1_000


def _carried_rows() -> list[AttendeeRow] | None:
    """The unmatched rows of an import that a resolution form carried (None: not from one)."""
    carried = posted_form().get("unmatched")
    if not isinstance(carried, str) or not carried:
        return None
    try:
        rows = _attendee_rows().validate_json(carried)
    except ValidationError:
        return None
    return rows[:MOST_UNMATCHED]


@served("consoleMarkRegister")
def mark(course_id: str) -> Response[str]:
    application_id = _form_value("application_id")
    session_key = _form_value("session")
    carried = _carried_rows()
    line = _form_value("line")
    try:
        if carried is not None and not application_id:
            raise InvalidInput(
                "the mark needs attention",
                {"application_id": f"choose who line {line} is before marking them attended"},
            )
        given = register.read_mark(_form_value("mark"))
        shown = _form_value("shown")  # the mark the page showed: a clear takes away only it
        register.mark(ports(), course_id, application_id, session_key, given, shown)
    except (InvalidInput, Conflict) as refused:
        kept = register.register_of(ports(), course_id)
        return _page(
            course_id,
            http.status_for(refused),
            kept,
            problem=_said(refused),
            imported=_still_to_resolve(kept, session_key, carried, ""),
        )
    if carried is not None:
        # Re-shown, not redirected: the rows still to resolve stay in view.
        kept = register.register_of(ports(), course_id)
        return _page(
            course_id,
            kept=kept,
            done="marked",
            marked=f"{application_id} {session_key}",
            imported=_still_to_resolve(kept, session_key, carried, line),
        )
    return after_action(
        f"/console/courses/{quote(course_id)}/register#row-{quote(application_id)}",
        "marked",
        f"{application_id} {session_key}",  # ids only: the page names the person
    )


def _still_to_resolve(
    kept: Register, session_key: str, carried: list[AttendeeRow] | None, resolved_line: str
) -> AttendanceImport | None:
    if carried is None:
        return None
    session = next((s for s in kept.sessions if s.key == session_key), None)
    if session is None:
        return None
    left = [row for row in carried if str(row.line) != resolved_line]
    return AttendanceImport(session=session, marked=[], unmatched=left)


@served("consoleImportAttendance")
def import_attendance(course_id: str) -> Response[str]:
    chosen = posted_form().get("export_file")
    # A file chosen is read as the meeting saved it (UTF-16 Teams reports too); else the text.
    export: bytes | str = (
        chosen.content
        if isinstance(chosen, http.FilePart) and chosen.content
        else _form_value("export")
    )
    try:
        if not export:
            raise InvalidInput(
                "the import needs attention",
                {"export": "paste the export, or choose its file"},
            )
        done = attendance_importing.import_attendance(
            ports(), course_id, _form_value("session"), export
        )
    except (InvalidInput, Conflict) as refused:
        return _page(course_id, http.status_for(refused), problem=_said(refused))
    return _page(course_id, imported=done)


@served("consoleCloseRegister")
def close(course_id: str) -> Response[str]:
    try:
        register.close(ports(), course_id)
    except Conflict as refused:
        if refused.code == "no_register":
            raise
        return _page(course_id, http.status_for(refused), problem=_said(refused))
    return after_action(f"/console/courses/{quote(course_id)}/register", "closed")


@served("consoleReissueCertificate")
def reissue_certificate(course_id: str) -> Response[str]:
    """A held certificate made again with the spelling given to print, and emailed."""
    application_id = _form_value("application_id")
    try:
        done = register.reissue_certificate(
            ports(), course_id, application_id, _form_value("printed_name")
        )
    except (InvalidInput, Conflict) as refused:
        if isinstance(refused, Conflict) and refused.code == "no_register":
            raise
        typed = (application_id, _form_value("printed_name"))
        return _page(course_id, http.status_for(refused), problem=_said(refused), typed=typed)
    said = "reissued" if done.emailed else "reissued_already"
    return after_action(f"/console/courses/{quote(course_id)}/register", said)


@served("consoleSendCertificateAgain")
def send_certificate_again(application_id: str) -> Response[str]:
    """A completer's certificate emailed again, from their application's page; refused in words on
    that page."""
    # Loaded by its first press: no other page sends a certificate again.
    from booking.services.certificate_again import send_certificate_again as send_again

    try:
        press = press_required(press_row("certificate", application_id))  # its button's
        send_again(ports(), application_id, press)
    except (Conflict, InvalidInput) as refused:
        detail = application_detail(ports(), application_id)
        shown = application_page(chrome(), detail, problem=sentence(refused.message))
        return html_page(http.status_for(refused), shown)
    return after_action(f"/console/applications/{quote(application_id)}", "certificate_sent_again")
