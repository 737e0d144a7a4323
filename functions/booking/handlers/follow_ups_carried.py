"""*Add the next cohort* carries the follow-ups over (the organiser tester: the form
filled in from a cohort left its follow-ups behind, to be typed again). The form cannot know
the new dates until they are typed, so the first *Save the course* of a form filled in from a
cohort with follow-ups, its core sessions' dates typed and no follow-up among its rows, saves
nothing: the form comes back with that cohort's follow-ups added, each moved by the gap between
the two cohorts' first core sessions (its times of day, title and home practice kept: the rule
is ``domain.next_cohort``'s), for the organiser to check, change or remove before saving
again. The form then posts ``FOLLOW_UPS_OFFERED``, so they are offered once.

Each carried follow-up has no id: on saving, the id the programme's follow-up at that very
start and end has (joining that event), else a new one (``course_form_fill.with_ids_made``).
So a carried follow-up never moves or renames one the programme has: the save's own rules
(``domain.follow_up_files``) still refuse a shared follow-up moved or renamed by its id.
Nothing here reads or writes: the handler gives it the form and the cohort's definition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from booking.domain.course import CourseDefinition, SessionKind
from booking.domain.errors import InvalidInput
from booking.domain.next_cohort import follow_ups_carried
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
    """``typed`` with ``source``'s follow-ups added, as the next cohort carries them
    (``domain.next_cohort``); None when there is nothing to carry (no follow-up, one typed
    already, or no core date typed to measure the gap by). InvalidInput, beside the sessions,
    when the form has no room for them all: they are never carried in part, nor left off in
    silence."""
    if any(row.get("kind") == FOLLOW_UP for row in typed.sessions):
        return None
    first_typed = _first_core(typed.sessions)
    carried = follow_ups_carried(source, first_typed) if first_typed is not None else None
    if carried is None:
        return None
    # Each as the form shows a session: the source's form with the carried ones for sessions.
    shown = form_of("", source.model_copy(update={"sessions": carried.sessions}))
    moved = [row for row in shown.sessions if row.get("kind") == FOLLOW_UP]
    kept = [row for row in typed.sessions if any(v for k, v in row.items() if k != "kind")]
    if len(kept) + len(moved) > MAX_SESSIONS:
        # Never dropped without a word: said beside the sessions, nothing saved.
        raise no_room_refusal(len(kept), len(moved))
    form = CourseForm(
        dict(typed.values),
        kept + moved,
        [dict(row) for row in typed.facilitators],
        dict(typed.errors),
    ).with_a_row_of_each()
    return Carried(form, len(moved), carried.gap)


def no_room_refusal(typed: int, carried: int) -> InvalidInput:
    """Why a form of ``typed`` sessions cannot take the ``carried`` follow-ups of the cohort it
    was filled in from, and what to do."""
    over = typed + carried - MAX_SESSIONS
    they = "them" if carried != 1 else "it"
    said = (
        f"The cohort this form was filled in from has {carried} follow-up"
        f"{'s' if carried != 1 else ''} to carry over, and with the {typed} sessions typed here "
        f"that would make {typed + carried}, more than the {MAX_SESSIONS} a course may have: "
        f"nothing was saved. Remove at least {over} session{'s' if over != 1 else ''} and press "
        f"Save the course again to have {they} added"
    )
    return InvalidInput(f"the sessions: {said}", {"sessions": said})


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
