"""The console's pages for discount codes, a course's money and a programme's cohorts, and the
``/admin`` routes beside them, through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, STRIPE_KEY, System

CODES = f"/console/courses/{COURSE_ID}/discount-codes"


def _code_row(page: str, code: str) -> str:
    [row] = re.findall(rf'<tr>\s*<th scope="row" class="reference">{code}</th>.*?</tr>', page, re.S)
    return text_of(row)


def _error_beside(page: str, field: str) -> str:
    found = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span>(.*?)</span>', page, re.S
    )
    assert found, f"no error beside {field}"
    return html.unescape(found.group(1)).strip()


def _make(browser: ConsoleBrowser, **typed: str) -> Any:
    return browser.post(CODES, csrf_token=browser.csrf(CODES), **typed)


def _promotion_code(system: System, code: str) -> dict[str, Any]:
    """What Stripe (the stand-in, through its API) holds about a code's promotion code."""
    kept = system.ports.repository.get_discount_code(COURSE_ID, code)
    assert kept is not None
    reply = system.stripe_local(
        "GET", f"/v1/promotion_codes/{kept.promotion_code_id}", headers=STRIPE_KEY
    )
    assert reply.status == 200, reply.body
    return dict(reply.json())


def _promotion_codes(system: System) -> list[dict[str, Any]]:
    reply = system.stripe_local("GET", "/v1/promotion_codes?limit=100", headers=STRIPE_KEY)
    return list(reply.json()["data"])


# -- discount codes -------------------------------------------------------------------------------


def test_a_code_made_in_pounds_counts_its_uses_and_stripes_redemptions(
    system: System, browser: ConsoleBrowser
) -> None:
    made = _make(browser, code="NHS-2027", amount_off="£50", max_uses="2", last_day="2027-05-31")
    assert made.status == 303, made.body
    assert made.headers["location"] == CODES
    kept = system.ports.repository.get_discount_code(COURSE_ID, "nhs-2027")
    assert kept is not None
    assert kept.amount_off == 5000  # typed in pounds, kept in pence as Stripe counts
    # Through the last day typed, to 23:59 UK time (BST in May).
    assert kept.expires_at is not None
    assert kept.expires_at.isoformat() == "2027-05-31T22:59:00+00:00"
    page = browser.get(made.headers["location"])
    assert "Discount code NHS-2027 made." in text_of(page.body)
    assert _code_row(page.body, "NHS-2027") == (
        "NHS-2027 £50.00 off 0 of 2 used, 2 left Monday 31 May 2027 at 23:59 BST "
        "Can be given Active, used 0 times Expire NHS-2027 now"
    )

    applied = system.apply(discount_code="nhs-2027")
    assert applied.status == 201, applied.body
    assert system.pay(applied.json()["checkout_url"]).status == 200
    system.apply(email="second@example.org", discount_code="NHS-2027")
    row = _code_row(browser.get(CODES).body, "NHS-2027")
    # Our count holds the second use from the moment it was given; Stripe counts the payment.
    assert "2 of 2 used, 0 left" in row
    assert "Used up" in row
    assert "Active, used 1 time" in row


def test_expiring_a_code_deactivates_it_at_stripe_and_refuses_it_on_the_form(
    system: System, browser: ConsoleBrowser
) -> None:
    assert _make(browser, code="HALF", percent_off="50").status == 303
    promised = system.apply(discount_code="half")
    assert promised.status == 201, promised.body

    expired = browser.post(f"{CODES}/HALF/expire", csrf_token=browser.csrf(CODES))
    assert expired.status == 303, expired.body
    assert _promotion_code(system, "HALF")["active"] is False
    page = browser.get(expired.headers["location"]).body
    assert "Discount code HALF expired" in text_of(page)
    row = _code_row(page, "HALF")
    assert "Expired by an organiser" in row
    # Until when it worked: when it was expired, never "No end".
    assert "No end" not in row
    assert re.search(r"Expired \w+day \d{1,2} \w+ \d{4} at \d\d:\d\d (GMT|BST)", row), row
    assert "Deactivated, used 0 times" in row
    assert "Expire HALF" not in row  # nothing left to expire

    refused = system.apply(email="late@example.org", discount_code="half")
    assert refused.status == 422
    assert "used up or has expired" in refused.json()["error"]["fields"]["discount_code"]
    # The applicant who gave it first keeps the price promised: the coupon still applies.
    assert system.pay(promised.json()["checkout_url"]).status == 200
    assert system.standin.money_taken() == {promised.json()["application_id"]: 10000}


def test_expiring_a_code_while_stripe_is_down_changes_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    assert _make(browser, code="HALF", percent_off="50").status == 303
    token = browser.csrf(CODES)
    # Stripe answers 503 to the deactivation, and the page's own reading of the code.
    system.stripe_http.fail_next = [503, 503]
    refused = browser.post(f"{CODES}/HALF/expire", csrf_token=token)
    assert refused.status == 503, refused.body
    kept = system.ports.repository.get_discount_code(COURSE_ID, "HALF")
    assert kept is not None
    assert kept.active
    assert _promotion_code(system, "HALF")["active"] is True
    said = text_of(refused.body)
    assert "The payment provider is unavailable" in said
    assert "Stripe did not answer" in said


@pytest.mark.parametrize(
    ("typed", "field", "reason"),
    [
        ({"amount_off": "1e30"}, "amount_off", "Enter the amount off in pounds"),
        ({"amount_off": "50.001"}, "amount_off", "at most two decimal places"),
        ({"amount_off": "250"}, "amount_off", "Enter at most the price of a place, £200.00"),
        ({"percent_off": "50", "amount_off": "10"}, "amount_off", "not both"),
        ({}, "percent_off", "Give a percentage or an amount off"),
        ({"percent_off": "\u0665\u0660"}, "percent_off", "Enter a percentage above 0"),
        ({"percent_off": "150"}, "percent_off", "at most 100"),
        ({"percent_off": "50", "max_uses": "0"}, "max_uses", "from 1 to 100,000"),
        ({"percent_off": "50", "last_day": "2020-01-01"}, "last_day", "Must be in the future"),
        ({"percent_off": "50", "last_day": "31/05/2027"}, "last_day", "Enter a date"),
        ({"percent_off": "50", "last_day": "3000-01-01"}, "last_day", "between the years"),
    ],
)
def test_every_mistake_in_the_code_form_is_said_beside_its_field_and_nothing_is_made(
    system: System, browser: ConsoleBrowser, typed: dict[str, str], field: str, reason: str
) -> None:
    page = _make(browser, code="TYPED", **typed)
    assert page.status == 422, page.body
    assert reason in _error_beside(page.body, field)
    for value in typed.values():
        assert f'value="{html.escape(value)}"' in page.body  # what was typed is kept
    assert system.ports.repository.discount_codes(COURSE_ID) == []
    assert _promotion_codes(system) == []


def test_a_code_of_letters_in_use_is_refused_with_the_page_again(
    system: System, browser: ConsoleBrowser
) -> None:
    assert _make(browser, code="HALF", percent_off="50").status == 303
    again = _make(browser, code="half", percent_off="25")
    assert again.status == 409
    assert "already in use" in text_of(again.body)
    assert len(system.ports.repository.discount_codes(COURSE_ID)) == 1


def test_the_organiser_api_lists_and_expires_codes_in_pence(system: System) -> None:
    made = system.made_code(code="TENNER", amount_off=1000, max_uses=3)
    assert made["uses_left"] == 3
    assert system.apply(discount_code="tenner").status == 201
    [listed] = system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json()
    assert listed["amount_off"] == 1000
    assert (listed["times_used"], listed["uses_left"], listed["active"]) == (1, 2, True)
    assert (listed["stripe_active"], listed["stripe_times_redeemed"]) == (True, 0)
    expired = system.admin("POST", f"/courses/{COURSE_ID}/discount-codes/tenner/expire")
    assert expired.status == 200, expired.body
    assert (expired.json()["active"], expired.json()["stripe_active"]) == (False, False)
    assert system.admin("POST", f"/courses/{COURSE_ID}/discount-codes/NOPE/expire").status == 404


def test_expiring_a_code_takes_no_fields(system: System) -> None:
    """Like the public routes that take no fields: a ``dry_run`` sent to the
    organiser API's expiry is refused by its name, the code still active."""
    system.made_code(code="TENNER", amount_off=1000, max_uses=3)
    path = f"/courses/{COURSE_ID}/discount-codes/tenner/expire"
    refused = system.admin("POST", path, json_body={"dry_run": True})
    assert refused.status == 422, refused.body
    assert "not a field of this request" in refused.json()["error"]["fields"]["dry_run"]
    [listed] = system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json()
    assert listed["active"] is True


def test_the_organiser_api_gives_one_application_by_reference(system: System) -> None:
    applied = system.apply()
    system.pay(applied.json()["checkout_url"])
    reference = applied.json()["reference"]
    found = system.admin("GET", f"/applications/{reference.lower().replace('-', '')}")
    assert found.status == 200, found.body
    record = found.json()
    assert record["application_id"] == applied.json()["application_id"]
    assert (record["reference"], record["status"], record["amount_paid"]) == (
        reference,
        "confirmed",
        20000,
    )
    assert record["course_id"] == COURSE_ID
    assert system.admin("GET", "/applications/CL-ZZZZZ").status == 404


# -- money ----------------------------------------------------------------------------------------


def test_the_money_page_says_in_pounds_what_the_totals_route_counts(
    system: System, browser: ConsoleBrowser
) -> None:
    assert _make(browser, code="HALF", percent_off="50").status == 303
    paid = system.apply(email="paid@example.org")
    system.pay(paid.json()["checkout_url"])
    halved = system.apply(email="half@example.org", discount_code="half")
    system.pay(halved.json()["checkout_url"])
    refunded = system.apply(email="refunded@example.org")
    system.pay(refunded.json()["checkout_url"])
    cancel = f"/console/applications/{refunded.json()['application_id']}/cancel"
    assert browser.press(f"{cancel}?refund=on", cancel).status == 303
    system.apply(email="unpaid@example.org")  # holds a seat; no money yet: no line

    totals = system.totals(COURSE_ID)
    assert (totals["paid"], totals["refunded"], totals["net"], totals["discounts"]) == (
        50000,
        20000,
        30000,
        10000,
    )
    page = browser.get(f"/console/courses/{COURSE_ID}/money")
    assert page.status == 200
    said = text_of(page.body)
    for figure in (
        "Bookings 2 confirmed Paid in £500.00",
        "Refunded £200.00",
        "Net (paid in less refunded) £300.00",
        "Invoiced, not yet paid £0.00",
        "Bursaries £0.00",
        "Discount codes £100.00",
    ):
        assert figure in said
    assert "Waived on moves" not in said  # nothing was (a row at £0.00 says nothing)
    lines = re.findall(r'<th scope="row"><a class="reference"[^>]*>([^<]+)</a>', page.body)
    assert lines == [
        paid.json()["reference"],
        halved.json()["reference"],
        refunded.json()["reference"],
    ]
    assert "HALF (£100.00)" in said
    # A paid booking owes nothing more, whatever its code took off the price.
    paid_page = browser.words(f"/console/applications/{halved.json()['application_id']}")
    assert "Price to pay £100.00 Left to pay Nothing" in paid_page
    assert "20000" not in page.body


def test_the_course_and_home_pages_link_to_codes_money_and_the_programme(
    system: System, browser: ConsoleBrowser
) -> None:
    page = browser.get(f"/console/courses/{COURSE_ID}").body
    programme = system.course()["programme"]
    for link in (CODES, f"/console/courses/{COURSE_ID}/money", f"/console/programmes/{programme}"):
        assert f'href="{link}"' in page
    home = browser.get("/console").body
    assert f'href="/console/programmes/{programme}"' in home
    # The link reads as the programme's page is headed, never its slug; the
    # course id stays, labelled for what it is for.
    said = text_of(home)
    assert f"Every cohort of {system.course()['title']}" in said
    assert f"Programme {programme}" not in said
    assert f"Reference for the command line: {COURSE_ID}" in said


def test_the_programme_page_lists_every_cohort_with_places_waiting_and_money(
    system: System, browser: ConsoleBrowser
) -> None:
    programme = system.course()["programme"]
    later = {**_definition(system), "title": "The spring cohort", "capacity": 1}
    later["sessions"] = [
        {"date": "2028-03-06", "start_time": "15:00", "end_time": "17:00", "title": "Session 1"}
    ]
    system.put_course("spring-cohort", later)
    system.put_course("other-programme", {**later, "programme": "another-one"})
    first = system.apply(email="first@example.org")
    system.pay(first.json()["checkout_url"])
    spring = system.apply("spring-cohort", email="spring@example.org")
    system.pay(spring.json()["checkout_url"])
    waiting = system.apply("spring-cohort", email="waiting@example.org")
    assert waiting.json()["status"] == "waitlisted"

    page = browser.get(f"/console/programmes/{programme}")
    assert page.status == 200, page.body
    rows = [text_of(r) for r in re.findall(r'<tr>\s*<th scope="row">.*?</tr>', page.body, re.S)]
    assert len(rows) == 2  # the other programme's cohort is not one of these
    assert rows[0].startswith(system.course()["title"])
    assert "Monday 7 June 2027" in rows[0]
    assert "1 of 20 booked, 19 free 0 " in rows[0]
    assert "Paid in £200.00" in rows[0]
    assert rows[1].startswith("The spring cohort, from Monday 6 March 2028")
    assert "1 of 1 booked, 0 free 1 " in rows[1]
    said = text_of(page.body)
    # Headed with the programme's name as its cohorts' titles say it (the earliest's, when
    # they differ), never its slug.
    heading = re.search(r"<h1>(.*?)</h1>", page.body, re.S)
    assert heading is not None
    assert text_of(heading.group(1)) == f"Programme {system.course()['title']}"
    assert programme not in text_of(heading.group(1))
    assert "Places 2 of 21 booked, 19 free, 1 waiting" in said
    assert "Paid in £400.00" in said.split("All cohorts together")[1]
    assert browser.get("/console/programmes/no-such-programme").status == 404


def _definition(system: System) -> dict[str, Any]:
    stored = system.stored_course(COURSE_ID)
    return dict(stored.definition.model_dump(mode="json", exclude_none=True))
