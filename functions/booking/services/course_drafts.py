"""What the console's course form offers an organiser adding a cohort, so no id has to be
invented or matched by hand: the programmes there are, by title, and the
ids the programmes' follow-ups already go by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from booking.domain.programme import follow_up_events, programme_title
from booking.services.ports import Ports


@dataclass(frozen=True)
class Programme:
    """A programme some cohort belongs to: its slug (what a cohort's file names) and its
    title (what a person reads)."""

    slug: str
    title: str


def programmes(ports: Ports) -> list[Programme]:
    """Every programme a cohort names, by title (its cohorts' shared title), A to Z."""
    cohorts = sorted(
        (c for c in ports.repository.list_courses() if c.definition.programme),
        key=lambda c: c.schedule[0].start,
    )
    titles: dict[str, list[str]] = {}
    for course in cohorts:
        titles.setdefault(course.definition.programme, []).append(course.definition.title)
    listed = [Programme(slug, programme_title(slug, said)) for slug, said in titles.items()]
    return sorted(listed, key=lambda p: (p.title.casefold(), p.slug))


@dataclass(frozen=True)
class FollowUpIds:
    """The ids a programme's follow-ups go by: each by when it starts and ends (UTC), and all
    of them (a new follow-up's id must be none of these unless it is that very event); and
    each one's title as the programme holds it (a cohort joining it carries that title, never
    renames it by a default)."""

    by_time: dict[tuple[datetime, datetime], str]
    taken: frozenset[str]
    titles: dict[str, str] = field(default_factory=dict)


def follow_up_ids(ports: Ports, programme: str) -> FollowUpIds:
    """The follow-up ids of ``programme`` (a slug, or a course id for a cohort of its own)."""
    events = [
        e for e in follow_up_events(ports.repository.list_courses()) if e.programme == programme
    ]
    by_time = {(e.session.start, e.session.end): e.key for e in events}
    titles = {e.key: e.session.title for e in events}
    return FollowUpIds(by_time, frozenset(e.key for e in events), titles)
