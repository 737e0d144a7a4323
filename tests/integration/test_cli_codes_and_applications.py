"""The CLI's verbs for what the console's codes page and application page do (list a course's
codes with uses left, expire one, show one application), run against the real handlers in
this process: the CLI's HTTP requests go to the local front instead of a socket."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from booking import cli
from booking.domain.wording import moment_when
from tests.support.system import ADMIN_TOKEN, COURSE_ID, System

# A refund made before the command (by it, or in Stripe's dashboard).
REFUNDED_ALREADY = (
    "It was refunded already (£200.00: by the cancellation with a refund, a Refund asked "
    "earlier, or Stripe's dashboard), and the applicant was told of it once, when it was "
    "made. Nothing changed this time."
)
# How a person reads the course: its title and first day, never its id.
COURSE_NAME = "Compassionate Leadership Training, from Monday 7 June 2027"


def test_codes_are_listed_with_uses_left_and_expired_from_the_terminal(
    system: System, run: Any
) -> None:
    made = run("discount-code", COURSE_ID, "HALF", "--percent-off", "50", "--max-uses", "3")
    assert made == (
        0,
        f"made HALF on {COURSE_NAME}: 50% off, 0 of 3 used, 3 left, no end date; at Stripe: "
        "Active, "
        "used 0 times\n",
    )
    applied = system.apply(discount_code="half")
    system.pay(applied.json()["checkout_url"])
    assert run("codes", COURSE_ID) == (
        0,
        "HALF: 50% off, 1 of 3 used, 2 left, no end date; at Stripe: Active, used 1 time\n",
    )
    code, expired = run("expire-code", COURSE_ID, "half")
    assert code == 0
    # An expired code has no uses left to speak of; it says when it was expired.
    assert expired.startswith("expired HALF: 50% off, 1 of 3 used, expired by an organiser on ")
    assert expired.endswith("; at Stripe: Deactivated, used 1 time\n")
    refused = run("expire-code", COURSE_ID, "NOPE")
    assert refused == (1, "course-booking: no discount code 'NOPE' on this course\n")


def test_one_application_is_shown_by_its_reference_in_pounds_and_words(
    system: System, run: Any
) -> None:
    applied = system.apply(name="Ada Lovelace", email="ada@example.org").json()
    code, said = run("application", applied["reference"].lower())
    assert code == 0
    assert said.splitlines()[:4] == [
        f"{applied['reference']}: Ada Lovelace <ada@example.org>",
        f"Course: {COURSE_NAME}",
        "Status: Awaiting payment",
        "Price £200.00, left to pay £200.00, paid £0.00, refunded £0.00",
    ]
    assert "Reasons for applying: " in said
    assert "20000" not in said


def test_an_erased_persons_address_reads_erased_at_the_terminal(system: System, run: Any) -> None:
    """The placeholder an erasure leaves is nobody's address: "[erased]", as the console says
    it, in the application and the course's list of applications."""
    applied = system.apply(name="Ada Lovelace", email="ada@example.org").json()
    assert run("erase", "ada@example.org", "--yes")[0] == 0
    said = run("application", applied["reference"])[1]
    assert said.splitlines()[0] == f"{applied['reference']}: [erased]"
    listed = run("roster", COURSE_ID)[1]
    assert f"{applied['reference']}  [erased]  " in listed
    assert "invalid.example" not in said + listed


def test_one_application_shows_every_answer_access_needs_too(system: System, run: Any) -> None:
    """The terminal shows each answer the console's page shows."""
    applied = system.apply(accessibility_needs="Step-free access, please").json()
    said = run("application", applied["reference"])[1]
    assert "Access needs: Step-free access, please" in said
    unsaid = run("application", system.apply(email="b@example.org").json()["reference"])[1]
    assert "Access needs: (not given)" in unsaid


def test_a_refused_code_names_the_fields_by_the_clis_options(system: System, run: Any) -> None:
    code, said = run("discount-code", COURSE_ID, "BIG", "--amount-off", "5000", "--max-uses", "0")
    assert code == 1
    assert "--max-uses: Enter 1 or more" in said
    for api_name in ("amount_off", "max_uses"):
        assert f"{api_name}:" not in said


def test_the_new_verbs_answer_json_for_scripts(system: System, run: Any) -> None:
    made_code, made = run("discount-code", COURSE_ID, "HALF", "--percent-off", "50", "--json")
    assert made_code == 0
    assert json.loads(made)["code"] == "HALF"
    listed_code, listed = run("codes", COURSE_ID, "--json")
    assert (listed_code, [c["code"] for c in json.loads(listed)]) == (0, ["HALF"])
    expired_code, expired = run("expire-code", COURSE_ID, "HALF", "--json")
    assert (expired_code, json.loads(expired)["active"]) == (0, False)
    applied = system.apply().json()
    shown_code, shown = run("application", applied["reference"], "--json")
    assert (shown_code, json.loads(shown)["left_to_pay"]) == (0, 20000)


def test_an_unreachable_url_and_one_that_is_not_http_are_said_in_sentences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    unreachable = cli.main(["--url", "http://127.0.0.1:1", "--token", ADMIN_TOKEN, "courses"])
    said = capsys.readouterr().err
    assert unreachable == 1
    assert said.startswith("course-booking: could not reach http://127.0.0.1:1: is the local stack")
    assert "Errno" not in said
    not_http = cli.main(["--url", "ftp://example.org", "--token", ADMIN_TOKEN, "courses"])
    said = capsys.readouterr().err
    assert not_http == 2
    assert "--url must be an http:// or https:// address" in said
    assert "unknown url type" not in said


def test_a_booking_cancelled_without_a_refund_is_refunded_from_the_terminal(
    system: System, run: Any
) -> None:
    applied = system.booked()
    reference = applied["reference"]
    code, cancelled = run("cancel", reference)
    assert code == 0, cancelled

    assert run("refund", reference) == (
        0,
        f"{reference}: £200.00 is being refunded through Stripe. The applicant has been emailed.\n",
    )
    # Again: nothing changes, and this command is not said to have emailed before.
    assert run("refund", reference) == (0, f"{reference}: {REFUNDED_ALREADY}\n")
    never_paid = system.apply(email="unpaid@example.org").json()["reference"]
    code, refused = run("refund", never_paid)
    assert code == 1
    assert refused.startswith("course-booking: ")
    assert "refund" in refused


def test_an_expired_codes_listing_says_when_an_organiser_expired_it(
    system: System, run: Any
) -> None:
    assert run("discount-code", COURSE_ID, "HALF", "--percent-off", "50")[0] == 0
    assert run("codes", COURSE_ID) == (
        0,
        "HALF: 50% off, 0 used, no limit, no end date; at Stripe: Active, used 0 times\n",
    )
    before = moment_when(system.now(), "Europe/London")
    assert run("expire-code", COURSE_ID, "HALF")[0] == 0
    after = moment_when(system.now(), "Europe/London")

    code, listed = run("codes", COURSE_ID)

    assert code == 0
    assert any(
        listed == f"HALF: 50% off, 0 used, expired by an organiser on {when}; at Stripe: "
        "Deactivated, used 0 times\n"
        for when in (before, after)
    ), listed


def test_a_refund_to_a_suppressed_address_says_nobody_was_emailed(system: System, run: Any) -> None:
    """The CLI said "The applicant has been emailed." whoever could be: it says what the
    console says when the person's address is suppressed (bounced, complained)."""
    applied = system.booked(email="bounced@example.org")
    reference = applied["reference"]
    assert run("cancel", reference)[0] == 0
    system.ports.repository.suppress_address("bounced@example.org", "bounce", datetime.now(UTC))
    assert run("refund", reference) == (
        0,
        f"{reference}: £200.00 is being refunded through Stripe. Nobody was emailed: emails to "
        "this person's address bounced or were marked as spam, so none are sent to it.\n",
    )


def test_a_refund_made_in_stripes_dashboard_is_said_so_at_the_terminal(
    system: System, run: Any
) -> None:
    """Nobody here asked Stripe for it, and the person was told once, by the
    refund's own email: the terminal says that, not that this command asked before."""
    applied = system.booked()
    reference = applied["reference"]
    assert run("cancel", reference)[0] == 0
    system.deliver_emails()
    system.refund_at_stripe(system.stored(applied).payment_intent)
    code, said = run("refund", reference)
    assert code == 0, said
    assert said == f"{reference}: {REFUNDED_ALREADY}\n"
    # Told once: by the dashboard refund's own email, none by this command.
    sent = system.deliver_emails()
    assert len([email for email in sent if "ada@example.org" in email.to]) == 1


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_reference_is_refused_in_words_before_any_request(
    system: System, run: Any, blank: str
) -> None:
    for verb in ("refund", "application", "cancel"):
        code, said = run(verb, blank)
        assert code == 2, said
        assert "argument application: give the application's reference or id" in said
        assert "no such resource" not in said


def test_a_codes_last_day_is_typed_as_a_day_as_on_the_console(system: System, run: Any) -> None:
    """The console asks a code's *Last day it works* (it works until 23:59 that day, in the
    course's time); the terminal takes the same day, never only a UTC time with its offset."""
    code, made = run(
        "discount-code", COURSE_ID, "SPRING", "--amount-off", "50", "--last-day", "2027-05-31"
    )

    assert code == 0, made
    assert "until Monday 31 May 2027 at 23:59 BST" in made, made
    [held] = system.admin("GET", f"/courses/{COURSE_ID}/discount-codes").json()
    assert held["expires_at"].startswith("2027-05-31T22:59"), held
    code, refused = run(
        "discount-code", COURSE_ID, "AUTUMN", "--amount-off", "50", "--last-day", "31/05/2027"
    )
    assert code == 2
    assert "give the day as YYYY-MM-DD, like 2027-05-31" in refused, refused
