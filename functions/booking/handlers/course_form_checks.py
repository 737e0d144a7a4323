"""The course form's mistakes that the definition's own check reaches only once the rest is
right: the course id (checked when the course is saved) and a session that
ends before it starts (checked once its date reads). Found beside the rest, in the same pass,
so every mistake is shown beside its field at once, never in rounds."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import time
from typing import Any

from booking.domain.course import is_valid_course_id
from booking.domain.sessions import ENDS_BEFORE_IT_STARTS, ends_after_start
from booking.services.courses import COURSE_ID_RULE

NO_COURSE_ID_MADE = (
    "type a course id (lower-case letters, digits and hyphens), or give the course a title "
    "and a session's date for one to be made from them"
)


def early_mistakes(
    values: dict[str, str], sessions: Sequence[dict[str, str]], say: Callable[[str], str]
) -> dict[str, str]:
    """Form field id -> the reason, the definition's own words said as the form says them
    (``say``: ``course_form._sentence``)."""
    mistakes = {}
    if not values.get("course_id", ""):
        # Left empty, and none could be made (no title in Latin letters or digits, no date).
        mistakes["course_id"] = say(NO_COURSE_ID_MADE)
    elif not is_valid_course_id(values.get("course_id", "")):
        mistakes["course_id"] = say(COURSE_ID_RULE)
    for row, typed in enumerate(sessions):
        start, end = typed_time(typed.get("start_time", "")), typed_time(typed.get("end_time", ""))
        if start is not None and end is not None and not ends_after_start(start, end):
            mistakes[f"session-{row}-end_time"] = say(ENDS_BEFORE_IT_STARTS)
    return mistakes


def typed_time(typed: str) -> time | None:
    """The wall-clock time typed (one with an offset is refused by the definition's check)."""
    try:
        read = time.fromisoformat(typed)
    except ValueError:
        return None
    return read if read.tzinfo is None else None


# Whole numbers typed as a person types them: no sign, no leading nought, no spaces (" 3 ", "+2" and
# "007" were read as 3, 2 and 7, and the save emailed managers of it). One
# rule for every whole-number box of the form, each in its unit.
_WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]{0,3}")
WHOLE_NUMBER_BOXES = {
    "capacity": "places",  # "1_0" was read as 10, "3.0" and "\t3" as 3
    "group_apply_by_days": "days",
    "invoice_due_before_start_days": "days",
    "invoice_due_days": "days",
    "offer_valid_hours": "hours",
}


def whole_number_mistakes(posted: Mapping[str, object]) -> dict[str, str]:
    """Form field id -> the reason, for each whole-number box as posted (before any space is
    trimmed): left empty (a cleared box was saved as the default, emailing the
    groups' managers: a cleared due lead halved in silence), or typed other
    than plainly. A field not posted at all (a script's form without it) keeps the
    definition's default."""
    mistakes = {}
    for name, unit in WHOLE_NUMBER_BOXES.items():
        if name not in posted:
            continue
        typed = str(posted[name])
        if not typed.strip():
            mistakes[name] = f"Enter a number of {unit}: an empty box is not read as the default"
        elif not _WHOLE_NUMBER.fullmatch(typed):
            mistakes[name] = f"Enter a whole number of {unit}, like 7, with nothing else in the box"
    return mistakes


def reminder_hours(typed: str, errors: dict[str, str]) -> Any:
    """The reminders' hours typed (``24, 1``) as whole numbers; on a mistake, the reason goes
    into ``errors`` and no hours come back."""
    parts = [part for part in re.split(r"[,\s]+", typed) if part]
    # ASCII digits only: str.isdigit() takes "٢٤", which int() reads as 24.
    if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
        errors["reminder_offsets_hours"] = "Enter whole hours separated by commas, like 24, 1"
        return []
    return [int(part) for part in parts]
