"""The organiser API's JSON bodies take their own fields and no other: an
unknown field is refused by its name, never ignored, and nothing is done."""

from __future__ import annotations

from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def test_an_unknown_field_on_a_move_is_refused_by_name_and_nothing_moves(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]

    asked = cohorts.move(app_id, "move-autumn", refund=False)

    assert asked.status == 422, asked.body
    assert asked.json()["error"]["fields"] == {
        "refund": "not a field of this request "
        "(the fields it takes: to_course_id, wait, seen, course_seen)"
    }
    assert cohorts.record(app_id)["course_id"] == "move-spring"
    assert cohorts.refunded_at_stripe() == []


def test_an_unknown_field_on_an_action_is_refused_by_name_and_nothing_is_done(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]

    cancel = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refnd": True})
    resend = system.admin(
        "POST", f"/applications/{app_id}/resend-confirmation", json_body={"to": "x@example.org"}
    )

    assert cancel.status == 422, cancel.body
    assert cancel.json()["error"]["fields"] == {
        "refnd": "not a field of this request "
        "(the fields it takes: refund, seen, status_seen, paid_seen)"
    }
    assert resend.status == 422, resend.body
    assert resend.json()["error"]["fields"] == {
        "to": "not a field of this request (it takes no fields)"
    }
    assert cohorts.record(app_id)["status"] == "confirmed"
    assert cohorts.emails() == []
