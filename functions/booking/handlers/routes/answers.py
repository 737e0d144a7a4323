"""Small builders for the route table's OpenAPI pieces: answers, parameters and forms.

Schemas are named (``schema("CourseOut")``), never imported: the document's components are
generated from the models only when the document is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from booking.domain.form_text import TICKED_IN_A_FORM
from booking.handlers.routes import Fragment, Function, Route

HTML_CONTENT: Fragment = {"text/html": {"schema": {"type": "string"}}}
LOCATION = {"Location": {"required": True, "schema": {"type": "string"}}}
SET_COOKIE = {
    "Set-Cookie": {
        "description": "Signed, HttpOnly, SameSite=Lax",
        "schema": {"type": "string"},
    }
}
# A console action's redirect: the page it leads to says once what was done.
NOTICE_COOKIE = {
    "Set-Cookie": {
        "description": "The one-time notice for the page it leads to: signed, HttpOnly, "
        "SameSite=Strict, Path=/console, a minute long",
        "schema": {"type": "string"},
    }
}
NOTICE_ONCE = (
    "Right after an action that leads here, the page says once what it did (the one-time "
    "notice cookie the action's redirect set; this page clears it): a reload says nothing again"
)
CSRF_FIELD = {
    "type": "string",
    "description": "The session's CSRF token, as every console form carries it",
}
# A form's checkbox: ticked by one of the words (a browser posts "on"), or left out; any other
# value is refused (``application_form.box_ticked``).
TICKED = {
    "type": "string",
    "enum": sorted(TICKED_IN_A_FORM),
    "description": "A ticked checkbox; absent: unticked; any other value is refused",
}
# What a confirmation (a console page, an /admin read) showed: its press acts only on that
# (``domain.page_seen``), one field for every confirm form and act that takes it.
SEEN: dict[str, object] = {
    "type": "string",
    "maxLength": 1700,
    "pattern": "^[0-9a-f]{16}( [0-9a-f]{16})*$",
    "description": "What the caller was shown, as a digest of every fact its words drew on "
    "(optional for the API; the console's forms always carry it, and a console form posted "
    "without it, or an older page's fields in its place, is not the page's: 422, nothing "
    "done): take it from the "
    "application's `seen` (a cancel) or the chosen cohort's `seen` in the transfer choices (a "
    "move); several, space-separated, are one page's choices, any of which may match. The "
    "application or the cohort changed since (its cohort, moved even away and back, its "
    "status, the money it keeps, a bank payment going through, its price, bursary, billing "
    "contact, open invoice, a move waiting; the cohort's name, price and the difference): 409 "
    "`application_changed` in words saying how it is now, nothing written or emailed. "
    "Unclear: 422 naming `seen`",
}
BURSARY_SEEN: dict[str, object] = {
    "type": "string",
    "description": "Older pages' bursary form, in place of `seen`: the bursary the page showed, "
    "in pence; another granted since is refused, 409 bursary_changed, nothing changed",
}
# A route that reads a JSON body about one thing named in its path: the body is read (400, 413,
# 415) and checked (422); a path segment longer than any id can be is refused before any lookup
# (404); the thing may have moved on meanwhile (409).
BODY_ACTION_ERRORS = (400, 404, 409, 413, 415, 422)
# A client's Idempotency-Key: how long it may be (http.idempotency_key refuses any other with a
# 400; the OpenAPI document says the same bounds).
IDEMPOTENCY_KEY_LENGTH = (1, 255)


def idempotency_key_header(description: str) -> Fragment:
    """The optional Idempotency-Key header of a submission, as the OpenAPI document says it."""
    shortest, longest = IDEMPOTENCY_KEY_LENGTH
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": f"{description}; the same key with other answers is refused: 409 "
        "`idempotency_key_reused`, nothing changed",
        "schema": {"type": "string", "minLength": shortest, "maxLength": longest},
    }


# The roster's two forms, said the same on the organiser API and the console's download.
ROSTER_SAID = (
    "The roster. JSON is the machine-readable export (ids, status codes, pence, ISO instants); "
    "CSV is for people (the form's field names, status words, UK times, pounds and pence; "
    "UTF-8 with BOM, formulas neutralised)"
)


def schema(name: str) -> dict[str, str]:
    """A reference to a model of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": schema(name)}


def json_answer(
    body: str | Fragment, description: str, *, html: bool = False, **extra: Any
) -> dict[str, Any]:
    """A JSON answer (of a named model, or an inline schema); with ``html``, browsers get a
    page instead."""
    content: dict[str, Any] = {
        "application/json": {"schema": schema(body) if isinstance(body, str) else dict(body)}
    }
    if html:
        content.update(HTML_CONTENT)
    return {"description": description, "content": content, **extra}


def page(description: str) -> dict[str, Any]:
    return {"description": description, "content": dict(HTML_CONTENT)}


# A console page's answer when its address names no application (nor could: too long for an id).
NO_APPLICATION = page("No such application (or a path segment longer than any id)")
# The same of a group booking.
NO_GROUP = page("No such group booking")


def see_other(
    description: str, *, cookies: bool = False, required: bool = True, notice: bool = False
) -> dict[str, Any]:
    location = LOCATION if required else {"Location": {"schema": {"type": "string"}}}
    said = {**(SET_COOKIE if cookies else {}), **(NOTICE_COOKIE if notice else {})}
    return {"description": description, "headers": {**location, **said}}


def download(media_type: str, filename: str, description: str, body: Fragment) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "Content-Disposition": {
                "description": f'attachment; filename="{filename}"',
                "schema": {"type": "string"},
            }
        },
        "content": {media_type: {"schema": dict(body)}},
    }


def path_parameter(name: str, description: str = "", max_length: int = 80) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": max_length},
    }
    return {**parameter, "description": description} if description else parameter


def query(name: str, description: str, required: bool = False, **constraints: Any) -> Fragment:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **constraints},
    }


# The path parameters many routes name a thing by.
COURSE_ID = path_parameter("course_id")
GROUP_ID = path_parameter(
    "group_id", "The group booking's id (the course's group bookings list it)"
)
DISCOUNT_CODE = path_parameter("code", "The code's letters, in any case", 40)
PROGRAMME = path_parameter("programme", "The programme's name, as course definitions give it")


def secret_token(whose: str) -> Fragment:
    """The ``token`` a link carries (its secret), described as ``whose``."""
    return query("token", whose, required=True, minLength=1, maxLength=100)


# An application's own token: its status page, its payment and its register's apologies.
APPLICATION_TOKEN = secret_token("The application's secret token (from its status link)")


def form(fields: Fragment, required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """An HTML form's fields as the browser posts them (every value a string)."""
    return {"type": "object", "properties": dict(fields), "required": list(required), **extra}


def posted(schema_of_form: Fragment) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": dict(schema_of_form)}},
    }


def json_body(name: str | None, *, required: bool = True) -> dict[str, Any]:
    """A JSON request body of a named model (``None``: any object, e.g. optional options)."""
    body = schema(name) if name else {"type": "object"}
    return {"required": required, "content": {"application/json": {"schema": body}}}


def closed_fields(fields: Fragment, *required: str) -> dict[str, Any]:
    """An action's JSON body: these ``fields`` and no other (an unknown one is refused by name,
    422), the ``required`` among them."""
    shape = {
        "type": "object",
        "properties": dict(fields),
        "required": list(required),
        "additionalProperties": False,
    }
    return {"required": True, "content": {"application/json": {"schema": shape}}}


def json_or_form(name: str) -> dict[str, Any]:
    """A body of a named model a script sends as JSON, or a browser's form posts."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema(name)},
            "application/x-www-form-urlencoded": {"schema": schema(name)},
        },
    }


def optional_fields(**fields: object) -> dict[str, object]:
    """An action's optional JSON body: these fields and no other (an unknown one is refused
    by name, 422: never ignored; none given: it takes no field)."""
    shape = {"type": "object", "properties": fields, "additionalProperties": False}
    return {"required": False, "content": {"application/json": {"schema": shape}}}


def console_form(fields: Fragment | None = None, *required: str) -> dict[str, Any]:
    """A console form: its fields and the session's CSRF token, which it always carries."""
    return posted(form({"csrf_token": CSRF_FIELD, **(fields or {})}, ("csrf_token", *required)))


def on_a_course(
    method: str,
    to: str,
    operation_id: str,
    summary: str,
    answers: Fragment,
    *,
    body: str | None = None,
    errors: tuple[int, ...] | None = None,
    description: str = "",
) -> Route:
    """An organiser API route to a course (``to``: what follows ``/admin/courses/{course_id}``).
    One with a JSON ``body`` (a named model) may meet every error an action with a body may;
    one without, no such course (404), unless it says its ``errors``."""
    return Route(
        Function.ADMIN,
        method,
        f"/admin/courses/{{course_id}}{to}",
        operation_id,
        summary,
        answers,
        errors=errors or (BODY_ACTION_ERRORS if body else (404,)),
        description=description,
        parameters=(COURSE_ID,),
        body=json_body(body) if body else None,
        tags=("organisers",),
    )


def group_card_press(done: str, mistakes: str = "") -> dict[str, Fragment]:
    """What a press on a group booking's card in the console answers: on to the course's group
    bookings page, which says ``done`` once, or that page again saying why not; a form with
    fields to type, its ``mistakes`` (422)."""
    return {
        "303": see_other(
            f"Done: to the course's group bookings page, which says so once (`{done}`)",
            notice=True,
        ),
        "404": NO_GROUP,
        "409": page("The course's group bookings page again, saying why not"),
        **({"422": page(mistakes)} if mistakes else {}),
    }


def confirmation_page(
    path: str,
    operation_id: str,
    summary: str,
    shows: str,
    refused: str,
    led_from: str,
    *,
    missing: Fragment = NO_APPLICATION,
    also: Mapping[str, Fragment] | None = None,
    parameters: tuple[Fragment, ...] = (),
) -> Route:
    """A console page that asks before an act (``path``: the act's, read with GET): what the act
    would do, as its own decision run without writing, and the form that does it (``shows``);
    ``refused``: the page of what it acts on, saying why not now (409); ``led_from``: the button
    that leads here and what its form posts. Nothing changes on it, whatever it is asked."""
    answers = {"200": page(shows), "404": missing, "409": page(refused), **(also or {})}
    said = f"{led_from} Nothing changes on this page."
    parameters = parameters or (path_parameter("application_id"),)
    return console_read(path, operation_id, summary, answers, *parameters, description=said)


def console_read(
    path: str,
    operation_id: str,
    summary: str,
    answers: Mapping[str, Fragment],
    *parameters: Fragment,
    description: str,
) -> Route:
    """A console page or file read with GET (``NOTICE_ONCE``: a page its actions lead back to)."""
    return Route(
        Function.CONSOLE,
        "GET",
        path,
        operation_id,
        summary,
        answers,
        description=description,
        parameters=parameters,
        tags=("console",),
    )


def console_text_download(
    path: str,
    operation_id: str,
    summary: str,
    file: tuple[str, str, str],
    parameter: Fragment,
    not_found: Fragment,
) -> Route:
    """A console file to download with GET, made of text (``file``: its media type, its name and
    what it holds), or the page saying the course or programme it is of was not found."""
    media_type, filename, holds = file
    answers = {"200": download(media_type, filename, holds, {"type": "string"}), "404": not_found}
    return console_read(path, operation_id, summary, answers, parameter, description="")
