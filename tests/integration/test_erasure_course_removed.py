"""A person whose booking is on a course removed since (its item deleted from the table by
hand) is still erased, and their booking still cancelled: the seat such an act gives back has
no course to go back to, which refused every one of them in words that were not true ("this
course has no places left"), so the person's page offered an erasure that could never be made.
Through the real handlers and moto."""

from __future__ import annotations

from booking.adapters.dynamodb.schema import course_key
from tests.support.system import COURSE_ID, System


def _course_removed(system: System) -> None:
    system.dynamodb.delete_item(TableName=system.resources.table_name, Key=course_key(COURSE_ID))


def test_a_person_booked_on_a_removed_course_is_erased(system: System) -> None:
    system.booked(email="ada@example.org")
    unpaid = system.apply(email="bea@example.org")
    assert unpaid.status == 201, unpaid.body
    _course_removed(system)

    for email in ("ada", "bea"):
        erased = system.admin("DELETE", f"/people/{email}%40example.org")
        assert erased.status == 200, erased.body
        assert system.admin("GET", f"/people/{email}%40example.org").status == 404


def test_a_booking_on_a_removed_course_is_cancelled(system: System) -> None:
    booked = system.booked(email="ada@example.org")
    _course_removed(system)

    cancelled = system.admin(
        "POST", f"/applications/{booked['application_id']}/cancel", json_body={}
    )

    assert cancelled.status == 200, cancelled.body
    assert cancelled.json()["status"] in ("cancelled", "refunded")
