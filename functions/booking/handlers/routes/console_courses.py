"""The console's course form routes: adding a course (blank, or the next cohort of one),
changing one, and saving either."""

from __future__ import annotations

from typing import Any

from booking.handlers.course_form import (
    CHECKBOXES,
    FACILITATOR_FIELDS,
    ROW_CHANGE_PATTERN,
    SESSION_FIELDS,
    TOP_FIELDS,
)
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    COURSE_ID,
    CSRF_FIELD,
    TICKED,
    console_text_download,
    form,
    page,
    query,
    see_other,
)
from booking.handlers.routes.console_money import NO_COURSE

CONSOLE = Function.CONSOLE
TAGS = ("console",)


def _course_form() -> dict[str, Any]:
    """The course form's fields (``course_form``): the definition's fields, prices in pounds,
    and numbered rows of sessions and facilitators."""
    top = {name: dict(TICKED) if name in CHECKBOXES else {"type": "string"} for name in TOP_FIELDS}
    top["price"] = {"type": "string", "description": "In the currency chosen, like 200.00"}
    rows = {
        f"^session-[0-9]{{1,3}}-({'|'.join(SESSION_FIELDS)})$": {"type": "string"},
        f"^facilitator-[0-9]{{1,3}}-({'|'.join(FACILITATOR_FIELDS)})$": {"type": "string"},
    }
    top["next_of"] = {
        "type": "string",
        "description": "Posted by *Add the next cohort*: the course the form was filled in "
        "from, so a form shown again (refused, or a row added) keeps saying so; nothing else",
    }
    top["follow_ups_offered"] = {
        "type": "string",
        "enum": ["yes"],
        "description": "Posted by *Add the next cohort*'s form once it has offered the "
        "cohort's follow-ups, moved as its sessions are: they are not offered again",
    }
    top["title_checked"] = {
        "type": "string",
        "description": "Posted back by the form that warned the title differs from another "
        "cohort's of the programme by what may be a typo: the title it warned of; the same "
        "title pressed again is saved",
    }
    top["rows"] = {
        "type": "string",
        "pattern": ROW_CHANGE_PATTERN,
        "description": "Set by the form's add and remove buttons: the form again with one row "
        "more or fewer (rows numbered from 0), what was typed kept; nothing is saved",
    }
    return form(
        {"csrf_token": CSRF_FIELD, **top},
        ("csrf_token", "title", "price", "capacity"),  # the console makes an id left empty
        patternProperties=rows,
    )


_UPLOAD = form(
    {
        "csrf_token": CSRF_FIELD,
        "upload_course_id": {"type": "string"},
        "changing": {
            "type": "string",
            "description": "Posted by a course's own page (its id): the file changes that "
            "course only; another `upload_course_id` is refused (422)",
        },
        "definition": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "A definition file, as for PUT /admin/courses/{course_id}",
        },
    },
    ("csrf_token", "upload_course_id", "definition"),
)

COURSES: tuple[Route, ...] = (
    Route(
        CONSOLE,
        "GET",
        "/console/courses/new",
        "consoleNewCourse",
        "The form for a new course, and for loading a definition file",
        {"200": page("The course form: empty, or the next cohort's"), "404": NO_COURSE},
        parameters=(
            query(
                "from",
                "A course whose next cohort this adds: its form filled in but "
                "its id and sessions; nothing is saved until the form is",
            ),
        ),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/courses",
        "consoleSaveCourse",
        "Create or replace a course, from the form or from a definition file. *Add a course* "
        "posts `adding=yes`: a course id another course has is then refused (422), never "
        "replaced",
        {
            "200": page(
                "The form again with a row added or removed (`rows`), or warning that the "
                "title differs from another cohort's of its programme by what may be a typo "
                "(pressed again with the same title, it saves), or *Add the next cohort*'s "
                "form with the cohort's follow-ups added, moved as its sessions are: nothing "
                "saved"
            ),
            "303": see_other(
                "Saved: to the course's page (which warns once of follow-ups without an id "
                "that the save seemed to move)",
                notice=True,
            ),
            "409": page(
                "The form again, saying why not: fewer places than are taken already, "
                "too many sessions, or the course changed meanwhile"
            ),
            "422": page(
                "The form again, each mistake beside its field (a file's, beside the file "
                "input; a course id taken, beside it, with a link to change that course)"
            ),
        },
        description="The definition is validated exactly as `PUT "
        "/admin/courses/{course_id}` validates it. A course id that exists is "
        "replaced: places taken, the waiting list and every application stay.",
        body={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": _course_form()},
                "multipart/form-data": {"schema": _UPLOAD},
            },
        },
        tags=TAGS,
    ),
    console_text_download(
        "/console/courses/{course_id}/calendar.ics",
        "consoleCourseCalendar",
        "The course's sessions as a calendar file, for the organisers and facilitators",
        (
            "text/calendar",
            "<course_id>-sessions.ics",
            "Every session of the cohort, its follow-ups as the programme holds them, with "
            "the joining link (RFC 5545, `METHOD:PUBLISH`, no attendee): imported into a "
            "calendar as events of its own, apart from any attendee's invitation; imported "
            "again after a change, it replaces them",
        ),
        COURSE_ID,
        NO_COURSE,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/courses/{course_id}/edit",
        "consoleEditCourse",
        "The course form, filled in with the stored definition",
        {"200": page("The course form"), "404": NO_COURSE},
        parameters=(COURSE_ID,),
        tags=TAGS,
    ),
)
