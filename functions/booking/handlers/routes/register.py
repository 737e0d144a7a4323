"""The register's routes, for every function that serves one: the organiser API's and the
console's register, the holder's certificate and its public verification page."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    APPLICATION_TOKEN,
    COURSE_ID,
    CSRF_FIELD,
    NOTICE_ONCE,
    console_form,
    console_read,
    download,
    form,
    json_answer,
    on_a_course,
    page,
    path_parameter,
    see_other,
)

_CONSOLE = ("console",)
_PAGES = ("public", "pages")
_NO_REGISTER = (
    "No such course (404); a course whose definition gives no `completion_min_sessions` "
    "keeps no register (409 `no_register`)."
)
_MARK_SAID = "attended, absent or apologies (sent apologies)"
_SESSION_SAID = "A core session's key, as the register lists it (`sessions[].key`)"
_REISSUE_SAID = (
    "The spelling is the certificate's alone: the name on the booking (and in every other "
    "message) is not changed. A spelling the font cannot print either (or empty, not one "
    "line, or with no letter that shows: only spaces, a zero-width space, the braille blank) "
    "is refused: 422 on `printed_name`, naming the letters it lacks. A certificate reissued "
    "already may be reissued again (its spelling corrected, emailed again); the same spelling "
    "again is a repeat (200, `emailed` false, no email). A booking whose certificate was "
    "printed from the person's own name (or not completed, or the register not closed) is "
    "409 `certificate_not_held`; an erased person's is 404."
)


REGISTER_ROUTES: tuple[Route, ...] = (
    on_a_course(
        "GET",
        "/register",
        "getRegister",
        "A course's register: every confirmed booking against every core session",
        {"200": json_answer("RegisterOut", "The register, by name")},
        errors=(404, 409),
        description=_NO_REGISTER,
    ),
    on_a_course(
        "POST",
        "/register/marks",
        "markRegister",
        "Mark one booking (by id or reference) at one core session: attended, absent or "
        "apologies. Marking again with the same mark changes nothing",
        {"200": json_answer("RegisterRowOut", "The booking's line after the mark")},
        body="RegisterMarkIn",
        description=f"{_NO_REGISTER} A closed register refuses marks (409 `register_closed`).",
    ),
    on_a_course(
        "POST",
        "/register/marks/clear",
        "clearRegisterMark",
        "Clear one booking's mark at one core session (given by mistake), naming the mark "
        "read: only that mark is taken away. Clearing again changes nothing",
        {"200": json_answer("RegisterRowOut", "The booking's line after the clear")},
        body="RegisterMarkClearIn",
        description=f"{_NO_REGISTER} A closed register refuses it (409 `register_closed`); "
        "another mark held now than the one `shown` (given since it was read) is 409 "
        "`mark_changed`, saying the mark held, nothing cleared; a mark cleared already "
        "(a retry) answers the line as it is, nothing changed. A booking not on the register "
        "(cancelled, or its person's data erased) is 404; a session the course does not keep "
        "is 422 on `session`.",
    ),
    on_a_course(
        "POST",
        "/register/import",
        "importAttendance",
        "Mark attended, at one core session, everyone on the register whose address is in a "
        "video meeting's attendance export (Zoom's or Teams' participant report, or any CSV "
        "with a name and an email column); the rows matching nobody come back to be resolved",
        {"200": json_answer("AttendanceImportOut", "Who was marked, and the rows unmatched")},
        body="AttendanceImportIn",
        description="Addresses match trimmed and in any case. Resolve an unmatched row by "
        "marking the person it is (`markRegister`), or leave it.",
    ),
    on_a_course(
        "POST",
        "/register/close",
        "closeRegister",
        "Close the register once the last core session has ended: each booking's completion "
        "is decided, and each completer is emailed a certificate. Closing again finishes an "
        "interrupted close and changes nothing else",
        {"200": json_answer("ClosedRegisterOut", "Who completed")},
        errors=(400, 404, 409, 413, 415, 422),
        description=f"{_NO_REGISTER} Before the last core session has ended: 409 "
        "`register_not_over`. It takes no fields: any sent (a `dry_run`) is a 422 naming it, "
        "a body other than JSON a 415, nothing closed.",
    ),
    on_a_course(
        "POST",
        "/register/certificate",
        "reissueCertificate",
        "Reissue a held certificate (one whose name the certificate's font cannot print in "
        "full) with the name as it should be printed, and email it to the holder",
        {"200": json_answer("CertificateReissuedOut", "Reissued, and on its way")},
        body="CertificateReissueIn",
        description=f"{_NO_REGISTER} {_REISSUE_SAID}",
    ),
    console_read(
        "/console/courses/{course_id}/register",
        "consoleRegister",
        "A course's register: a form per mark (each saved as it is given), the import of a "
        "meeting's attendance export, and closing the register",
        {"200": page("The register"), "404": page("No such course"), "409": page("No register")},
        COURSE_ID,
        description=NOTICE_ONCE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/courses/{course_id}/register/marks",
        "consoleMarkRegister",
        "Give one mark (a form per person per session; works without JavaScript)",
        {
            "200": page(
                "Saved, resolving a row of an import: the register again, with the rows of "
                "the import still to resolve"
            ),
            "303": see_other("Saved: back to the register, at the person's line"),
            "404": page("No such course or booking on it"),
            "409": page(
                "The register again, saying why not (closed, none kept, or a Clear mark "
                "pressed on a page showing another mark than the one held: nothing cleared)"
            ),
            "422": page("The register again, saying what was wrong"),
        },
        body=console_form(
            {
                "application_id": {"type": "string", "description": "The booking's id"},
                "session": {"type": "string", "description": _SESSION_SAID},
                "mark": {"type": "string", "description": _MARK_SAID},
                "shown": {
                    "type": "string",
                    "description": "Clearing: the mark the page showed (attended, absent or "
                    "apologies); a clear takes away only that mark",
                },
                "line": {
                    "type": "string",
                    "description": "Resolving an import: the export's line this person is",
                },
                "unmatched": {
                    "type": "string",
                    "description": "Resolving an import: the rows still unmatched (JSON), "
                    "shown again",
                },
            },
            "application_id",
            "session",
            "mark",
        ),
        parameters=(COURSE_ID,),
        tags=_CONSOLE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/courses/{course_id}/register/import",
        "consoleImportAttendance",
        "Import a meeting's attendance export for one session: the matched are marked "
        "attended; the page lists the rest, each with a form to mark the person it is",
        {
            "200": page("What the import marked, and the rows to resolve"),
            "404": page("No such course"),
            "409": page("The register again, saying why not"),
            "422": page("The register again, saying what was wrong with the export"),
        },
        body={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": form(
                        {
                            "csrf_token": CSRF_FIELD,
                            "session": {"type": "string", "description": _SESSION_SAID},
                            "export": {"type": "string", "description": "The export's CSV, pasted"},
                        },
                        ("csrf_token", "session", "export"),
                    )
                },
                "multipart/form-data": {
                    "schema": form(
                        {
                            "csrf_token": CSRF_FIELD,
                            "session": {"type": "string", "description": _SESSION_SAID},
                            "export": {"type": "string", "description": "The export's CSV, pasted"},
                            "export_file": {
                                "type": "string",
                                "contentMediaType": "text/csv",
                                "description": "The export's file, as the meeting saved it "
                                "(UTF-16 Teams reports too); taken before any pasted text",
                            },
                        },
                        ("csrf_token", "session"),
                    )
                },
            },
        },
        parameters=(COURSE_ID,),
        tags=_CONSOLE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/courses/{course_id}/register/close",
        "consoleCloseRegister",
        "Close the register: completions decided, completers sent their certificates",
        {
            "303": see_other("Closed: back to the register, which says so once", notice=True),
            "404": page("No such course"),
            "409": page("The register again, saying why not (its last session is to come)"),
        },
        body=console_form(None),
        parameters=(COURSE_ID,),
        tags=_CONSOLE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/courses/{course_id}/register/certificate",
        "consoleReissueCertificate",
        "Reissue a held certificate with the name as it should be printed (a form beside each "
        "held certificate on the register)",
        {
            "303": see_other("Reissued: back to the register, which says so once", notice=True),
            "404": page("No such course or booking on it"),
            "409": page("The register again, saying why not (no certificate held)"),
            "422": page("The register again, saying what the font cannot print"),
        },
        body=console_form(
            {
                "application_id": {"type": "string", "description": "The booking's id"},
                "printed_name": {
                    "type": "string",
                    "description": "The name as the certificate should print it",
                },
            },
            "application_id",
            "printed_name",
        ),
        description=_REISSUE_SAID,
        parameters=(COURSE_ID,),
        tags=_CONSOLE,
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/applications/{application_id}/certificate/send-again",
        "consoleSendCertificateAgain",
        "Email a completer's certificate, with its PDF, to them again (once per press of the "
        "button on the application's page)",
        {
            "303": see_other("Sent: back to the application, which says so once", notice=True),
            "404": page("No such application"),
            "409": page(
                "The application again, saying why not (no certificate, one held for a name the "
                "font cannot print, or the person's data erased)"
            ),
            "422": page("The application again: the form was not the page's"),
        },
        body=console_form(
            {
                "press": {
                    "type": "string",
                    "description": "The page's value for this press: the same press sent "
                    "twice is one email",
                    "minLength": 8,
                    "maxLength": 64,
                }
            },
            "press",
        ),
        parameters=(path_parameter("application_id"),),
        tags=_CONSOLE,
    ),
    Route(
        Function.API,
        "GET",
        "/certificates/{code}",
        "verifyCertificate",
        "Whether a certificate of completion is genuine: the holder's name, the course and "
        "its dates",
        {"200": page("The certificate is genuine: what it says")},
        errors=(404,),
        description="404 for a code no certificate has (or one whose holder's data was erased).",
        parameters=(path_parameter("code", "The code printed on the certificate", 100),),
        tags=_PAGES,
    ),
    Route(
        Function.API,
        "GET",
        "/applications/{application_id}/certificate.pdf",
        "downloadCertificate",
        "The holder's certificate of completion, as PDF",
        {
            "200": download(
                "application/pdf",
                "certificate.pdf",
                "The certificate",
                {"type": "string", "format": "binary"},
            )
        },
        errors=(404,),
        description="404 for a wrong id or token, or an application without a certificate.",
        parameters=(path_parameter("application_id"), APPLICATION_TOKEN),
        tags=_PAGES,
        private=True,
    ),
)


def register_routes(function: Function) -> tuple[Route, ...]:
    return tuple(r for r in REGISTER_ROUTES if r.function is function)
