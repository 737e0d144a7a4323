"""A save that gives a seat back to a course removed since (its item deleted by hand) is made
all the same, on the fake as on the table, and writes no stub of that course; one that takes a
seat there is still refused. Otherwise a booking on such a course could never be cancelled,
nor its person erased."""

from __future__ import annotations

import pytest

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.dynamodb.schema import course_key
from booking.domain import errors
from booking.domain.application import ApplicationStatus as S
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import lapsed
from booking.services.ports import GroupStore, Repository
from tests.contract.test_group_store_contract import a_group_saved
from tests.fakes import FakeRepository
from tests.support.repository_records import NOW, application, definition


def _course_removed(repo: Repository, course_id: str) -> None:
    if isinstance(repo, FakeRepository):
        del repo.courses[course_id]
    else:
        assert isinstance(repo, DynamoRepository)
        repo.table.client.delete_item(TableName=repo.table.name, Key=course_key(course_id))


def test_a_seat_given_back_to_a_removed_course_is_saved_without_it(repo: Repository) -> None:
    repo.put_course("c1", definition(2))
    holder = repo.save(application("a1", seat_held=True), None)
    _course_removed(repo, "c1")

    ended = repo.save(holder.moved_to(S.CANCELLED, NOW, seat_held=False), holder)

    assert ended.status is S.CANCELLED
    assert repo.get_course("c1") is None  # no stub written by the give-back
    with pytest.raises(errors.CourseFull):  # a seat taken there is refused as ever
        repo.save(application("a2", "bo@example.org", seat_held=True), None)
    assert repo.get_application("a2") is None


def test_a_groups_seats_given_back_to_a_removed_course_are_saved_without_it(
    stores: tuple[Repository, GroupStore],
) -> None:
    repo, groups, held = a_group_saved(stores)  # on course c1
    _course_removed(repo, "c1")

    ended = groups.save_group(lapsed(held, NOW, GroupEnding.CHECKOUT_EXPIRED), held)

    assert ended.seats_held == 0
    assert repo.get_course("c1") is None
