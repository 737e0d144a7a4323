"""The real 2025 cohort as its course page gives it (``courses/past/``, kept as a past course).

Six Mondays 15:00-17:00 from 2 June (BST), then the follow-ups all graduates are invited to:
Thursday 18 September 16:00-17:00 and Wednesday 15 October 16:00-17:00 (BST), Tuesday
18 November 13:00-14:00 and Monday 8 December 16:00-17:00 (GMT). Tests that claim the real
dates read them from the file through here, so there is one copy of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from booking.domain.course import Course, CourseDefinition

COHORT_2025_FILE = (
    Path(__file__).resolve().parents[2] / "courses" / "past" / "compassionate-leadership-2025.json"
)
COHORT_2025_ID = "compassionate-leadership-2025-06"


def cohort_2025_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COHORT_2025_FILE.read_text(encoding="utf-8"))
    return data


def cohort_2025(**overrides: Any) -> CourseDefinition:
    return CourseDefinition.model_validate({**cohort_2025_data(), **overrides})


def a_later_2025_cohort(core_days: Sequence[str], **overrides: Any) -> CourseDefinition:
    """Another cohort of the same programme: its six core sessions on ``core_days`` (the same
    times), then the follow-ups every 2025 cohort shares."""
    sessions = cohort_2025_data()["sessions"]
    core = [{**session, "date": day} for session, day in zip(sessions[:6], core_days, strict=True)]
    return cohort_2025(sessions=core + sessions[6:], **overrides)


def cohort_2025_course(version: int = 1, **overrides: Any) -> Course:
    return Course(course_id=COHORT_2025_ID, definition=cohort_2025(**overrides), version=version)


COHORT_2025_DATES = tuple(session["date"] for session in cohort_2025_data()["sessions"])
