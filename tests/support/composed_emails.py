"""Emails as the mailer composes them for the rendering tests: the real 2025 cohort with a
hostile decline message (``HOSTILE``) and a note for session 2, composed at a fixed ``NOW``."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.emails import EmailJob, OutgoingEmail
from booking.services import email_composing
from booking.services.ports import Ports
from tests.fakes import fake_ports
from tests.support.cohort_2025 import cohort_2025_course, cohort_2025_data

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def course_2025(version: int = 3) -> Course:
    """The real 2025 cohort, with a hostile decline message and a note for session 2."""
    sessions = cohort_2025_data()["sessions"]
    sessions[1] = {**sessions[1], "home_practice": "Notice one conversation where you listened."}
    return cohort_2025_course(version, decline_message="Sorry: " + HOSTILE, sessions=sessions)


def composed(
    job: EmailJob,
    app: Application,
    course: Course,
    to: list[str],
    base_url: str = "https://b",
    ports: Ports | None = None,
) -> OutgoingEmail:
    """The email as the mailer would send it, at the fixed NOW of these tests."""
    ports = dataclasses.replace(ports or fake_ports(), public_base_url=base_url)
    return email_composing.composed(ports, job, app, course, to, now=NOW).message
