"""The console's course form: a course definition as HTML form fields, and back.

The definition is validated by :class:`CourseDefinition` exactly as ``PUT /admin/courses/{id}``
validates it; this module only turns form fields into that JSON shape (prices in pounds, lists
as rows) and each validation error back into the id of the field it belongs to, so the page can
show it beside that field. Sessions and facilitators are rows; blank rows are ignored, and the
error of the n-th definition entry goes to the row it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from booking.domain.application_form import box_ticked
from booking.domain.course import MAX_SESSIONS as MAX_SESSIONS
from booking.domain.course import CourseDefinition
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.money import Money, typed_amount
from booking.domain.validation import SESSION_PROBLEM, parse, parse_json_strictly
from booking.handlers.body_text import UnreadBody, file_json_object
from booking.handlers.course_form_checks import (
    early_mistakes,
    reminder_hours,
    whole_number_mistakes,
)
from booking.handlers.http import FilePart
from booking.handlers.sentences import capitalised

SESSION_FIELDS = ("id", "date", "start_time", "end_time", "kind", "title", "home_practice")
FACILITATOR_FIELDS = ("name", "email", "bio")
MAX_FACILITATORS = 20
TOP_FIELDS = (
    "course_id",
    "title",
    "programme",
    "organisation",
    "overview",
    "audience",
    "location",
    "timezone",
    "price",
    "currency",
    "capacity",
    "completion_min_sessions",
    "approval_required",
    "offer_valid_hours",
    "enquiries_email",
    "joining_url",
    "reminder_offsets_hours",
    "decline_message",
    "invoice_allowed",
    "invoice_due_days",
    "invoice_due_before_start_days",
    "po_required",
    "group_apply_by_days",
    "closed",
)
CHECKBOXES = ("approval_required", "invoice_allowed", "po_required", "closed")


@dataclass
class CourseForm:
    """The console's course form: what was typed, and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    sessions: list[dict[str, str]] = field(default_factory=list)
    facilitators: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # field id -> message

    def with_a_row_of_each(self) -> CourseForm:
        """The rows as they are, and a blank one where there are none (so there is always a
        session and a facilitator to fill in)."""
        return CourseForm(
            values=dict(self.values),
            sessions=[dict(row) for row in self.sessions] or [_blank(SESSIONS)],
            facilitators=[dict(row) for row in self.facilitators] or [_blank(FACILITATORS)],
            errors=dict(self.errors),
        )

    def with_rows_changed(self, change: str) -> CourseForm:
        """The form again with one row more or fewer, what was typed kept (the form's "Add a
        session" and "Remove" buttons, which work without JavaScript: each posts the whole
        form with ``rows`` saying which). An unknown change, a row beyond the limit or the
        last row of a kind leaves the rows as they are."""
        sessions = [dict(row) for row in self.sessions]
        facilitators = [dict(row) for row in self.facilitators]
        kinds = {SESSIONS: (sessions, MAX_SESSIONS), FACILITATORS: (facilitators, MAX_FACILITATORS)}
        if (matched := _ROW_CHANGE.fullmatch(change)) is not None:
            verb, kind, number = matched.groups()
            rows, limit = kinds[kind]
            if verb == "add" and len(rows) < limit:
                rows.append(_blank(kind))
            elif verb == "remove" and number is not None and int(number) < len(rows):
                del rows[int(number)]
        return CourseForm(dict(self.values), sessions, facilitators).with_a_row_of_each()


SESSIONS, FACILITATORS = "session", "facilitator"
ROW_CHANGE_PATTERN = rf"^(add|remove)-({SESSIONS}|{FACILITATORS})(?:-([0-9]{{1,3}}))?$"
_ROW_CHANGE = re.compile(ROW_CHANGE_PATTERN.strip("^$"))


def _blank(kind: str) -> dict[str, str]:
    if kind == SESSIONS:
        return dict.fromkeys(SESSION_FIELDS, "") | {"kind": "core"}
    return dict.fromkeys(FACILITATOR_FIELDS, "")


# A new course's places, suggested (the definition itself has no default: it must be given).
SUGGESTED_CAPACITY = "20"
# Fields whose blank means "the definition's default" (not sent, so the default applies).
_DEFAULTED = (  # left out of the definition when blank
    "completion_min_sessions",
    "timezone",
    "organisation",
    "overview",
    "audience",
    "location",
    "offer_valid_hours",
    "invoice_due_days",
    "invoice_due_before_start_days",
    "group_apply_by_days",
    "enquiries_email",
    "joining_url",
    "decline_message",
)


def _defaults() -> dict[str, str]:
    """The definition's own defaults, as the form shows them (one place: CourseDefinition)."""
    fields = CourseDefinition.model_fields
    shown = {
        name: str(fields[name].get_default(call_default_factory=True))
        for name in ("timezone", "offer_valid_hours", "invoice_due_days")
    }
    for name in ("invoice_due_before_start_days", "group_apply_by_days"):
        shown[name] = str(fields[name].get_default())
    offsets = fields["reminder_offsets_hours"].get_default(call_default_factory=True)
    shown["reminder_offsets_hours"] = ", ".join(str(h) for h in offsets)
    shown["currency"] = str(Money.model_fields["currency"].get_default())
    return shown


NEW_COURSE_SESSIONS = 6  # a new course's empty session rows: its usual shape


def blank_sessions() -> list[dict[str, str]]:
    return [_blank(SESSIONS) for _ in range(NEW_COURSE_SESSIONS)]


def blank_form() -> CourseForm:
    values = dict.fromkeys(TOP_FIELDS, "") | _defaults() | {"capacity": SUGGESTED_CAPACITY}
    return CourseForm(values, blank_sessions()).with_a_row_of_each()


def form_of(course_id: str, definition: CourseDefinition) -> CourseForm:
    """The form filled in with a stored definition (to replace it)."""
    data = definition.model_dump(mode="json")
    price = definition.price
    values = {name: _as_typed(data.get(name)) for name in TOP_FIELDS} | {
        "course_id": course_id,
        "price": f"{Decimal(price.amount) / 100:.2f}",
        "currency": price.currency,
    }
    sessions = [
        {name: _as_typed(s[name]) for name in SESSION_FIELDS}
        | {"start_time": s["start_time"][:5], "end_time": s["end_time"][:5]}
        for s in data["sessions"]
    ]
    facilitators = [
        {name: _as_typed(f[name]) for name in FACILITATOR_FIELDS} for f in data["facilitators"]
    ]
    return CourseForm(values, sessions, facilitators).with_a_row_of_each()


def _as_typed(value: object) -> str:
    """A stored value (as JSON) as the form's field shows it: a ticked checkbox "on", a list
    comma-separated, nothing given an empty field."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def read_form(posted: Mapping[str, str]) -> CourseForm:
    """The form as posted (rows in the order of their numbers, blank rows kept for display)."""
    values = {name: str(posted.get(name, "")).strip() for name in TOP_FIELDS}
    unclear = {name: UNSEEN for name in TOP_FIELDS if _shows_nothing(posted.get(name, ""))}
    unclear.update(whole_number_mistakes(posted))
    for name in CHECKBOXES:
        # Each box by the one rule: ticked "on", left out ""; any other value is refused beside
        # the box (shown unticked), never saved as unticked.
        unclear.pop(name, None)
        try:
            values[name] = "on" if box_ticked(posted, name) else ""
        except InvalidInput as refused:
            values[name] = ""
            unclear.update({k: _sentence(v) for k, v in refused.fields.items()})
    return CourseForm(
        values=values,
        sessions=_rows(posted, "session", SESSION_FIELDS, MAX_SESSIONS, unclear),
        facilitators=_rows(posted, "facilitator", FACILITATOR_FIELDS, MAX_FACILITATORS, unclear),
        errors=unclear,
    )


# A field typed with only characters that show nothing (an NBSP, a line separator) is refused
# beside it, never read as left empty: a facilitator's name blanked so would save them unnamed,
# off the public page. Plain spaces and line breaks alone read as empty.
UNSEEN = "Nothing typed here shows: write it in characters that show, or leave it empty"


def _shows_nothing(raw: object) -> bool:
    text = str(raw)
    return bool(text.strip(" \t\r\n")) and not text.strip()


def _rows(
    posted: Mapping[str, str],
    prefix: str,
    names: tuple[str, ...],
    limit: int,
    unclear: dict[str, str],
) -> list[dict[str, str]]:
    numbers = sorted(
        {
            int(match.group(1))
            for key in posted
            if (match := re.fullmatch(rf"{prefix}-(\d{{1,3}})-\w+", key))
        }
    )[: limit + 1]  # one beyond the limit is read, so too many rows is refused, never cut
    for row, n in enumerate(numbers):
        for name in names:
            if _shows_nothing(posted.get(f"{prefix}-{n}-{name}", "")):
                unclear[f"{prefix}-{row}-{name}"] = UNSEEN
    return [
        {name: str(posted.get(f"{prefix}-{n}-{name}", "")).strip() for name in names}
        for n in numbers
    ]


def definition_from_form(form: CourseForm) -> CourseDefinition:
    """The definition the form describes; raises InvalidInput whose ``fields`` are form ids
    (a box read_form refused among them)."""
    errors = {**early_mistakes(form.values, form.sessions, _sentence), **form.errors}
    session_rows = [i for i, row in enumerate(form.sessions) if any(_typed(row, "kind"))]
    people_rows = [i for i, row in enumerate(form.facilitators) if any(row.values())]
    payload = {
        **_top_payload(form.values, errors),
        "sessions": [_session_payload(form.sessions[i]) for i in session_rows],
        "facilitators": [_person_payload(form.facilitators[i]) for i in people_rows],
    }
    try:
        definition = parse(CourseDefinition, payload, "the course needs attention")
    except InvalidInput as invalid:
        for key, reason in invalid.fields.items():
            errors.setdefault(_field_id(key, reason, session_rows, people_rows), _sentence(reason))
        raise InvalidInput("the course needs attention", errors) from None
    if errors:
        raise InvalidInput("the course needs attention", errors)
    return definition


def _top_payload(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": values["title"],
        "programme": values["programme"],
        "price": {
            "amount": pence(values["price"], "price", errors),
            "currency": values["currency"],
        },
        "capacity": values["capacity"],
        "reminder_offsets_hours": reminder_hours(values["reminder_offsets_hours"], errors),
        **{name: values[name] == "on" for name in CHECKBOXES},
    }
    return payload | {name: values[name] for name in _DEFAULTED if values[name]}


def _session_payload(row: dict[str, str]) -> dict[str, Any]:
    # A blank kind is the definition's default kind; blank optional text is none.
    payload: dict[str, Any] = {
        "id": row["id"] or None,
        "date": row["date"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "title": row["title"] or None,
        "home_practice": row["home_practice"] or None,
    }
    return payload | ({"kind": row["kind"]} if row["kind"] else {})


def _person_payload(row: dict[str, str]) -> dict[str, Any]:
    return {"name": row["name"] or None, "email": row["email"], "bio": row["bio"] or None}


def _typed(row: dict[str, str], *ignored: str) -> list[str]:
    """The values someone typed in a row (a row's preset choices alone do not count)."""
    return [value for name, value in row.items() if name not in ignored and value]


def pence(typed: str, field: str, errors: dict[str, str]) -> Any:
    """The price typed in pounds (the one reading of typed money: ``typed_amount``) in minor
    units; on a mistake, the reason goes into ``errors[field]`` and what was typed comes back
    unchanged (the definition's own check then names nothing new)."""
    try:
        return typed_amount(typed, field, what="the price")
    except InvalidInput as invalid:
        errors.update(invalid.fields)
        return typed


def _field_id(key: str, reason: str, session_rows: list[int], people_rows: list[int]) -> str:
    """The form field a validation error of the definition belongs to."""
    parts = key.split(".")
    if parts[0] == "price":
        return "currency" if parts[-1] == "currency" else "price"
    if parts[0] in ("sessions", "facilitators") and len(parts) >= 2 and parts[1].isdigit():
        rows = session_rows if parts[0] == "sessions" else people_rows
        index = int(parts[1])
        row = rows[index] if index < len(rows) else index
        prefix = "session" if parts[0] == "sessions" else "facilitator"
        # A whole-file check about a session ("session 2: a follow-up comes after ...") is
        # about when it starts; the session's own check is about its end.
        default = "end_time" if prefix == "session" else "name"
        default = "start_time" if SESSION_PROBLEM.match(reason) else default
        return f"{prefix}-{row}-{parts[2] if len(parts) > 2 else default}"
    return "form" if parts[0] == "body" else parts[0]


# The definition's own words, where they name its JSON fields, in the form's words.
_FORM_WORDS = {
    "end_time must be after start_time on the same day": "The session must end after it starts",
    "this field is required": "Fill this in",
}


def _sentence(reason: str) -> str:
    reason = _FORM_WORDS.get(reason, reason)
    return capitalised(reason)


# -- a definition file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A course's definition file, as uploaded."""

    course_id: str
    content: bytes
    filename: str
    changing: str = ""  # the course whose own page posted it ("": posted to add a course)


def upload_in(posted: Mapping[str, Any]) -> Upload | None:
    """The definition file of a ``multipart/form-data`` post, with the course id typed beside
    it (on a course's own page, that course's); ``None`` for the form itself."""
    part = posted.get("definition")
    if not isinstance(part, FilePart):
        return None
    changing = str(posted.get(CHANGING) or "").strip()
    course_id = str(posted.get("upload_course_id") or changing).strip()
    return Upload(course_id, part.content, part.filename, changing)


def definition_from_file(upload: Upload) -> CourseDefinition:
    """The definition in an uploaded file; errors name the file's fields (``sessions.0.date``)
    and belong beside the file input. On a course's own page the file changes that course only
    (an id typed there replaced another course)."""
    if upload.changing and upload.course_id != upload.changing:
        own = f"This page changes {upload.changing} only"
        other = f"to change {upload.course_id}, open it and choose Change this course"
        raise InvalidInput("the upload needs attention", {"definition": f"{own}: {other}"})
    if not upload.content:
        raise InvalidInput("the upload needs attention", {"definition": "Choose a file"})
    try:
        # Read as a request's body is: UTF-8, each key once, no half of a
        # UTF-16 pair (said beside the field as the API says it).
        data = file_json_object(upload.content)
        return parse_json_strictly(CourseDefinition, data, "the definition needs attention")
    except UnreadBody as unread:
        raise InvalidInput("the upload needs attention", {"definition": str(unread)}) from None
    except InvalidInput as invalid:
        listed = "; ".join(f"{key}: {reason}" for key, reason in invalid.fields.items())
        raise InvalidInput(
            "the definition needs attention", {"definition": f"The file has mistakes: {listed}"}
        ) from None


@dataclass(frozen=True)
class ShownAgain:
    """The course form page again after a refusal, each mistake where it belongs."""

    form: CourseForm
    upload_course_id: str = ""
    upload_errors: dict[str, str] = field(default_factory=dict)


def shown_again(
    typed: CourseForm,
    upload: Upload | None,
    refused: InvalidInput | Conflict,
    stored: CourseDefinition | None = None,
) -> ShownAgain:
    """A file's mistakes go beside the file input (its course id's beside that), the form
    below it ``stored``, the course the page changes, or blank; the form's mistakes beside
    their fields; a conflict (fewer places than are taken, the course changed meanwhile)
    beside the file, or the places."""
    fields = refused.fields if isinstance(refused, InvalidInput) else {}
    if upload is not None:
        errors = {
            ("upload_course_id" if key == "course_id" else "definition"): _sentence(reason)
            for key, reason in fields.items()
        } or {"definition": _sentence(refused.message)}
        form = form_of(upload.changing, stored) if stored is not None else blank_form()
        return ShownAgain(form, upload.course_id, errors)
    beside = CONFLICT_FIELDS.get(refused.code, "capacity")
    # The use case names a session by its place in the file (``sessions.1.date``): the form's row.
    session_rows = [i for i, row in enumerate(typed.sessions) if any(_typed(row, "kind"))]
    typed.errors = {_field_id(k, v, session_rows, []): _sentence(v) for k, v in fields.items()} or {
        beside: _sentence(refused.message)
    }
    return ShownAgain(typed.with_a_row_of_each())


# The field *Add a course* posts ("yes") with either of its forms: a course id that is taken is
# refused (the course's own page changes it), never replaced.
ADDING = "adding"
# Posted by *Add the next cohort*: the course its form was filled in from (its note kept).
NEXT_OF = "next_of"
# The field a course's own page posts with its file (the course's id): the file changes it.
CHANGING = "changing"
# Posted back with the title the form warned of as a likely typo: pressed so, it saves.
TITLE_CHECKED = "title_checked"


# Which field of the form a refusal to save is about (else the places: a course cannot hold
# fewer places than are taken).
CONFLICT_FIELDS = {
    "programme_has_bookings": "programme",
    "register_kept": "completion_min_sessions",
}
