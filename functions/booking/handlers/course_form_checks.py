"""The course form's mistakes that the definition's own check reaches only once the rest is
right (newcomer15 O10): the course id (checked when the course is saved) and a session that
ends before it starts (checked once its date reads). Found beside the rest, in the same pass,
so every mistake is shown beside its field at once, never in rounds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time

from booking.domain.course import is_valid_course_id
from booking.domain.sessions import ENDS_BEFORE_IT_STARTS, ends_after_start
from booking.services.courses import COURSE_ID_RULE


def early_mistakes(
    values: dict[str, str], sessions: Sequence[dict[str, str]], say: Callable[[str], str]
) -> dict[str, str]:
    """Form field id -> the reason, the definition's own words said as the form says them
    (``say``: ``course_form._sentence``)."""
    mistakes = {}
    if not is_valid_course_id(values.get("course_id", "")):
        mistakes["course_id"] = say(COURSE_ID_RULE)
    for row, typed in enumerate(sessions):
        start, end = _time(typed.get("start_time", "")), _time(typed.get("end_time", ""))
        if start is not None and end is not None and not ends_after_start(start, end):
            mistakes[f"session-{row}-end_time"] = say(ENDS_BEFORE_IT_STARTS)
    return mistakes


def _time(typed: str) -> time | None:
    """The wall-clock time typed (one with an offset is refused by the definition's check)."""
    try:
        read = time.fromisoformat(typed)
    except ValueError:
        return None
    return read if read.tzinfo is None else None
