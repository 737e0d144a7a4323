"""The console's register of a course (registered on the console's resolver,
``handlers/console_app.py``): a form per mark, the import of a meeting's attendance export,
closing the register. Every form works without JavaScript; each mark is saved as it is given."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import Response

from booking.bootstrap import ports
from booking.domain.attendance import MARK_WORDS, Mark
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.register import register_ends_at
from booking.domain.wording import moment_when, session_when
from booking.handlers import http
from booking.handlers.console_app import chrome, html_page, posted_form, query_value, served
from booking.handlers.console_pages import Chrome, _course_name, _render
from booking.services import register
from booking.services.register import AttendanceImport, Register

DONE_WORDS = {
    "marked": "Mark saved.",
    "closed": "The register is closed. Completers are being sent their certificates.",
}


def _completion_said(row: Any) -> str:
    done = row.completion
    if done is None:
        return "Open"
    verdict = "Completed" if done.completed else "Not completed"
    return f"{verdict} ({done.attended} of {done.required} attended)"


def register_page(
    shown: Chrome,
    kept: Register,
    *,
    done: str = "",
    problem: str = "",
    imported: AttendanceImport | None = None,
) -> str:
    course = kept.course
    timezone = course.definition.timezone
    titles = {s.key: s.title for s in kept.sessions}
    rows = [
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
                }
                for key, mark in row.marks.items()
            ],
            "completion": _completion_said(row),
        }
        for row in kept.rows
    ]
    shown_import = None
    if imported is not None:
        shown_import = {
            "session": imported.session.title,
            "session_key": imported.session.key,
            "marked": [row.application.answers.name for row, _ in imported.marked],
            "unmatched": imported.unmatched,
        }
    return _render(
        "register.html",
        shown,
        course_id=course.course_id,
        name=_course_name(course),
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
        done=DONE_WORDS.get(done, ""),
        problem=problem,
        imported=shown_import,
        unprintable=[r for r in rows if r["application_id"] in set(kept.unprintable_names)],
    )


def _page(course_id: str, status: int = 200, **shown: Any) -> Response[str]:
    return html_page(
        status, register_page(chrome(), register.register_of(ports(), course_id), **shown)
    )


def _said(refused: Exception) -> str:
    message = getattr(refused, "message", str(refused))
    fields = getattr(refused, "fields", {}) or {}
    detail = "; ".join(fields.values())
    text = f"{message}: {detail}" if detail else message
    return f"{text[:1].upper()}{text[1:]}."


def _form_value(name: str) -> str:
    value = posted_form().get(name)
    return value.strip() if isinstance(value, str) else ""


@served("consoleRegister")
def register_view(course_id: str) -> Response[str]:
    return _page(course_id, done=query_value("done"))


@served("consoleMarkRegister")
def mark(course_id: str) -> Response[str]:
    application_id = _form_value("application_id")
    try:
        given = register.read_mark(_form_value("mark"))
        register.mark(ports(), course_id, application_id, _form_value("session"), given)
    except (InvalidInput, Conflict) as refused:
        return _page(course_id, http.status_for(refused), problem=_said(refused))
    return http.see_other(
        f"/console/courses/{quote(course_id)}/register?done=marked#row-{quote(application_id)}"
    )


@served("consoleImportAttendance")
def import_attendance(course_id: str) -> Response[str]:
    try:
        done = register.import_attendance(
            ports(), course_id, _form_value("session"), _form_value("export")
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
    return http.see_other(f"/console/courses/{quote(course_id)}/register?done=closed")
