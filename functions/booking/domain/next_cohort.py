"""The next cohort of a course carries over the follow-ups of the one it follows (*Add the next
cohort*): each moved by the gap between the two cohorts' first core sessions, its times of day,
title and home practice kept, and without its id (on saving, it joins the programme's follow-up
at that very start and end, else it is a new one). The console's course form offers them
before the next cohort is saved (``handlers.follow_ups_carried``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from booking.domain.course import CourseDefinition, SessionDefinition, SessionKind


@dataclass(frozen=True)
class FollowUpsCarried:
    """The follow-ups carried to the next cohort, and how far they moved."""

    sessions: list[SessionDefinition]
    gap: timedelta


def follow_ups_carried(source: CourseDefinition, first_core: date) -> FollowUpsCarried | None:
    """``source``'s follow-ups carried to a cohort whose first core session is on
    ``first_core``; None when it has none (or no core session to measure the gap by)."""
    theirs = [s for s in source.sessions if s.kind is SessionKind.FOLLOW_UP]
    cores = [s.date for s in source.sessions if s.kind is SessionKind.CORE]
    if not theirs or not cores:
        return None
    gap = first_core - min(cores)
    moved = [s.model_copy(update={"id": None, "date": s.date + gap}) for s in theirs]
    return FollowUpsCarried(moved, gap)
