"""A discount code sent with a manager's group booking is refused in words on `discount_code`
(codes apply to one person's booking), never taken at the full price without a word;
left out, empty or null, the booking is made. Through the real handlers,
moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.support.groups import book, places_left
from tests.support.system import COURSE_ID, System


def test_a_code_on_a_group_booking_is_refused_and_nothing_is_booked(system: System) -> None:
    made = system.admin(
        "POST",
        f"/courses/{COURSE_ID}/discount-codes",
        json_body={"code": "FREE1", "percent_off": 100},
    )
    assert made.status == 201, made.body
    before = places_left(system, COURSE_ID)
    refused = book(system, course=COURSE_ID, discount_code="FREE1")
    assert refused.status == 422, refused.body
    fields = refused.json()["error"]["fields"]
    assert list(fields) == ["discount_code"]
    assert "discount codes apply to one person's booking" in fields["discount_code"]
    assert places_left(system, COURSE_ID) == before


@pytest.mark.parametrize("code", ["", None])
def test_no_code_books_the_group(system: System, code: str | None) -> None:
    reply = book(system, course=COURSE_ID, discount_code=code)
    assert reply.status == 201, reply.body
