"""The course form filled in for the organiser, so nothing has to be retyped or invented:
the next cohort of a course, everything but its dates carried over; a
programme chosen by its title; a new course's id made from its title and first month; a new
course's follow-ups given ids. Nothing here saves: a form is shown, or read as if the
organiser had typed what is filled in (and a refused save shows it, to change)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from booking.domain.course import CourseDefinition
from booking.domain.errors import InvalidInput
from booking.domain.text import one_line
from booking.handlers.course_form import CourseForm, blank_sessions, form_of
from booking.handlers.course_form_checks import typed_time
from booking.services.course_drafts import FollowUpIds, Programme

FOLLOW_UP = "follow_up"


def next_cohort_form(definition: CourseDefinition) -> CourseForm:
    """*Add the next cohort*: the form for a new course carrying over everything
    ``definition`` says (title, programme, texts, price, places, facilitators, reminders,
    invoicing, ...) but its sessions, left empty for the new dates, its id (made on saving
    from the title and the first date, unless typed) and being closed."""
    shown = form_of("", definition)
    values = shown.values | {"course_id": "", "closed": ""}
    return CourseForm(values, blank_sessions(), shown.facilitators)


def programme_slug(typed: str, programmes: Sequence[Programme]) -> str:
    """The programme a course's form names: an existing programme by its
    id, or chosen by its title (its slug, which its cohorts share); a title two programmes
    share is refused, naming both by their ids; anything else is a new programme, its id made
    from what was typed as a course's is. Refused beside the field (InvalidInput): a line
    break or control character (the one-line text rule), a name with no letter or digit
    to make an id of, or one whose made id is an existing programme's (its title named)."""
    typed = typed.strip()
    if not typed or any(p.slug == typed for p in programmes):
        return typed
    try:
        one_line(typed)
    except ValueError as refused:
        raise InvalidInput(f"the programme: {refused}", {"programme": str(refused)}) from None
    titled = [p.slug for p in programmes if p.title.casefold() == typed.casefold()]
    if len(titled) > 1:
        ids = ", ".join(titled[:-1]) + f" and {titled[-1]}"
        said = f"{len(titled)} programmes have this title ({ids}): type the one you mean by its id"
        raise InvalidInput(f"the programme: {said}", {"programme": said})
    if titled:
        return titled[0]
    made = made_id(typed, 80)
    if len(made) < 2:
        said = "type the new programme's name with at least two letters or digits"
        raise InvalidInput(f"the programme: {said}", {"programme": said})
    if (taken := next((p for p in programmes if p.slug == made), None)) is not None:
        # A new name whose made id is another programme's (another title) would join it in
        # silence, its follow-ups, graduates and letters: said, not guessed.
        said = (
            f"{made} is the programme “{taken.title}”: type {made} to add this course to it, "
            "or another name for a new programme"
        )
        raise InvalidInput(f"the programme: {said}", {"programme": said})
    return made


def programme_choices(programmes: Sequence[Programme]) -> list[tuple[str, str]]:
    """What the form offers as one types a programme: each by its title where no other has
    it, else by its id with the title beside it (the same title twice)."""
    return [(programme_shown(p.slug, programmes), p.title) for p in programmes]


def made_id(typed: str, limit: int) -> str:
    """An id made from what a person typed: lower-case letters, digits and hyphens, at most
    ``limit`` characters (accents dropped, anything else a hyphen)."""
    ascii_text = unicodedata.normalize("NFKD", typed).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


def programme_shown(slug: str, programmes: Sequence[Programme]) -> str:
    """A programme as the form shows it: by its title, where no other programme has it."""
    titled = next((p for p in programmes if p.slug == slug), None)
    if titled is None:
        return slug
    same = [p for p in programmes if p.title.casefold() == titled.title.casefold()]
    return titled.title if len(same) == 1 else slug


# A cohort's id that ends in the year and month of its first session, as the sample's do.
_COHORT_ID = re.compile(r"(?P<stem>[a-z0-9-]+)-\d{4}-\d{2}")


def cohort_stem(next_of: str) -> str:
    """The name the next cohort of ``next_of`` is given before its month ("" when ``next_of``
    does not end in a year and month: the new id is made from the title then)."""
    named = _COHORT_ID.fullmatch(next_of)
    return named["stem"] if named else ""


def proposed_course_id(title: str, sessions: Sequence[dict[str, str]], next_of: str = "") -> str:
    """A new course's id: its title in lower-case letters, digits and hyphens, and the year
    and month of its first session (``compassionate-leadership-training-2028-03``); the next
    cohort of a course named that way (``next_of``) is named as it is, its month changed
    (``compassionate-leadership-2027-06``'s: ``compassionate-leadership-2028-06``);
    "" when the title or every date is missing (the course id is then asked for, as before)."""
    slug = cohort_stem(next_of) or made_id(title, 60)
    days = sorted(day for row in sessions if (day := _day(row.get("date", ""))) is not None)
    if not slug or not days:
        return ""
    return f"{slug}-{days[0]:%Y-%m}"


def with_ids_made(form: CourseForm, follow_ups: FollowUpIds, next_of: str = "") -> CourseForm:
    """A new course's form with a course id made when none was typed (named as the cohort
    ``next_of`` is, for its next cohort), and an id for each
    follow-up typed without one: the programme's own id for a follow-up at the very time one
    of its follow-ups is (the same event, shared), else ``follow-up-<date>`` that no other
    follow-up has. Rows it cannot read (no date, a time mistyped) are left for the
    definition's check to name."""
    values = dict(form.values)
    if not values.get("course_id"):
        title = values.get("title", "")
        values["course_id"] = proposed_course_id(title, form.sessions, next_of)
    used = set(follow_ups.taken) | {row["id"] for row in form.sessions if row.get("id")}
    sessions = []
    for row in form.sessions:
        made = dict(row)
        if row.get("kind") == FOLLOW_UP and not row.get("id"):
            made["id"] = _follow_up_id(row, values.get("timezone", ""), follow_ups, used)
            used.add(made["id"])
        if row.get("kind") == FOLLOW_UP and not row.get("title", "").strip():
            # Joining an event (its id made or typed), its title left empty: the event's
            # title, never the default "Follow-up session" renaming it for the cohorts that
            # list it. Another title or time is refused by the save (one rule, the console's
            # and the API's: ``domain.follow_up_files.joining_refusal``).
            made["title"] = follow_ups.titles.get(made["id"], "")
        sessions.append(made)
    return CourseForm(values, sessions, [dict(f) for f in form.facilitators], dict(form.errors))


def _follow_up_id(row: dict[str, str], zone: str, follow_ups: FollowUpIds, used: set[str]) -> str:
    day = _day(row.get("date", ""))
    times = [typed_time(row.get(name, "")) for name in ("start_time", "end_time")]
    if day is None or None in times:
        return ""
    try:
        zone_info = ZoneInfo(zone)
    except (ValueError, KeyError, OSError):  # an unknown zone: the definition's check says so
        return ""
    when = tuple(datetime.combine(day, t, zone_info).astimezone(UTC) for t in times if t)
    if (shared := follow_ups.by_time.get((when[0], when[1]))) is not None:
        return shared
    made, n = f"follow-up-{day.isoformat()}", 1
    while made in used:
        n += 1
        made = f"follow-up-{day.isoformat()}-{n}"
    return made


def _day(typed: str) -> date | None:
    try:
        return date.fromisoformat(typed)
    except ValueError:
        return None
