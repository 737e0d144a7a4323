"""The organiser API: authentication, courses, the roster (JSON and CSV), export and erasure."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from booking.domain.wording import FIELD_NAMES
from tests.support.system import COURSE_ID, System

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example","Zoë")',
    "organisation": "+SUM(A1:A2)",
    "leadership_role": 'Line one\nLine two, with "quotes", commas',
    "motivation": "@cmd -1 <b>bold</b> é ü 漢字",
    "accessibility_needs": "-wheelchair access",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/courses/new-course"),
        ("GET", f"/courses/{COURSE_ID}/applications"),
        ("POST", "/applications/x/approve"),
        ("POST", "/applications/x/decline"),
        ("POST", "/applications/x/cancel"),
        ("GET", "/people/a@example.org"),
        ("DELETE", "/people/a@example.org"),
        ("GET", "/no-such-route"),
    ],
)
@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_every_organiser_route_refuses_missing_and_wrong_tokens(
    system: System, method: str, path: str, token: str | None
) -> None:
    reply = system.admin(method, path, token=token)
    reply.refused(401, "unauthorized")
    assert reply.headers["www-authenticate"] == "Bearer"


def test_jwt_claims_without_the_admin_scope_are_forbidden(system: System) -> None:
    from booking.handlers import admin
    from infra.local.server import http_api_event, lambda_context

    # The function itself, without the local stack's stand-in for the authorizer in front:
    # the claims API Gateway passes on decide.
    event = http_api_event("GET", f"/admin/courses/{COURSE_ID}/applications", {}, b"", "1.2.3.4")
    event["requestContext"]["authorizer"] = {"jwt": {"claims": {"scope": "openid email"}}}
    assert admin.handler(event, lambda_context("admin"))["statusCode"] == 403
    event["requestContext"]["authorizer"] = {"jwt": {"claims": {"scope": "booking/admin"}}}
    assert admin.handler(event, lambda_context("admin"))["statusCode"] == 200
    del event["requestContext"]["authorizer"]
    assert admin.handler(event, lambda_context("admin"))["statusCode"] == 401


def test_put_course_creates_then_replaces_and_validates(system: System) -> None:
    definition: dict[str, Any] = {
        "title": "Autumn cohort",
        "price": {"amount": 20000, "currency": "gbp"},
        "capacity": 12,
        "sessions": [
            {
                "date": "2030-10-07",
                "start_time": "15:00",
                "end_time": "17:00",
                "home_practice": "Breathe.",
            }
        ],
    }
    created = system.admin("PUT", "/courses/autumn-2030", json_body=definition)
    assert created.status == 201, created.body
    assert created.json()["sessions"][0]["start"] == "2030-10-07T15:00:00+01:00"
    replaced = system.admin("PUT", "/courses/autumn-2030", json_body={**definition, "capacity": 15})
    assert replaced.status == 200
    assert system.course("autumn-2030")["capacity"] == 15

    bad = system.admin(
        "PUT",
        "/courses/autumn-2030",
        json_body={**definition, "capacity": 0, "timezone": "Nowhere/Town"},
    )
    assert bad.status == 422
    assert set(bad.json()["error"]["fields"]) >= {"capacity", "timezone"}
    bad_id = system.admin("PUT", "/courses/Not_An_Id", json_body=definition)
    assert bad_id.status == 422


def test_capacity_cannot_drop_below_places_taken(system: System) -> None:
    for n in range(3):
        system.apply(email=f"p{n}@example.org")
    definition = system.admin("GET", f"/courses/{COURSE_ID}/applications")
    assert definition.status == 200
    shrink = system.one_session_file(title="x", capacity=2)
    reply = system.admin("PUT", f"/courses/{COURSE_ID}", json_body=shrink)
    reply.refused(409, "capacity_below_taken")


def test_roster_csv_round_trips_exact_answers_and_neutralises_formulas(system: System) -> None:
    application = system.apply(**HOSTILE).json()
    system.pay(application["checkout_url"])
    rows = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    [row] = rows
    assert row["status"] == "confirmed"
    for field, value in HOSTILE.items():
        assert row[field] == value  # JSON: exact answers

    reply = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=csv")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.body.startswith("\ufeff")
    [parsed] = list(csv.DictReader(io.StringIO(reply.body.removeprefix("\ufeff"))))
    for field, value in HOSTILE.items():
        expected = "'" + value if value[0] in "=+-@" else value
        assert parsed[FIELD_NAMES[field]] == expected
    assert parsed["Leadership role"] == HOSTILE["leadership_role"]
    # In people's words: the reference, pounds and pence, a status word, UK time to the minute.
    assert parsed["Reference"] == application["reference"]
    # Paid: nothing is left to pay (the price has its own column).
    assert (parsed["Paid"], parsed["Price"], parsed["Left to pay"]) == (
        "£200.00",
        "£200.00",
        "£0.00",
    )
    assert "To pay" not in parsed
    assert parsed["Status"] == "Confirmed"
    assert parsed["Paid by"] == "Card"
    assert re.fullmatch(r"\w+day \d{1,2} \w+ \d{4} at \d\d:\d\d (GMT|BST)", parsed["Applied"])
    # The JSON roster is the machine-readable export: codes, pence, ISO instants.
    assert (row["amount_paid"], row["status"]) == (20000, "confirmed")
    assert row["created_at"].endswith("Z")


def test_export_and_erase_one_person(system: System) -> None:
    first = system.apply(email="Erase.Me@example.org", name="Edith Cavell").json()
    system.pay(first["checkout_url"])
    system.apply(email="keep@example.org", name="Kept Person")

    exported = system.admin("GET", "/people/erase.me@example.org")
    assert exported.status == 200
    [record] = exported.json()["applications"]
    assert record["answers"]["name"] == "Edith Cavell"

    erased = system.admin("DELETE", "/people/erase.me@example.org")
    assert erased.status == 200
    assert erased.json()["erased_applications"] == [first["application_id"]]
    everything = json.dumps(system.items()).lower()
    assert "erase.me@example.org" not in everything
    assert "edith" not in everything
    assert "keep@example.org" in everything
    # The anonymised financial record stays.
    rows = {
        r["application_id"]: r
        for r in system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    }
    assert rows[first["application_id"]]["amount_paid"] == 20000
    assert rows[first["application_id"]]["status"] == "confirmed"
    assert system.admin("GET", "/people/erase.me@example.org").status == 404


def test_resend_confirmation_only_for_confirmed(system: System) -> None:
    application = system.apply().json()
    path = f"/applications/{application['application_id']}/resend-confirmation"
    assert system.admin("POST", path).status == 409
    system.pay(application["checkout_url"])
    assert system.admin("POST", path).status == 200


def test_unknown_application_is_404_for_organisers(system: System) -> None:
    assert system.admin("POST", "/applications/nope/approve").status == 404
    assert system.admin("GET", "/courses/nope/applications").status == 404
    assert system.admin("GET", "/people/nobody@example.org").status == 404


def test_organiser_input_mistakes_are_named(system: System) -> None:
    unknown = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=xml")
    assert unknown.status == 422
    assert unknown.json()["error"]["fields"] == {"format": "use json or csv"}
    application = system.apply().json()
    bad = system.admin(
        "POST", f"/applications/{application['application_id']}/cancel", json_body={"refund": "yes"}
    )
    assert bad.status == 422
    assert "refund" in bad.json()["error"]["fields"]


def test_every_answer_here_was_held_to_the_openapi_document(system: System) -> None:
    """The harness checks each answer; this proves it saw the organiser API's answers too."""
    body = system.apply().json()
    system.admin("GET", f"/courses/{COURSE_ID}/applications")
    system.admin("POST", f"/applications/{body['application_id']}/approve")
    system.admin("GET", "/people/ada%40example.org")
    system.admin("GET", "/people/ada%40example.org", token="wrong")
    assert {
        ("POST /courses/{course_id}/applications", 201),
        ("GET /admin/courses/{course_id}/applications", 200),
        ("GET /admin/people/{email}", 200),
        ("GET /admin/people/{email}", 401),
    } <= system.checked_replies


def test_the_roster_says_what_is_left_to_pay_beside_the_price(system: System) -> None:
    """ "To pay" said £200.00 on a booking already paid: the column is what is left to pay now,
    the price keeps its own column, and a paid part-bursary booking has nothing left."""
    paid = system.apply(email="paid@example.org").json()
    system.pay(paid["checkout_url"])
    waiting = system.apply(email="waiting@example.org").json()
    funded = system.apply(email="funded@example.org").json()
    granted = system.grant_bursary(funded, 15000)
    assert granted.status == 200, granted.body
    reopened = system.api(
        "POST", f"/applications/{funded['application_id']}/checkout?token={funded['token']}"
    )
    assert reopened.status == 201, reopened.body
    before_paying = _csv_rows(system)[funded["reference"]]
    assert (before_paying["Price"], before_paying["Left to pay"]) == ("£200.00", "£50.00")
    system.pay(reopened.json()["checkout_url"])

    rows = _csv_rows(system)
    said = {
        ref: (row["Status"], row["Price"], row["Bursary"], row["Paid"], row["Left to pay"])
        for ref, row in rows.items()
    }
    assert said == {
        paid["reference"]: ("Confirmed", "£200.00", "", "£200.00", "£0.00"),
        waiting["reference"]: ("Awaiting payment", "£200.00", "", "£0.00", "£200.00"),
        funded["reference"]: ("Confirmed", "£200.00", "£150.00", "£50.00", "£0.00"),
    }
    # The JSON roster says the same in pence, beside what was due.
    json_rows = {
        r["reference"]: r for r in system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    }
    assert (
        json_rows[funded["reference"]]["amount_due"],
        json_rows[funded["reference"]]["left_to_pay"],
    ) == (5000, 0)


def _csv_rows(system: System) -> dict[str, dict[str, str]]:
    reply = system.admin("GET", f"/courses/{COURSE_ID}/applications?format=csv")
    assert reply.status == 200
    rows = csv.DictReader(io.StringIO(reply.body.removeprefix("\ufeff")))
    return {row["Reference"]: row for row in rows}
