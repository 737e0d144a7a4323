"""Course definitions' parts that many tests write the same way."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from booking.domain.course import CourseDefinition

# Another cohort of the sample's programme, beside the sample (``COURSE_ID``).
SIBLING = "compassionate-leadership-earlier"


def weekly_sessions(
    first: date, weeks: int, start: str = "15:00", end: str = "17:00"
) -> list[dict[str, str]]:
    """``weeks`` core sessions, one a week from ``first``, at the same wall-clock times."""
    return [
        {
            "date": (first + timedelta(weeks=week)).isoformat(),
            "start_time": start,
            "end_time": end,
        }
        for week in range(weeks)
    ]


def monday_after(day: date) -> date:
    """The first Monday after ``day`` (a week on when ``day`` is a Monday)."""
    return day + timedelta(days=7 - day.weekday())


def gathering_cohort(
    programme: str, name: str, sessions: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    """The cohort ``name`` of ``programme``, titled "Gathering (``name``)": ten places at £200
    on ``sessions``, with an enquiries address and a joining link of its own (by ``name``);
    ``fields``: any other of its fields."""
    return {
        "programme": programme,
        "title": f"Gathering ({name})",
        "price": {"amount": 20000},
        "capacity": 10,
        "enquiries_email": f"{name}@example.org",
        "joining_url": f"https://example.org/join/{name}",
        "sessions": sessions,
        **fields,
    }


def gathering_follow_up(day: date, **extra: Any) -> dict[str, Any]:
    """The follow-up ``gathering`` the cohorts of a programme share, on ``day`` from 16:00 to
    17:00; ``extra``: any other of its fields."""
    return {
        "id": "gathering",
        "date": day.isoformat(),
        "start_time": "16:00",
        "end_time": "17:00",
        "kind": "follow_up",
        **extra,
    }


def register_course(
    sessions: list[dict[str, str]], completion_min_sessions: int = 2, **fields: Any
) -> dict[str, Any]:
    """A course the register tests mark: ten places at £200, Ann facilitating, completed by
    attending ``completion_min_sessions`` of ``sessions``; ``fields``: any other of its fields."""
    return {
        "title": "Compassionate Leadership Training",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 10,
        "facilitators": [{"name": "Ann Facilitator", "email": "ann@example.org"}],
        "completion_min_sessions": completion_min_sessions,
        "sessions": sessions,
        **fields,
    }


def programme_course(sessions: list[dict[str, Any]], **overrides: Any) -> CourseDefinition:
    """A course of the programme ``leading`` (five places at £1) of ``sessions``; ``overrides``:
    any other of its fields."""
    return CourseDefinition.model_validate(
        {
            "programme": "leading",
            "title": "Leading",
            "price": {"amount": 100},
            "capacity": 5,
            "sessions": sessions,
            **overrides,
        }
    )


def sibling_cohort(
    sample: dict[str, Any],
    first: date,
    weeks: int,
    joining_url: str | None,
    shared_follow_ups: int = 0,
) -> dict[str, Any]:
    """A course file of the programme of ``sample`` (the sample's file): ``weeks`` weekly core
    sessions from ``first``, its own ``joining_url`` (None: none), and the sample's first
    ``shared_follow_ups`` follow-ups listed as the sample lists them (by id), shared with it."""
    core = [{**session, "kind": "core"} for session in weekly_sessions(first, weeks)]
    follow_ups = [s for s in sample["sessions"] if s["kind"] == "follow_up"][:shared_follow_ups]
    return {
        **copy.deepcopy(sample),
        "joining_url": joining_url,
        "sessions": [*core, *copy.deepcopy(follow_ups)],
    }


def first_day(course_file: dict[str, Any]) -> date:
    """The date of the first session a course file lists."""
    return date.fromisoformat(course_file["sessions"][0]["date"])
