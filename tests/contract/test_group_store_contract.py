"""One suite, two group stores (places booked by a manager): the in-memory fake the use-case
tests run on, and the DynamoDB adapter on moto, held to the same promises."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.application import GroupPlaceRef
from booking.domain.errors import CourseFull, CourseRedated, StaleWrite
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import Colleague, GroupBooking, GroupPlace, GroupStatus, lapsed, paid
from booking.services.ports import GroupStore, Repository
from tests.support.group_bookings import group
from tests.support.repository_records import NOW, application, definition

if TYPE_CHECKING:
    pass


def a_group_saved(
    stores: tuple[Repository, GroupStore],
) -> tuple[Repository, GroupStore, GroupBooking]:
    """The stores, with a group of three places saved (held, unpaid) on a four-place course."""
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    return repository, groups, groups.save_group(group(), None)


def naming(prefix: str, places: tuple[GroupPlace, ...]) -> tuple[GroupPlace, ...]:
    """The places for other colleagues: ``<prefix><n>@example.org``."""
    return tuple(
        place.model_copy(
            update={"colleague": Colleague(name="Mary Seacole", email=f"{prefix}{n}@example.org")}
        )
        for n, place in enumerate(places, start=1)
    )


def seats(repository: Repository) -> int:
    course = repository.get_course("c1")
    assert course is not None
    return course.seats_taken


def test_a_group_claims_its_seats_with_its_save_and_gives_them_back(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups, saved = a_group_saved(stores)
    assert seats(repository) == 3
    with pytest.raises(CourseFull):
        groups.save_group(group(group_id="g2"), None)  # three more do not fit in one left
    assert groups.get_group("g2") is None
    with pytest.raises(StaleWrite):
        groups.save_group(saved, None)
    done = groups.save_group(paid(saved, "pi_1", NOW), saved)
    with pytest.raises(StaleWrite):
        groups.save_group(lapsed(saved, NOW, GroupEnding.CHECKOUT_EXPIRED), saved)  # an old version
    one_off = done.with_place(done.places[0].model_copy(update={"released": True}), NOW)
    groups.save_group(one_off, done)
    assert seats(repository) == 2
    assert groups.group_of_object("cs_1") == "g1"
    assert groups.group_of_object("pi_1") == "g1"
    assert groups.group_of_object("cs_other") is None


def test_unpaid_groups_are_due_when_their_hold_lapses_and_people_are_found(
    stores: tuple[Repository, GroupStore],
) -> None:
    _, groups, saved = a_group_saved(stores)
    lapses = saved.hold_expires_at
    assert lapses is not None
    assert groups.groups_due(lapses - timedelta(seconds=1)) == []
    assert [g.group_id for g in groups.groups_due(lapses)] == ["g1"]
    groups.save_group(paid(saved, "pi_1", NOW), saved)
    assert groups.groups_due(lapses + timedelta(days=1)) == []
    assert [g.group_id for g in groups.groups_of_person("P2@example.org")] == ["g1"]
    assert [g.status for g in groups.groups_of_person("florence@example.org")] == [GroupStatus.PAID]
    groups.forget_group_person("p2@example.org", "g1")
    assert groups.groups_of_person("p2@example.org") == []
    assert groups.place_holder("g1", 1) is None


def test_a_colleague_substituted_out_is_no_longer_found_by_the_group(
    stores: tuple[Repository, GroupStore],
) -> None:
    """The save that names someone else on a place forgets, by its digest, the person it no
    longer names, as it records the one it names now: export and erasure find only people the
    group holds."""
    _, groups, saved = a_group_saved(stores)
    [first, *others] = saved.places
    swapped = first.model_copy(
        update={"colleague": Colleague(name="Mary Seacole", email="new@example.org")}
    )
    replaced = saved.model_copy(update={"places": (swapped, *others)})
    assert "p1@example.org" in saved.people_named
    groups.save_group(replaced, saved)
    assert groups.groups_of_person("P1@example.org") == []
    assert [g.group_id for g in groups.groups_of_person("new@example.org")] == ["g1"]
    assert [g.group_id for g in groups.groups_of_person("p2@example.org")] == ["g1"]


def test_a_place_is_given_up_only_while_nobody_fills_it(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups, held = a_group_saved(stores)
    done = groups.save_group(paid(held, "pi_1", NOW), held)
    colleague = application(
        "a1",
        status=S.CONFIRMED,
        seat_held=True,
        group_place=GroupPlaceRef(group_id="g1", place=1, group_version=done.version),
    )
    repository.save(colleague, None)
    assert groups.place_holder("g1", 1) == "a1"
    assert seats(repository) == 3  # the colleague holds the group's place, not another seat
    given_up = done.with_place(done.places[0].model_copy(update={"released": True}), NOW)
    with pytest.raises(StaleWrite):
        groups.save_group(given_up, done)
    other = done.with_place(done.places[1].model_copy(update={"released": True}), NOW)
    groups.save_group(other, done)
    assert seats(repository) == 2


def test_a_course_finds_its_groups_whatever_became_of_them(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups = stores
    repository.put_course("c1", definition(capacity=9))
    repository.put_course("c2", definition(capacity=9))
    assert groups.groups_of_course("c1") == []
    first = groups.save_group(group(), None)
    later = group(
        group_id="g2",
        created_at=NOW + timedelta(minutes=1),
        checkout=None,
        places=naming("q", group().places),  # one person, one place: other colleagues
    )
    second = groups.save_group(later, None)
    groups.save_group(group(group_id="g3", course_id="c2", checkout=None), None)
    groups.save_group(lapsed(second, NOW, GroupEnding.CHECKOUT_EXPIRED), second)
    done = groups.save_group(paid(first, "pi_1", NOW), first)
    found = groups.groups_of_course("c1")
    assert [g.group_id for g in found] == ["g1", "g2"]  # the oldest first, a lapsed one too
    assert found[0] == done  # as last saved: its payment
    assert [g.status for g in found] == [GroupStatus.PAID, GroupStatus.LAPSED]
    assert [g.group_id for g in groups.groups_of_course("c2")] == ["g3"]


def test_a_new_groups_save_holds_only_while_its_course_is_at_the_version_it_was_dated_by(
    stores: tuple[Repository, GroupStore],
) -> None:
    """A course saved between a booking's read of it and the group's first save (its
    dates, and so the apply-by date, may have moved) refuses the save, nothing held."""
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    read = repository.get_course("c1")
    assert read is not None
    repository.put_course("c1", definition(capacity=4))  # saved again meanwhile
    with pytest.raises(CourseRedated):
        groups.save_group(group().model_copy(update={"dated_by": read.version}), None)
    assert groups.get_group("g1") is None
    assert seats(repository) == 0
    now = repository.get_course("c1")
    assert now is not None
    saved = groups.save_group(group().model_copy(update={"dated_by": now.version}), None)
    assert seats(repository) == 3
    # Later saves are not held to it: the course's own save re-dates the groups it finds.
    repository.put_course("c1", definition(capacity=4))
    groups.save_group(paid(saved, "pi_1", NOW), saved)
