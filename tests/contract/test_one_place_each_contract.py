"""One person, one place on a course, between a manager's group booking and applications: held
by the write (the enrolment item), not by a read before it. Each race is played as the use
case meets it: its read found nothing, and the other claim is made before its write. Both
stores, the fake and the DynamoDB adapter on moto, keep the same promises."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.adapters.dynamodb import DynamoRepository
from booking.adapters.dynamodb.schema import enrolment_key, group_key
from booking.domain.application import ERASED, ERASED_EMAIL, Application, GroupPlaceRef
from booking.domain.application import ApplicationStatus as S
from booking.domain.errors import AlreadyApplied, ColleagueEnrolled
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import Colleague, GroupBooking, lapsed, paid
from booking.domain.transfer_record import WaitingMove
from booking.services.ports import GroupStore, Repository
from tests.contract.test_group_store_contract import naming, seats
from tests.fakes import FakeRepository
from tests.fakes.groups import FakeGroupStore
from tests.support.group_bookings import group
from tests.support.repository_records import NOW, application, definition

Stores = tuple[Repository, GroupStore]


def _on_course(stores: Stores, capacity: int = 9) -> Stores:
    repository, _ = stores
    repository.put_course("c1", definition(capacity=capacity))
    repository.put_course("c2", definition(capacity=capacity))
    return stores


def _own(app_id: str, email: str, course_id: str = "c1") -> Application:
    """An applicant's own application (no group place)."""
    return application(app_id, email=email, course_id=course_id)


def _through_link(app_id: str, email: str, held: GroupBooking, place: int) -> Application:
    """A colleague's application through the link of ``held``'s place ``place``."""
    ref = GroupPlaceRef(group_id=held.group_id, place=place, group_version=held.version)
    return application(app_id, email=email, status=S.CONFIRMED, seat_held=True, group_place=ref)


def _paid(groups: GroupStore) -> GroupBooking:
    """A group booking (:func:`group`) saved, then paid (``pi_1``)."""
    held = groups.save_group(group(), None)
    return groups.save_group(paid(held, "pi_1", NOW), held)


def _named_instead(booking: GroupBooking, place: int, email: str) -> GroupBooking:
    """``booking`` with Edith Cavell (``email``) named on its place ``place`` instead."""
    colleague = Colleague(name="Edith Cavell", email=email)
    swapped = booking.places[place - 1].model_copy(update={"colleague": colleague})
    return booking.with_place(swapped, NOW)


def test_an_own_application_is_refused_once_a_group_naming_them_is_saved(stores: Stores) -> None:
    """The applicant's read found no group; the manager's save came first."""
    repository, groups = _on_course(stores)
    groups.save_group(group(), None)  # names p1, p2, p3 on c1
    with pytest.raises(AlreadyApplied):
        repository.save(_own("a1", "P2@example.org"), None)
    assert repository.get_application("a1") is None
    assert repository.enrolled_application_id("c1", "p2@example.org") is None  # the group's
    repository.save(_own("a2", "p2@example.org", course_id="c2"), None)
    repository.save(_own("a3", "ada@example.org"), None)


def test_a_group_naming_someone_who_applied_meanwhile_is_refused_whole(stores: Stores) -> None:
    """The manager's read found no application; the applicant's save came first."""
    repository, groups = _on_course(stores)
    repository.save(_own("a1", "p2@example.org"), None)
    with pytest.raises(ColleagueEnrolled) as refused:
        groups.save_group(group(), None)
    assert refused.value.places == (2,)
    assert groups.get_group("g1") is None
    assert seats(repository) == 0  # the group's three seats never taken
    # Nothing of the refused save stays: its other colleagues are free.
    repository.save(_own("a3", "p1@example.org"), None)


def test_two_groups_naming_one_person_the_second_is_refused(stores: Stores) -> None:
    _, groups = _on_course(stores)
    groups.save_group(group(), None)
    second = group(group_id="g2", places=naming("q", group().places)[:2] + group().places[2:])
    with pytest.raises(ColleagueEnrolled) as refused:
        groups.save_group(second, None)  # its place 3 names p3, whom g1 holds
    assert refused.value.places == (3,)


def test_the_colleague_takes_their_places_claim_over_through_their_link(stores: Stores) -> None:
    repository, groups = _on_course(stores)
    done = _paid(groups)
    with pytest.raises(AlreadyApplied):  # another place's link is not theirs to take over
        repository.save(_through_link("a0", "p2@example.org", done, 1), None)
    repository.save(_through_link("a1", "p2@example.org", done, 2), None)
    assert repository.enrolled_application_id("c1", "p2@example.org") == "a1"
    assert seats(repository) == 3  # still the group's seats


def test_the_claim_goes_back_with_the_place_and_with_the_booking(stores: Stores) -> None:
    repository, groups = _on_course(stores)
    done = _paid(groups)
    # Place 1's colleague substituted: p1 free, z1 held.
    subbed = groups.save_group(_named_instead(done, 1, "z1@example.org"), done)
    repository.save(_own("a1", "p1@example.org"), None)
    with pytest.raises(AlreadyApplied):
        repository.save(_own("a2", "z1@example.org"), None)
    # Place 2 given up: p2 free.
    given_up = subbed.with_place(subbed.places[1].model_copy(update={"released": True}), NOW)
    kept = groups.save_group(given_up, subbed)
    repository.save(_own("a3", "p2@example.org"), None)
    # The booking lapses: everyone it held is free.
    groups.save_group(lapsed(kept, NOW, GroupEnding.NOT_PAID_BY_DEADLINE), kept)
    repository.save(_own("a4", "z1@example.org"), None)
    repository.save(_own("a5", "p3@example.org"), None)


def test_a_claim_taken_over_stays_the_applications_until_it_ends(stores: Stores) -> None:
    repository, groups = _on_course(stores)
    done = _paid(groups)
    filled = repository.save(_through_link("a1", "p2@example.org", done, 2), None)
    # The manager names someone else on place 2: the group's save does not take the place
    # from the application, whose withdrawal (after) gives it back.
    groups.save_group(_named_instead(done, 2, "z2@example.org"), done)
    assert repository.enrolled_application_id("c1", "p2@example.org") == "a1"
    repository.save(filled.moved_to(S.CANCELLED, NOW, seat_held=False), filled)
    repository.save(_own("a2", "p2@example.org"), None)


def test_a_booking_saved_before_claims_takes_the_free_ones_at_its_next_save(
    stores: Stores,
) -> None:
    held = _saved_before_claims(stores)
    repository, groups = stores
    assert not held.enrolments_claimed
    repository.save(_own("a1", "p2@example.org"), None)
    done = groups.save_group(paid(held, "pi_1", NOW), held)  # never refused for p2
    assert done.enrolments_claimed
    assert repository.enrolled_application_id("c1", "p2@example.org") == "a1"
    with pytest.raises(AlreadyApplied):
        repository.save(_own("a2", "p1@example.org"), None)
    # Its claims go back as any group's do; the one it never took stays the applicant's.
    groups.save_group(lapsed(done, NOW, GroupEnding.NOT_PAID_BY_DEADLINE), done)
    assert repository.enrolled_application_id("c1", "p2@example.org") == "a1"
    repository.save(_own("a3", "p1@example.org"), None)


def test_a_booking_saved_before_claims_names_no_one_anew_who_holds_a_place(
    stores: Stores,
) -> None:
    """Lenient only with whom it named before: a substitute is claimed as by any booking."""
    held = _saved_before_claims(stores)
    repository, groups = stores
    repository.save(_own("a1", "z1@example.org"), None)
    with pytest.raises(ColleagueEnrolled) as refused:
        groups.save_group(_named_instead(held, 1, "z1@example.org"), held)
    assert refused.value.places == (1,)


def test_an_erased_colleagues_claim_goes_back(stores: Stores) -> None:
    repository, groups = _on_course(stores)
    held = groups.save_group(group(), None)
    blank = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    forgotten = held.with_place(held.places[0].model_copy(update={"colleague": blank}), NOW)
    groups.save_group(forgotten, held)
    repository.save(_own("a1", "p1@example.org"), None)


def test_an_erased_booking_gives_its_claims_back_and_never_claims_by_the_placeholder(
    stores: Stores,
) -> None:
    """R10-10: erasure blanks the address to the placeholder every erased record carries, so
    the enrolment is given back by the save that erases (keyed by the address it had), its
    move's claim too, and an erased booking's later saves claim and give back nothing: an
    application under the placeholder (made before the forms refused it) cannot block them."""
    repository, _ = _on_course(stores)
    move = WaitingMove(to_course_id="c2", asked_at=NOW, ends_at=NOW + timedelta(days=30))
    booked = repository.save(
        application("a1", status=S.CONFIRMED, seat_held=True, waiting_move=move), None
    )
    other = repository.save(application("a2", email="bo@example.org", status=S.CONFIRMED), None)
    erased = repository.save(booked.erased(NOW), booked)
    for course_id in ("c1", "c2"):
        assert repository.enrolled_application_id(course_id, "ada@example.org") is None
    repository.save(_own("a3", "ada@example.org", course_id="c2"), None)
    squatter = repository.save(_own("a4", ERASED_EMAIL), None)
    assert squatter.answers.email == ERASED_EMAIL
    other = repository.save(other.erased(NOW), other)
    for gone in (erased, other):  # the organisers' cancel of each erased booking is saved
        ended = repository.save(gone.moved_to(S.CANCELLED, NOW, seat_held=False), gone)
        assert ended.status is S.CANCELLED
    assert repository.enrolled_application_id("c1", ERASED_EMAIL) == "a4"


def _saved_before_claims(stores: Stores) -> GroupBooking:
    """A group booking (:func:`group`) on the course (:func:`_on_course`) as stored by the
    code before groups claimed enrolments: its seats held, no claim made, and the flag absent
    from its stored document."""
    repository, groups = _on_course(stores)
    new = group()
    saved = groups.save_group(new, None)
    old = saved.model_copy(update={"enrolments_claimed": False})
    if isinstance(repository, FakeRepository):
        assert isinstance(groups, FakeGroupStore)
        repository.group_enrolments.clear()
        groups.groups[old.group_id] = old
        return old
    assert isinstance(repository, DynamoRepository)
    table = repository.table
    for place in old.places:
        table.client.delete_item(
            TableName=table.name, Key=enrolment_key(old.course_id, place.colleague.email)
        )
    doc = old.model_dump_json(exclude={"enrolments_claimed"})
    table.client.update_item(
        TableName=table.name,
        Key=group_key(old.group_id),
        UpdateExpression="SET doc = :d",
        ExpressionAttributeValues={":d": {"S": doc}},
    )
    found = groups.get_group(old.group_id)
    assert found == old
    return found
