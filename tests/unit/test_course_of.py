"""A use case that reads an application's course (``services.concurrency.course_of``): the
course it is on, or one 404 in the same words whichever use case asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import ApplicationStatus
from booking.domain.errors import NotFound
from booking.services.concurrency import course_of
from tests.fakes import fake_ports
from tests.support.applications import an_application
from tests.support.cohort_2025 import cohort_2025_course

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_the_course_an_application_is_on_or_one_404_when_it_was_deleted() -> None:
    ports = fake_ports()
    course = cohort_2025_course()
    on_it = an_application(ApplicationStatus.CONFIRMED, at=NOW, course_id=course.course_id)
    ports.repository.courses[course.course_id] = course  # type: ignore[attr-defined]
    assert course_of(ports, on_it) == course
    gone = on_it.model_copy(update={"course_id": "deleted"})
    with pytest.raises(NotFound, match="the course of this application no longer exists"):
        course_of(ports, gone)
