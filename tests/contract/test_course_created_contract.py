"""A course written as created (``Repository.put_course(..., creating=True)``: the console's
*Add a course*) is written only while no course has its id, on the fake as on
the table: a course saved under the id first makes it lose with nothing written."""

from __future__ import annotations

import pytest

from booking.domain import errors
from booking.services.ports import Repository
from tests.support.repository_records import definition


def test_a_course_is_created_only_while_its_id_is_free(repo: Repository) -> None:
    created = repo.put_course("c1", definition(), creating=True)
    assert created.version == 1
    with pytest.raises(errors.StaleWrite):
        repo.put_course("c1", definition(title="Another course"), creating=True)
    assert repo.get_course("c1") == created  # nothing written
    replaced = repo.put_course("c1", definition(title="Another course"))
    assert replaced.definition.title == "Another course"
