"""*Add the next cohort* carries the follow-ups over (the organiser tester: the form
filled in from a cohort left its follow-ups behind, to be typed again). The form cannot know
the new dates until they are typed, so the first *Save the course* of a form filled in from a
cohort with follow-ups, its core sessions' dates typed and no follow-up among its rows, saves
nothing: the form comes back with that cohort's follow-ups added, each moved by the gap between
the two cohorts' first core sessions (its times of day, title and home practice kept), for the
organiser to check, change or remove before saving again. The form then posts
``FOLLOW_UPS_OFFERED``, so they are offered once.

Each carried follow-up has no id: on saving, the id the programme's follow-up at that very
start and end has (joining that event), else a new one (``course_form_fill.with_ids_made``).
So a carried follow-up never moves or renames one the programme has: the save's own rules
(``domain.follow_up_files``) still refuse a shared follow-up moved or renamed by its id.
Nothing here reads or writes: the handler gives it the form and the cohort's definition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from booking.domain.course import CourseDefinition, SessionKind
from booking.handlers.course_form import MAX_SESSIONS, CourseForm, form_of

FOLLOW_UP, CORE = "follow_up", "core"
# Posted back by a form that offered the follow-ups: they are not offered again.
FOLLOW_UPS_OFFERED = "follow_ups_offered"


@dataclass(frozen=True)
class Carried:
    """The form with the follow-ups added, and what to say of them."""

    form: CourseForm
    count: int
    gap: timedelta


def follow_ups_of(definition: CourseDefinition) -> int:
    """How many follow-ups the cohort lists (what *Add the next cohort* will offer)."""
    return sum(1 for s in definition.sessions if s.kind is SessionKind.FOLLOW_UP)


def carried_over(typed: CourseForm, source: CourseDefinition) -> Carried | None:
    """``typed`` with ``source``'s follow-ups added, moved by the gap between the two first core
    sessions; None when there is nothing to carry (no follow-up, one typed already, no core
    date typed to measure the gap by, or no room for them in the form's rows)."""
    rows = form_of("", source).sessions
    theirs = [row for row in rows if row.get("kind") == FOLLOW_UP]
    if not theirs or any(row.get("kind") == FOLLOW_UP for row in typed.sessions):
        return None
    first_typed = _first_core(typed.sessions)
    first_source = _first_core(rows)
    if first_typed is None or first_source is None:
        return None
    gap = first_typed - first_source
    moved = [
        row | {"id": "", "date": (date.fromisoformat(row["date"]) + gap).isoformat()}
        for row in theirs
    ]
    kept = [row for row in typed.sessions if any(v for k, v in row.items() if k != "kind")]
    if len(kept) + len(moved) > MAX_SESSIONS:
        return None
    form = CourseForm(
        dict(typed.values),
        kept + moved,
        [dict(row) for row in typed.facilitators],
        dict(typed.errors),
    ).with_a_row_of_each()
    return Carried(form, len(moved), gap)


def gap_said(gap: timedelta) -> str:
    """ "52 weeks later", "10 days earlier", "on the same days" """
    days = abs(gap.days)
    if days == 0:
        return "on the same days"
    weeks, rest = divmod(days, 7)
    amount = (
        f"{weeks} week{'s' if weeks != 1 else ''}"
        if not rest
        else f"{days} day{'s' if days != 1 else ''}"
    )
    return f"{amount} {'later' if gap.days > 0 else 'earlier'}"


def _first_core(rows: list[dict[str, str]]) -> date | None:
    days = []
    for row in rows:
        if row.get("kind", CORE) != CORE:
            continue
        try:
            days.append(date.fromisoformat(row.get("date", "")))
        except ValueError:
            continue
    return min(days) if days else None
