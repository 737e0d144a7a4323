"""The sample course the local stack starts with, from ``courses/*.json`` (contract format).

The file holds the 2027 cohort, in the pattern of the real 2025 one (``courses/past/``, which
is not loaded: it has run). So that ``make run`` always shows a course people can still apply
for, a cohort whose first session is in the past (or too close) is moved forward by whole
52-week steps: Mondays stay Mondays, Thursdays Thursdays, June stays (roughly) June, and the
course still crosses from BST into GMT.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from booking.domain.course import CourseDefinition

COURSES_DIR = Path(__file__).resolve().parents[2] / "courses"
STEP = timedelta(weeks=52)
LEAD_TIME = timedelta(days=30)


def load_definition(path: Path) -> CourseDefinition:
    return CourseDefinition.model_validate(json.loads(path.read_text(encoding="utf-8")))


def in_the_future(definition: CourseDefinition, today: date) -> CourseDefinition:
    first = min(session.date for session in definition.sessions)
    shift = timedelta(0)
    while first + shift < today + LEAD_TIME:
        shift += STEP
    if not shift:
        return definition
    sessions = [s.model_copy(update={"date": s.date + shift}) for s in definition.sessions]
    return definition.model_copy(update={"sessions": sessions})


def course_id_for(definition: CourseDefinition, stem: str) -> str:
    first = min(session.date for session in definition.sessions)
    return f"{definition.programme or stem}-{first:%Y-%m}"


def sample_courses(
    now: datetime, directory: Path = COURSES_DIR
) -> list[tuple[str, CourseDefinition]]:
    courses = []
    for path in sorted(directory.glob("*.json")):
        definition = in_the_future(load_definition(path), now.date())
        courses.append((course_id_for(definition, path.stem), definition))
    return courses
