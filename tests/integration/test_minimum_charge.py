"""Stripe's minimum charge (£0.30, €0.50, $0.50): an amount between nothing and it never
reaches Stripe. A price below it is refused; so is a code or a bursary that would leave more
than nothing but less than it to pay, each a 422 in words beside its field, nothing written."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from tests.support.console import signed_in
from tests.support.system import COURSE_ID, System

CODES = f"/courses/{COURSE_ID}/discount-codes"
TOO_LITTLE = "This would leave £0.02 to pay, and a card payment must be at least £0.30"


def _definition(amount: int) -> dict[str, Any]:
    return {
        "title": "Low price",
        "price": {"amount": amount, "currency": "gbp"},
        "capacity": 5,
        "sessions": [{"date": "2030-10-07", "start_time": "15:00", "end_time": "17:00"}],
    }


def test_a_price_below_the_minimum_is_refused(system: System) -> None:
    reply = system.admin("PUT", "/courses/low-price", json_body=_definition(29))
    assert reply.status == 422, reply.body
    assert reply.json()["error"]["fields"] == {
        "price": "Enter at least £0.30, the least a card payment may be"
    }
    assert system.api("GET", "/courses/low-price").status == 404
    taken = system.admin("PUT", "/courses/low-price", json_body=_definition(30))
    assert taken.status == 201, taken.body


def test_a_code_that_would_leave_too_little_is_refused_when_made(system: System) -> None:
    price = system.course()["price"]["amount"]
    for body, field in (
        ({"amount_off": price - 2}, "amount_off"),
        ({"percent_off": 99.99}, "percent_off"),  # £200.00 less 99.99%: £0.02
    ):
        reply = system.admin("POST", CODES, json_body={"code": "ALMOST", **body})
        assert reply.status == 422, reply.body
        assert reply.json()["error"]["fields"] == {field: TOO_LITTLE}
    assert system.admin("GET", CODES).json() == []
    whole = system.admin("POST", CODES, json_body={"code": "FREE", "amount_off": price})
    assert whole.status == 201, whole.body  # nothing to pay: a booking without Stripe


def test_a_code_that_would_leave_too_little_after_a_price_change_is_refused(
    system: System,
) -> None:
    made = system.admin("POST", CODES, json_body={"code": "HUNDRED", "amount_off": 10000})
    assert made.status == 201, made.body
    changed = system.course_file()
    changed["price"]["amount"] = 10002
    assert system.admin("PUT", f"/courses/{COURSE_ID}", json_body=changed).status == 200
    before = len(system.applications())
    reply = system.apply(discount_code="HUNDRED")
    assert reply.status == 422, reply.body
    assert reply.json()["error"]["fields"] == {"discount_code": TOO_LITTLE}
    assert len(system.applications()) == before


def test_a_bursary_that_would_leave_too_little_is_refused(system: System) -> None:
    application = system.apply().json()
    price = system.course()["price"]["amount"]
    reply = system.grant_bursary(application, price - 2)
    assert reply.status == 422, reply.body
    assert reply.json()["error"]["fields"] == {"amount": TOO_LITTLE}
    kept = ports().repository.get_application(application["application_id"])
    assert kept is not None
    assert kept.bursary == 0
    assert system.grant_bursary(application, price - 30).status == 200
    assert system.grant_bursary(application, price).status == 200


def test_the_console_says_the_same_beside_a_bursary_and_a_price(system: System) -> None:
    application = system.apply().json()
    browser = signed_in(system)
    page = f"/console/applications/{application['application_id']}"
    reply = browser.press(page, f"{page}/bursary", amount="199.98")
    assert reply.status == 422, reply.status
    assert TOO_LITTLE in reply.body.replace("&#163;", "£")
    made = browser.post(
        "/console/courses",
        csrf_token=browser.csrf("/console/courses/new"),
        course_id="pennies",
        title="Pennies",
        price="0.29",
        currency="gbp",
        capacity="5",
    )
    assert made.status == 422, made.status
    assert "Enter at least £0.30, the least a card payment may be" in made.body
