"""The list of courses taking applications, and what each course's page says about it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import quote

from booking.domain.closing_words import applications_closed_said
from booking.domain.course import Course, SessionKind
from booking.domain.joining_words import online_said
from booking.domain.offer_ends import no_more_offers
from booking.domain.wording import cohort_name, course_name, moment_when, session_when
from booking.handlers.pages.templates import environment, sessions


def _paragraphs(text: str | None) -> list[str]:
    """Plain text as the organiser typed it: a blank line starts a new paragraph (each is
    escaped by the template; single line breaks are kept by CSS)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def closing_facts(course: Course, now: datetime) -> dict[str, Any]:
    """When applications close, and whether they close too soon for a place to be offered from
    the waiting list (then a full course says so, never a bare "All places are taken" beside
    seats nobody can be offered)."""
    return {
        "no_more_offers": no_more_offers(course, now),
        "closes_at": moment_when(course.applications_close_at(), course.definition.timezone),
        # Shown only while closed: why, and since when.
        "closed_said": applications_closed_said(course, organisers=False),
    }


def course_facts(course: Course) -> dict[str, Any]:
    """What the course page shows about a course, from its definition: one place for the form
    and the list of courses."""
    definition = course.definition
    core = [s for s in course.schedule if s.kind is SessionKind.CORE]
    return {
        "title": definition.title,
        # The cohort as every message names it: its title and first day.
        "name": cohort_name(course),
        "organisation": definition.organisation or "",
        "overview": _paragraphs(definition.overview),
        "audience": _paragraphs(definition.audience),
        "location": definition.location or ("Online" if definition.joining_url else ""),
        "online_said": online_said(bool(definition.joining_url)),
        "price": definition.price.display(),
        "core_sessions": sessions(course, SessionKind.CORE),
        "follow_ups": sessions(course, SessionKind.FOLLOW_UP),
        "first": session_when(core[0], definition.timezone) if core else "",
        # Names and bios only: a facilitator's address receives every applicant's answers.
        "facilitators": [
            {"name": name, "bio": bio or ""} for name, bio in definition.public_facilitators()
        ],
        "enquiries_email": str(definition.enquiries_email or ""),
    }


def courses_page(courses: list[Course], now: datetime, base_url: str) -> str:
    """The courses people can still apply for (open, or full with a waiting list)."""
    listed = [
        {
            **course_facts(course),
            "course_id": course.course_id,
            "name": course_name(
                course.definition.title, course.first_start(), course.definition.timezone
            ),
            "status": course.status(now).value,
            "places_left": course.places_for_newcomer(now),
            **closing_facts(course, now),
            "apply_url": f"{base_url}/courses/{quote(course.course_id)}/apply",
        }
        for course in courses
        if course.accepts_applications(now)
    ]
    # Cohorts are told apart by their first day; two with the same title and first day (one
    # definition loaded twice) are told apart by their course id rather than look the same.
    names = Counter(course["name"] for course in listed)
    for course in listed:
        course["twin"] = names[course["name"]] > 1
    # The header names the centre when every course listed is run by the same one; with none
    # open, when every course held is (it read "Course booking").
    organisations = {course["organisation"] for course in listed} or {
        course.definition.organisation or "" for course in courses
    }
    organisation = organisations.pop() if len(organisations) == 1 else ""
    return (
        environment()
        .get_template("pages/courses.html")
        .render(courses=listed, organisation=organisation)
    )
