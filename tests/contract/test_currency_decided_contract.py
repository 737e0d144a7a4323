"""A cohort's currency check and its save are one decision, whichever comes first, on the fake and
on the table alike: a save that newly prices something in the cohort
between a currency change's check and its write makes that write fail (``StaleWrite``: check
again), and a currency change between a save's read of the price and its write refuses the
save whole (``PriceChanged``), nothing of it kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from booking.domain import errors
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import DiscountCode
from booking.domain.course import Money
from booking.domain.group_place import GroupStatus
from booking.services.ports import GroupStore, Repository
from tests.support.discount_codes import a_discount_code
from tests.support.group_bookings import group
from tests.support.repository_records import NOW, application, definition

if TYPE_CHECKING:
    pass

GBP = Money(amount=20000, currency="gbp")


def _fifty_off() -> DiscountCode:
    return a_discount_code(course_id="c1", code="FIFTY", percent_off=None, amount_off=5000)


def _in_dollars() -> object:
    return definition(capacity=4, price={"amount": 25000, "currency": "usd"})


@pytest.mark.parametrize(
    "changes",
    [
        {"seat_held": True},  # paying: a seat taken with it
        {"status": S.PENDING_REVIEW},  # under review: no seat, priced all the same
    ],
    ids=["with_a_seat", "under_review"],
)
def test_a_save_priced_after_the_check_makes_the_currency_change_check_again(
    repo: Repository, changes: dict[str, object]
) -> None:
    repo.put_course("c1", definition())
    checked = repo.get_course("c1")  # the currency check reads it: nothing priced yet
    assert checked is not None
    priced = application("a1", price=GBP).model_copy(update=changes)  # in GBP meanwhile
    repo.save(priced, None)
    with pytest.raises(errors.StaleWrite):
        repo.put_course("c1", _in_dollars(), checked=checked)  # type: ignore[arg-type]
    course = repo.get_course("c1")
    assert course is not None
    assert course.definition.price.currency == "gbp"
    # Checked again from what is there now, the change is written (the rule that refuses it
    # is the service's, not the store's).
    assert repo.put_course("c1", _in_dollars(), checked=course).priced == 1  # type: ignore[arg-type]


def test_a_save_priced_before_the_currency_change_is_refused_whole(repo: Repository) -> None:
    repo.put_course("c1", definition())
    read = repo.get_course("c1")  # a submission reads the GBP price
    assert read is not None
    changed = repo.put_course("c1", _in_dollars(), checked=read)  # type: ignore[arg-type]
    assert changed.definition.price.currency == "usd"
    for changes in ({"seat_held": True}, {"status": S.PENDING_REVIEW}):
        with pytest.raises(errors.PriceChanged):
            repo.save(application("a1", price=GBP, **changes), None)
        assert repo.get_application("a1") is None  # nothing half-written
        assert repo.enrolled_application_id("c1", "ada@example.org") is None
        course = repo.get_course("c1")
        assert course is not None
        assert (course.seats_taken, course.priced) == (0, 0)
    # Priced as the cohort is now, it is saved.
    usd = Money(amount=25000, currency="usd")
    repo.save(application("a1", price=usd, seat_held=True), None)
    course = repo.get_course("c1")
    assert course is not None
    assert (course.seats_taken, course.priced) == (1, 1)


def test_a_save_of_what_is_counted_already_leaves_the_check_alone(repo: Repository) -> None:
    """A payment, an invoice or a bursary on a standing booking changes nothing the check
    counts: a change checked before it is written (and it does not touch the course)."""
    repo.put_course("c1", definition())
    first = repo.save(application("a1", price=GBP, status=S.PENDING_REVIEW), None)
    checked = repo.get_course("c1")
    assert checked is not None
    assert checked.priced == 1
    repo.save(first.moved_to(S.AWAITING_PAYMENT, NOW, seat_held=True), first)
    course = repo.get_course("c1")
    assert course is not None
    assert course.priced == 1
    # The seat taken moved the course's counters, not what the currency check reads.
    repo.put_course("c1", _in_dollars(), checked=checked)  # type: ignore[arg-type]


def test_a_group_booking_and_a_code_priced_after_the_check_make_it_check_again(
    stores: tuple[Repository, GroupStore],
) -> None:
    """A manager's group booking (its GBP checkout open) and a code taking £50 off, each saved
    between a currency change's check and its write: the write fails (``StaleWrite``)."""
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    for price_it in (
        lambda: groups.save_group(group(), None),
        lambda: repository.put_discount_code(_fifty_off()),
    ):
        checked = repository.get_course("c1")
        assert checked is not None
        price_it()
        with pytest.raises(errors.StaleWrite):
            repository.put_course("c1", _in_dollars(), checked=checked)  # type: ignore[arg-type]
    course = repository.get_course("c1")
    assert course is not None
    assert (course.definition.price.currency, course.priced, course.priced_codes) == ("gbp", 1, 1)


def test_a_group_booking_and_a_code_priced_before_the_change_are_refused_whole(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    read = repository.get_course("c1")
    repository.put_course("c1", _in_dollars(), checked=read)  # type: ignore[arg-type]
    with pytest.raises(errors.PriceChanged):
        groups.save_group(group(), None)  # priced in GBP when the course was read
    assert groups.get_group("g1") is None
    with pytest.raises(errors.PriceChanged):
        repository.put_discount_code(_fifty_off())
    assert repository.discount_codes("c1") == []
    course = repository.get_course("c1")
    assert course is not None
    assert (course.seats_taken, course.priced, course.priced_codes) == (0, 0, 0)
    # A code taking a share off is in no currency: made whatever the cohort's.
    repository.put_discount_code(a_discount_code(course_id="c1"))
    assert [c.code for c in repository.discount_codes("c1")] == ["HALF"]


@pytest.mark.parametrize(
    "ending",
    [
        {"status": S.DECLINED},  # ended before paying: its price no longer stands
        {"status": S.REFUNDED, "amount_paid": 20000, "amount_refunded": 20000},
    ],
    ids=["ended_unpaid", "refunded_whole"],
)
def test_the_count_is_live_a_save_that_stops_pricing_lowers_it(
    repo: Repository, ending: dict[str, object]
) -> None:
    """``Course.priced`` counts what is priced in the cohort now, raised and
    lowered in the saves' own transactions, so a currency change decides on it alone (0),
    never on the roster's index, which may not list a save yet."""
    repo.put_course("c1", definition())
    first = repo.save(application("a1", price=GBP, status=S.PENDING_REVIEW), None)
    second = repo.save(
        application("a2", "grace@example.org", price=GBP, status=S.PENDING_REVIEW), None
    )
    course = repo.get_course("c1")
    assert course is not None
    assert course.priced == 2
    repo.save(first.model_copy(update={**ending, "updated_at": NOW}), first)
    course = repo.get_course("c1")
    assert course is not None
    assert course.priced == 1
    repo.save(second.model_copy(update={**ending, "updated_at": NOW}), second)
    course = repo.get_course("c1")
    assert course is not None
    assert course.priced == 0
    changed = repo.put_course("c1", _in_dollars(), checked=course)  # type: ignore[arg-type]
    assert changed.definition.price.currency == "usd"


def test_a_group_booking_lapsed_unpaid_lowers_the_count(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    saved = groups.save_group(group(), None)  # its GBP checkout open
    course = repository.get_course("c1")
    assert course is not None
    assert course.priced == 1
    lapsed = saved.model_copy(update={"status": GroupStatus.LAPSED, "checkout": None})
    groups.save_group(lapsed, saved)
    course = repository.get_course("c1")
    assert course is not None
    assert course.priced == 0
