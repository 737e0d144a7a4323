"""An Idempotency-Key retried through the API, over moto and the Stripe stand-in: addresses in
another case are the same request, and a retry after an erasure is told the booking exists and
was partly erased (still 409 ``idempotency_key_reused``), never that it changed its answers."""

from __future__ import annotations

from typing import Any

from tests.support.groups import COLLEAGUES, booking_body, places_left
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import COURSE_ID, System, application_body

GROUPS = f"/courses/{INVOICED}/group-bookings"
APPLICATIONS = f"/courses/{COURSE_ID}/applications"


def _partly_erased(reply: Any, made: str) -> None:
    error = reply.refused(409, "idempotency_key_reused")
    assert "other answers" not in error["message"]
    assert f"already made {made}, which exists" in error["message"]
    assert "partly erased" in error["message"]


def _booked(
    system: System, colleagues: list[dict[str, str]], key: str
) -> tuple[dict[str, Any], dict[str, str], Any]:
    """Florence books ``colleagues`` by invoice with ``key`` as the Idempotency-Key: the body,
    the headers and the API's answer, for the retry to send again."""
    body = booking_body(colleagues=colleagues, **BILLING)
    headers = {"idempotency-key": key}
    return body, headers, system.api("POST", GROUPS, json_body=body, headers=headers)


def test_a_group_booking_retried_after_a_colleagues_erasure_is_told_so(
    invoiced: System,
) -> None:
    system = invoiced
    body, headers, booked = _booked(system, COLLEAGUES[:2], "group-erased-later")
    assert booked.status == 201, booked.body
    left = places_left(system)
    assert system.admin("DELETE", f"/people/{COLLEAGUES[0]['email']}").status == 200

    again = system.api("POST", GROUPS, json_body=body, headers=headers)
    _partly_erased(again, "a group booking")
    assert places_left(system) == left
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1


def test_a_group_booking_retried_with_its_addresses_in_capitals_is_the_same_booking(
    invoiced: System,
) -> None:
    system = invoiced
    body, headers, booked = _booked(system, COLLEAGUES[:1], "group-shouted")
    shouted = body | {
        "manager_email": body["manager_email"].upper(),
        "colleagues": [{"name": COLLEAGUES[0]["name"], "email": "Mary@example.org"}],
    }
    again = system.api("POST", GROUPS, json_body=shouted, headers=headers)
    assert again.status == 201, again.body
    assert again.json()["group_id"] == booked.json()["group_id"]


def test_an_application_retried_after_its_applicants_erasure_is_told_so(
    system: System,
) -> None:
    headers = {"idempotency-key": "one-erased-later"}
    body = application_body(email="leaving@example.org")
    first = system.api("POST", APPLICATIONS, json_body=body, headers=headers)
    assert first.status == 201, first.body
    assert system.admin("DELETE", "/people/leaving@example.org").status == 200

    _partly_erased(
        system.api("POST", APPLICATIONS, json_body=body, headers=headers), "an application"
    )
    # With its address in capitals before any erasure: the same application.
    headers = {"idempotency-key": "one-shouted"}
    body = application_body(email="staying@example.org")
    first = system.api("POST", APPLICATIONS, json_body=body, headers=headers)
    again = system.api(
        "POST", APPLICATIONS, json_body=body | {"email": "Staying@example.org"}, headers=headers
    )
    assert again.status == 201, again.body
    assert again.json()["application_id"] == first.json()["application_id"]
    assert len(system.applications()) == 2
