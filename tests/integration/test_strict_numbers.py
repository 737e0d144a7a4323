"""The organiser JSON API reads numbers as JSON writes them: a whole number where one is asked
for (never the string ``"2_00"``, never ``true``), and a percentage off from 0.01 to 100 with at
most two decimal places; each refusal is a 422 in words beside its field, and nothing is
written. The console's forms read what a person typed themselves, and still do.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.system import COURSE_ID, System

CODES = f"/courses/{COURSE_ID}/discount-codes"
DEFINITION: dict[str, Any] = {
    "title": "Autumn cohort",
    "price": {"amount": 20000, "currency": "gbp"},
    "capacity": 12,
    "sessions": [{"date": "2030-10-07", "start_time": "15:00", "end_time": "17:00"}],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": {"amount": "2_00", "currency": "gbp"}}, "price.amount"),
        ({"price": {"amount": "20000", "currency": "gbp"}}, "price.amount"),
        ({"price": {"amount": True, "currency": "gbp"}}, "price.amount"),
        ({"price": {"amount": 200.5, "currency": "gbp"}}, "price.amount"),
        ({"capacity": True}, "capacity"),
        ({"capacity": "12"}, "capacity"),
        ({"invoice_due_days": "3_0"}, "invoice_due_days"),
        ({"reminder_offsets_hours": [True]}, "reminder_offsets_hours.0"),
        ({"approval_required": 1}, "approval_required"),
    ],
)
def test_a_course_takes_json_numbers_only(
    system: System, change: dict[str, Any], field: str
) -> None:
    reply = system.admin("PUT", "/courses/autumn-2030", json_body={**DEFINITION, **change})
    assert reply.status == 422, reply.body
    fields = reply.json()["error"]["fields"]
    assert list(fields) == [field]
    assert fields[field].startswith("Enter ")
    assert system.api("GET", "/courses/autumn-2030").status == 404


def test_a_course_in_json_numbers_is_taken(system: System) -> None:
    reply = system.admin("PUT", "/courses/autumn-2030", json_body=DEFINITION)
    assert reply.status == 201, reply.body
    course = system.course("autumn-2030")
    assert (course["price"]["amount"], course["capacity"]) == (20000, 12)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_off": "2_00"}, "amount_off"),
        ({"amount_off": True}, "amount_off"),
        ({"amount_off": "500"}, "amount_off"),
        ({"percent_off": True}, "percent_off"),
        ({"percent_off": "10"}, "percent_off"),
        ({"percent_off": 1e-9}, "percent_off"),
        ({"percent_off": 0.001}, "percent_off"),
        ({"percent_off": 12.345}, "percent_off"),
        ({"percent_off": 10, "max_uses": True}, "max_uses"),
        ({"percent_off": 10, "max_uses": "2_00"}, "max_uses"),
    ],
)
def test_a_discount_code_takes_json_numbers_only(
    system: System, body: dict[str, Any], field: str
) -> None:
    reply = system.admin("POST", CODES, json_body={"code": "STRICT", **body})
    assert reply.status == 422, reply.body
    fields = reply.json()["error"]["fields"]
    assert list(fields) == [field]
    assert fields[field].startswith("Enter ")
    assert system.admin("GET", CODES).json() == []


@pytest.mark.parametrize("percent", [0.01, 12.5, 33.33, 100])
def test_a_percentage_of_hundredths_is_taken(system: System, percent: float) -> None:
    reply = system.admin("POST", CODES, json_body={"code": "STRICT", "percent_off": percent})
    assert reply.status == 201, reply.body
    [listed] = system.admin("GET", CODES).json()
    assert listed["percent_off"] == percent


def test_the_console_form_still_reads_typed_numbers(system: System) -> None:
    browser = signed_in(system)
    made = browser.act(
        f"/console{CODES}", code="TYPED", percent_off="12.5", max_uses="2", last_day=""
    )
    assert made.status == 303, made.body
    [listed] = system.admin("GET", CODES).json()
    assert (listed["percent_off"], listed["max_uses"]) == (12.5, 2)
