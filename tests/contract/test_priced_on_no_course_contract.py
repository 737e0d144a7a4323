"""A save that only prices something in a cohort (no seat, no waiting place: an application
under review, an amount-off code) is refused when that cohort does not exist, on the fake as
on the table: the table's count of what is priced in a cohort lives on the
course's item, and its condition refuses an update of an item that is not there, so nothing is
priced in, or counted on, a course nobody defined."""

from __future__ import annotations

import pytest

from booking.domain import errors
from booking.domain.application import ApplicationStatus as S
from booking.domain.course import Money
from booking.services.ports import Repository
from tests.support.discount_codes import a_discount_code
from tests.support.repository_records import application, definition

GBP = Money(amount=20000, currency="gbp")


def test_an_application_priced_on_a_course_that_does_not_exist_is_refused(
    repo: Repository,
) -> None:
    repo.put_course("c1", definition())
    under_review = application("a1", course_id="gone", price=GBP, status=S.PENDING_REVIEW)
    with pytest.raises(errors.PriceChanged):
        repo.save(under_review, None)
    assert repo.get_application("a1") is None
    assert repo.get_course("gone") is None
    # The same save on the course that exists is priced there, and counted.
    repo.save(under_review.model_copy(update={"course_id": "c1"}), None)
    course = repo.get_course("c1")
    assert course is not None
    assert course.priced == 1


def test_an_amount_off_code_on_a_course_that_does_not_exist_is_refused(
    repo: Repository,
) -> None:
    code = a_discount_code(course_id="gone", code="FIFTY", percent_off=None, amount_off=5000)
    with pytest.raises(errors.PriceChanged):
        repo.put_discount_code(code)
    assert repo.get_discount_code("gone", "FIFTY") is None
    assert repo.get_course("gone") is None
