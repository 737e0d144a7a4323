"""Refusals in a person's words: money as it was typed (pounds in the console and the CLI; the
``/admin`` JSON API's pence with the pounds beside them), statuses as the console shows them,
sentences saying what to type instead of pydantic's, and the CLI without codes or HTTP's
numbers; an application named as it was typed, spaces around it and all."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support import cli
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

CODES = re.compile(r"\b(?:awaiting_payment|pending_review|not_pending_review|validation_failed)\b")
PYDANTIC = ("Input should", "String should", "should match pattern", "^[", "Value error")


def _applied(system: System) -> dict[str, Any]:
    reply = system.apply()
    assert reply.status == 201, reply.body
    return dict(reply.json())


# -- money as it was typed ------------------------------------------------------------------------


def test_the_admin_api_says_its_pence_with_the_pounds_beside_them(system: System) -> None:
    application = _applied(system)
    bursary = system.grant_bursary(application, 25000)
    code = system.admin(
        "POST",
        f"/courses/{COURSE_ID}/discount-codes",
        json_body={"code": "TOO-MUCH", "amount_off": 25000},
    )
    assert bursary.status == code.status == 422
    assert bursary.json()["error"]["fields"]["amount"] == (
        "Enter above zero and at most the price of the place, 20000 pence (£200.00)"
    )
    assert code.json()["error"]["fields"]["amount_off"] == (
        "Enter at most the price of a place, 20000 pence (£200.00)"
    )


def test_the_console_says_the_limit_in_pounds_as_typed(system: System) -> None:
    browser = signed_in(system)
    application = _applied(system)
    page = f"/console/applications/{application['application_id']}"
    reply = browser.press(page, f"{page}/bursary", amount="250")
    assert reply.status == 422
    words = text_of(reply.body)
    assert "Enter above zero and at most the price of the place, £200.00" in words
    assert "pence" not in words
    assert "20000" not in words


def test_the_cli_says_the_limit_in_pounds_without_codes(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    application = _applied(terminal)
    bursary = cli.run(capsys, "bursary", application["reference"], "250")
    code = cli.run(capsys, "discount-code", COURSE_ID, "TOO-MUCH", "--amount-off", "250")
    assert (bursary.status, code.status) == (1, 1)
    assert "amount: Enter above zero and at most the price of the place, £200.00" in bursary.err
    # Nothing, or below zero, is told the same bound.
    for typed in ("0", "-5"):
        nothing = cli.run(capsys, "bursary", application["reference"], "--", typed)
        assert nothing.status == 1
        assert "Enter above zero and at most the price of the place, £200.00" in nothing.err
    # Named by the option typed, never the API's field name (amount_off).
    assert "  --amount-off: Enter at most the price of a place, £200.00" in code.err
    assert "amount_off" not in code.err
    for said in (bursary.err, code.err):
        assert "pence" not in said
        assert "20000" not in said
        assert "HTTP" not in said
        assert "422" not in said
        assert not CODES.search(said)


# -- statuses in words ----------------------------------------------------------------------------


def test_a_refusal_names_the_status_as_the_console_shows_it(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    application = _applied(terminal)  # awaiting payment: nothing to approve
    api = terminal.admin("POST", f"/applications/{application['application_id']}/approve")
    ran = cli.run(capsys, "approve", application["reference"])
    assert api.status == 409
    assert api.json()["error"]["message"] == (
        "only applications awaiting review can be approved; this one is “Awaiting payment”"
    )
    assert ran.status == 1
    assert ran.err == (
        "course-booking: only applications awaiting review can be approved; "
        "this one is “Awaiting payment”\n"
    )


def test_no_refusal_anywhere_says_a_status_code(system: System) -> None:
    """Every refusal of an action on an application, in every status the machine reaches here,
    says statuses in words."""
    application = _applied(system)
    app_id = application["application_id"]
    system.cancel(app_id, refund=None)
    replies = [
        system.admin("POST", f"/applications/{app_id}/{action}", json_body=body)
        for action, body in (("approve", {}), ("decline", {}), ("bursary", {"amount": 100}))
    ]
    replies.append(
        system.api("POST", f"/applications/{app_id}/checkout?token={application['token']}")
    )
    for reply in replies:
        assert reply.status == 409, reply.body
        message = reply.json()["error"]["message"]
        assert "“Cancelled”" in message, message
        assert "cancelled" not in message, message


# -- what to type, not pydantic's words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"code": "NO WAY!", "percent_off": 10}, "code", "Use 3 to 40 letters, digits and hyphens"),
        ({"code": "HALF", "percent_off": 0}, "percent_off", "Enter 0.01 or more"),
        ({"code": "HALF", "percent_off": 150}, "percent_off", "Enter 100 or less"),
        ({"code": "HALF", "percent_off": 50, "max_uses": 0}, "max_uses", "Enter 1 or more"),
        ({"code": "HALF", "percent_off": "half"}, "percent_off", "Enter a number, like 50"),
        ({"code": "HALF", "amount_off": 2.5}, "amount_off", "Enter a whole number"),
        ({"code": "HALF", "percent_off": 5, "expires_at": "soon"}, "expires_at", "Enter a date"),
        (
            {"code": "HALF", "percent_off": 5, "colour": "red"},
            "colour",
            "not a field of this request",
        ),
    ],
)
def test_a_discount_code_refusal_says_what_to_type(
    system: System, body: dict[str, Any], field: str, says: str
) -> None:
    reply = system.admin("POST", f"/courses/{COURSE_ID}/discount-codes", json_body=body)
    assert reply.status == 422
    reason = reply.json()["error"]["fields"][field]
    assert reason.startswith(says), reason


def test_a_course_definition_refusal_says_what_to_type(system: System) -> None:
    reply = system.admin(
        "PUT",
        "/courses/words-course",
        json_body={
            "title": "x",
            "price": {"amount": 0, "currency": "pounds"},
            "capacity": 0,
            "approval_required": "perhaps",
            "sessions": [
                {"id": "Not An Id", "date": "tomorrow", "start_time": "25:00", "end_time": "x"}
            ],
        },
    )
    assert reply.status == 422
    fields = reply.json()["error"]["fields"]
    assert fields["price.amount"] == "Enter a number above 0"
    assert fields["capacity"] == "Enter 1 or more"
    assert fields["approval_required"] == "Enter true or false"
    assert fields["sessions.0.date"] == "Enter a date, like 2027-06-07"
    assert fields["sessions.0.start_time"] == "Enter a time of day, like 15:00"
    assert fields["sessions.0.id"].startswith("Use up to 40 small letters, digits and hyphens")
    for reason in fields.values():
        assert not any(words in reason for words in PYDANTIC), reason


# -- an application named as typed ----------------------------------------------------------------


def test_a_reference_typed_with_spaces_around_it_is_found(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    application = _applied(terminal)
    ran = cli.run(capsys, "resend", f"  {application['reference'].lower()} ")
    # Found: refused for what it is (nothing booked to confirm again), not as unknown.
    assert ran.status == 1
    assert "no application" not in ran.err, ran.err


def test_an_unknown_id_is_echoed_as_typed_not_percent_encoded(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = cli.run(capsys, "approve", "no such é/app")
    api = terminal.admin("POST", "/applications/no%20such%20%C3%A9/approve")
    assert ran.status == 1
    assert "%" not in ran.err, ran.err
    assert api.status == 404
    assert api.json()["error"]["message"] == "no application 'no such é'"


# -- money in a currency counted in hundredths ----------------------------------------------------


@pytest.mark.parametrize("currency", ["jpy", "xxx"])
def test_a_course_priced_in_a_currency_not_counted_in_hundredths_is_refused(
    system: System, currency: str
) -> None:
    """A JPY course showed "200.00 JPY" while Stripe charged ¥20,000; ``xxx`` was taken."""
    definition = {
        "title": "Yen course",
        "price": {"amount": 20000, "currency": currency},
        "capacity": 5,
        "sessions": [{"date": "2031-06-02", "start_time": "15:00", "end_time": "17:00"}],
    }
    reply = system.admin("PUT", "/courses/yen-course", json_body=definition)
    assert reply.status == 422
    assert reply.json()["error"]["fields"] == {
        "price.currency": "Enter gbp, eur or usd: the currencies prices are taken in"
    }
    assert system.api("GET", "/courses/yen-course").status == 404


def test_a_course_file_whose_session_is_wrong_names_that_session_in_the_422(
    system: System,
) -> None:
    """ "session 2: a follow-up comes after ..." under ``sessions.1``, not
    under ``body``, so an API client can put it beside the session."""
    file = system.one_session_file()
    first = file["sessions"][0]
    follow_up = {**first, "kind": "follow_up"}  # starts as the core session does: too early
    reply = system.admin(
        "PUT", "/courses/misplaced", json_body=file | {"sessions": [first, follow_up]}
    )
    assert reply.status == 422, reply.body
    fields = reply.json()["error"]["fields"]
    assert list(fields) == ["sessions.1"], fields
    assert fields["sessions.1"].startswith("session 2: a follow-up comes after")
