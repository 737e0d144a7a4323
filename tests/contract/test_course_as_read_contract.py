"""A save made from the course's dates (``Repository.save(..., course_at=version)``: the sweep's
"applications have closed" mark) holds only while the course is still at the
version it was decided from, on the fake as on the table: a save of the course meanwhile makes
it lose with nothing written, and the same save from the course as it is now holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain import errors
from booking.services.ports import Repository
from tests.support.repository_records import NOW, application, definition, job


def test_a_save_decided_from_the_course_holds_only_while_the_course_is_as_read(
    repo: Repository,
) -> None:
    read = repo.put_course("c1", definition())
    first = repo.save(application("a1"), None)
    marked = first.model_copy(update={"status_reason": "told"}).with_emails(job("a1"))
    saved_since = repo.put_course("c1", definition(title="Course, renamed"))
    assert saved_since.version != read.version
    with pytest.raises(errors.StaleWrite):
        repo.save(marked, first, course_at=read.version)
    assert repo.get_application("a1") == first  # nothing written, no email queued
    assert repo.pending_emails(NOW + timedelta(days=1)) == []
    stored = repo.save(marked, first, course_at=saved_since.version)
    assert stored.status_reason == "told"
