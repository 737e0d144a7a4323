"""Money given back by hand: a cancelled booking whose invoice was marked paid outside Stripe
(the employer paid by bank transfer) kept money Stripe cannot refund; once the organiser sends
it back, they record it (the console's confirmation and press, the organisers' API, the CLI),
and the course's money, the booking's history and the person's record and export count it as
refunded. A double press, a retry with the same key, a second tab and a stale page make one
record. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support import cli
from tests.support.console import ConsoleBrowser
from tests.support.given_back import (
    a_key_sent_again_with_other_details,
    a_press_sent_again_with_another_amount,
    a_retry_with_the_same_seen_refused,
    a_second_tab_and_a_made_up_press_record_once,
    given_back,
    recorded_once_per_key_then_the_rest,
    today,
    too_much_a_future_day_and_one_before_the_payment_refused,
)
from tests.support.invoiced import INVOICED, applied_and_paid_outside_stripe, invoiced_cohort
from tests.support.system import Reply, System

PERSON = "ada@example.org"


def _cancelled_paid_off_stripe(system: System) -> dict[str, Any]:
    """A booking by invoice, its £200.00 invoice marked paid outside Stripe, then cancelled
    without a refund (its emails delivered)."""
    invoiced_cohort(system)
    application = applied_and_paid_outside_stripe(system, email=PERSON)
    assert system.cancel(application["application_id"], refund=False).status == 200
    system.deliver_emails()
    return dict(application)


def _path(application: dict[str, Any]) -> str:
    return f"/admin/applications/{application['application_id']}/given-back"


def _given_back(
    system: System, application: dict[str, Any], key: str | None = "", **body: Any
) -> Reply:
    return given_back(system, _path(application), key, **body)


def test_the_api_records_it_once_per_key_and_the_money_counts_it_as_refunded(
    system: System,
) -> None:
    application = _cancelled_paid_off_stripe(system)
    day = today(system)
    before = system.totals(INVOICED)
    assert (before["paid"], before["refunded"], before["net"]) == (20000, 0, 20000)

    recorded_once_per_key_then_the_rest(system, _path(application), 5000, 20000)
    assert len(system.stored(application).given_back) == 2  # the key sent again made none

    after = system.totals(INVOICED)
    assert (after["paid"], after["refunded"], after["net"]) == (20000, 20000, 0)
    assert (after["paid_off_stripe"], after["given_back_by_hand"]) == (20000, 20000)
    export = system.admin("GET", f"/people/{PERSON}").json()
    [booking] = export["applications"]
    assert booking["amount_refunded"] == 20000
    assert [r["method"] for r in booking["given_back_by_hand"]] == ["cheque", "bank_transfer"]
    assert system.deliver_emails() == []  # nobody is emailed
    # Nothing is left to give back: a further record is refused in words.
    more = _given_back(system, application, amount=1, given_on=day, method="cheque")
    assert "nothing was recorded" in more.refused(409, "nothing_to_give_back")["message"]


def test_a_retry_without_a_key_or_seen_is_refused_and_with_seen_records_once(
    system: System,
) -> None:
    application = _cancelled_paid_off_stripe(system)
    typed = {"amount": 5000, "given_on": today(system), "method": "cheque"}

    blind = _given_back(system, application, None, **typed)

    message = blind.refused(400, "bad_request")["message"]
    assert "Idempotency-Key" in message
    assert "`seen`" in message
    assert "nothing was recorded" in message
    assert system.stored(application).given_back == ()
    seen = system.admin("GET", f"/applications/{application['application_id']}").json()["seen"]
    a_retry_with_the_same_seen_refused(system, _path(application), seen)
    assert len(system.stored(application).given_back) == 1


def test_what_cannot_be_recorded_is_refused_in_words_and_nothing_is_written(
    system: System,
) -> None:
    invoiced_cohort(system)
    booked = applied_and_paid_outside_stripe(system, email=PERSON)
    day = today(system)
    # Not cancelled: it still holds its place.
    held = _given_back(system, booked, amount=5000, given_on=day, method="cheque")
    assert "cancel it first" in held.refused(409, "nothing_to_give_back")["message"]
    assert system.cancel(booked["application_id"], refund=False).status == 200

    too_much_a_future_day_and_one_before_the_payment_refused(system, _path(booked))
    wrong = _given_back(system, booked, amount="100", given_on="soon", method="paypal", note="x")
    assert set(wrong.refused(422, "validation_failed")["fields"]) == {"note"}
    typed = _given_back(system, booked, amount="100", given_on="soon", method="paypal")
    named = set(typed.refused(422, "validation_failed")["fields"])
    assert named == {"amount", "given_on", "method"}

    assert system.stored(booked).given_back == ()


def _press_fields(browser: ConsoleBrowser, page: str) -> dict[str, str]:
    return browser.form(page, page)


def test_the_console_asks_then_records_it_and_the_page_and_history_say_so(
    system: System, browser: ConsoleBrowser
) -> None:
    invoiced_cohort(system)
    application = applied_and_paid_outside_stripe(system, email=PERSON)
    path = f"/console/applications/{application['application_id']}"
    assert f'href="{path}/given-back"' not in browser.get(path).body  # not while it is booked
    assert browser.get(f"{path}/given-back").status == 409
    # The cancel's confirmation says where it is recorded once given back.
    cancelling = browser.words(f"{path}/cancel")
    assert "then record it on the booking's page (Record money given back by hand)" in cancelling
    assert system.cancel(application["application_id"], refund=False).status == 200
    system.deliver_emails()
    assert f'href="{path}/given-back"' in browser.get(path).body

    asked = browser.get(f"{path}/given-back")
    assert asked.status == 200, asked.body
    words = " ".join(re.sub(r"<[^>]+>", " ", asked.body).split())
    assert "£200.00 of what was paid outside Stripe for this booking is not yet given back" in words
    assert "Nothing is asked of Stripe and nobody is emailed" in words
    form = _press_fields(browser, f"{path}/given-back")
    day = today(system)

    # A mistake is said beside its field, what was typed kept; nothing recorded.
    mistaken = browser.post(
        f"{path}/given-back", **{**form, "amount": "250", "given_on": day, "method": "cheque"}
    )
    assert mistaken.status == 422, mistaken.body
    assert "Give at most £200.00" in mistaken.body
    assert system.stored(application).given_back == ()

    typed = {"amount": "£200.00", "given_on": day, "method": "bank_transfer"}
    done = browser.post(f"{path}/given-back", **{**form, **typed})
    assert done.status == 303, done.body
    said = browser.words(done.headers["location"])
    assert "Recorded as given back by hand" in said
    assert "Given back by hand, outside Stripe (by bank transfer, on " in said
    assert "£200.00 it kept was paid outside Stripe" not in said  # nothing kept any more

    # The same press again (a double press) records nothing more, and says so.
    twice = browser.post(f"{path}/given-back", **{**form, **typed})
    assert twice.status == 303
    assert "That was recorded as given back already. Nothing changed this time." in (
        browser.words(twice.headers["location"])
    )
    assert len(system.stored(application).given_back) == 1
    money = browser.words(f"/console/courses/{INVOICED}/money")
    assert "Refunded £200.00" in money
    assert "Of which given back by hand (money received outside Stripe) £200.00" in money
    assert "Net (paid in less refunded) £0.00" in money
    record = browser.words(f"/console/people/record?email={PERSON}")
    assert "Refunded £200.00" in record
    assert "Given back by hand, outside Stripe (by bank transfer" in record
    # Not offered any more: nothing is left to give back.
    assert browser.get(f"{path}/given-back").status == 409


def test_a_second_tab_or_a_stale_page_records_nothing_more(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _cancelled_paid_off_stripe(system)
    page = f"/console/applications/{application['application_id']}/given-back"

    a_second_tab_and_a_made_up_press_record_once(
        browser, page, today(system), lambda: len(system.stored(application).given_back)
    )


def test_the_terminal_records_it(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.connect(system, monkeypatch)
    application = _cancelled_paid_off_stripe(system)

    command: tuple[str, ...] = ("give-back", application["reference"], "--amount", "200", "--on")
    command += (today(system), "--how", "bank_transfer")

    ran = cli.run(capsys, *command)

    assert ran.status == 0, ran
    assert "£200.00 given back by hand" in ran.out
    assert "nothing left to give back" in ran.out
    assert json.dumps(system.stored(application).given_back[0].amount) == "20000"
    # The same command again (its answer lost, say) records nothing more, and says so.
    again = cli.run(capsys, *command)
    assert again.status == 0, again
    assert "recorded already (this same command ran before), nothing recorded again" in again.out
    # Named by its id, or its reference in small letters: the same record, none more.
    for named in (application["application_id"], application["reference"].lower()):
        retyped = cli.run(capsys, command[0], named, *command[2:])
        assert retyped.status == 0, retyped
        assert "recorded already" in retyped.out
    assert len(system.stored(application).given_back) == 1


def test_a_refund_asked_once_it_was_given_back_by_hand_says_so_and_does_nothing(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.connect(system, monkeypatch)
    application = _cancelled_paid_off_stripe(system)
    day = today(system)
    refund = f"/applications/{application['application_id']}/refund"
    part_back = _given_back(system, application, amount=5000, given_on=day, method="cheque")
    assert part_back.status == 200

    part = system.admin("POST", refund).refused(409, "no_payment_to_refund")["message"]
    assert "the £200.00 paid for this booking was paid outside Stripe" in part
    assert "£50.00 of it is recorded as given back by hand already; £150.00 is not" in part

    rest_back = _given_back(system, application, amount=15000, given_on=day, method="cheque")
    assert rest_back.status == 200
    # All of it went back by hand: a Refund is no quiet 200 and never "refunded already" through
    # Stripe with the applicant told, since nobody was and Stripe refunded nothing.
    whole = system.admin("POST", refund).refused(409, "no_payment_to_refund")["message"]
    assert "all £200.00 of it is recorded as given back by hand already" in whole
    said = cli.run(capsys, "refund", application["reference"])
    assert said.status == 1, said
    assert "given back by hand" in said.err
    assert "told" not in said.err
    assert system.deliver_emails() == []
    assert len(system.stored(application).given_back) == 2


def test_a_key_sent_again_with_other_details_is_refused_and_records_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _cancelled_paid_off_stripe(system)
    page = f"/console/applications/{application['application_id']}/given-back"
    a_key_sent_again_with_other_details(system, "/admin" + page.removeprefix("/console"))
    a_press_sent_again_with_another_amount(
        browser, page, _press_fields(browser, page), today(system)
    )
    assert [r.amount for r in system.stored(application).given_back] == [5000, 2000]


def test_the_page_offering_the_record_never_says_no_action_fits(
    system: System, browser: ConsoleBrowser
) -> None:
    application = _cancelled_paid_off_stripe(system)
    path = f"/console/applications/{application['application_id']}"

    offered = browser.words(path)

    assert "Record money given back by hand" in offered
    assert "No action fits" not in offered
    given = _given_back(system, application, amount=20000, given_on=today(system), method="cash")
    assert given.status == 200, given.body
    assert "No action fits an application that is cancelled." in browser.words(path)


def test_the_record_the_roster_and_the_terminal_say_what_went_back_by_hand(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refunded figure counts money given back by hand: each place that shows it says
    which part went back by hand, and how, from the same records as the person's export."""
    cli.connect(system, monkeypatch)
    application = _cancelled_paid_off_stripe(system)
    day = today(system)
    for amount, method in ((5000, "cheque"), (15000, "bank_transfer")):
        made = _given_back(system, application, amount=amount, given_on=day, method=method)
        assert made.status == 200, made.body
    export = system.admin("GET", f"/people/{PERSON}").json()
    [exported] = export["applications"]

    record = system.admin("GET", f"/applications/{application['application_id']}").json()
    [row] = system.admin("GET", f"/courses/{INVOICED}/applications").json()
    csv_text = system.admin("GET", f"/courses/{INVOICED}/applications?format=csv").body
    shown = cli.run(capsys, "application", application["reference"])

    for answered in (record, row):
        assert answered["amount_refunded"] == 20000
        assert answered["given_back_by_hand"] == exported["given_back_by_hand"]
    assert [r["amount"] for r in record["given_back_by_hand"]] == [5000, 15000]
    on = system.now().date()
    when = f"on {on:%A} {on.day} {on:%B %Y}"
    said = f"£50.00 given back by hand by cheque {when}; "
    said += f"£150.00 given back by hand by bank transfer {when}"
    header, line = csv_text.lstrip("\ufeff").splitlines()
    assert header.endswith(",Given back by hand")
    assert line.endswith(f'"{said}"') or line.endswith(said), line
    assert shown.status == 0, shown
    assert f"Of which given back by hand: {said}" in shown.out
