"""Money given back by hand for a group: a group paid outside Stripe (its invoice marked paid)
whose places were given up owes their share back to the employer by hand; once the organiser
sends it back, they record it (the organisers' API, the console's card and confirmation, the
CLI), and the course's money, the group's card and its people's records count it as refunded.
A double press, a retry with the same key, a second tab and a stale card make one record.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

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
from tests.support.groups import MANAGER, give_up, paid_group, paid_outside_stripe
from tests.support.invoiced import ACCOUNTS, CORRECTED, INVOICED, invoiced_cohort
from tests.support.system import Reply, System

CARDS = f"/console/courses/{INVOICED}/group-bookings"


def _two_given_up(system: System) -> dict[str, Any]:
    """Three places paid by a bank transfer (£600.00), places 2 and 3 given up: £400.00 owed
    back to the employer by hand. The manager's answer."""
    group = paid_outside_stripe(invoiced_cohort(system))
    for place in (2, 3):
        assert give_up(system, group, place).status == 200
    system.deliver_emails()
    return group


def _path(group: dict[str, Any]) -> str:
    return f"/admin/groups/{group['group_id']}/given-back"


def _given_back(system: System, group: dict[str, Any], key: str | None = "", **body: Any) -> Reply:
    return given_back(system, _path(group), key, **body)


def test_the_api_records_it_once_per_key_and_the_money_counts_it_as_refunded(
    system: System,
) -> None:
    group = _two_given_up(system)
    day = today(system)
    before = system.totals(INVOICED)
    assert (before["paid"], before["refunded"], before["given_back_by_hand"]) == (60000, 0, 0)

    again, line = recorded_once_per_key_then_the_rest(system, _path(group), 15000, 40000)
    assert again["owed_by_hand_said"].startswith("£250.00 is owed back to the employer")
    assert line["owed_by_hand_said"] == ""
    assert line["refunded_said"] == "£400.00"
    assert "£250.00 given back by hand by bank transfer on " in line["given_back_by_hand_said"]

    after = system.totals(INVOICED)
    assert (after["paid"], after["refunded"], after["net"]) == (60000, 40000, 20000)
    assert after["given_back_by_hand"] == 40000
    assert system.deliver_emails() == []  # nobody is emailed
    more = _given_back(system, group, amount=1, given_on=day, method="cheque")
    assert "recorded as given back already" in more.refused(409, "nothing_to_give_back")["message"]


def test_what_cannot_be_recorded_is_refused_in_words_and_nothing_is_written(
    system: System,
) -> None:
    group = paid_outside_stripe(invoiced_cohort(system))
    day = today(system)
    kept = _given_back(system, group, amount=100, given_on=day, method="cheque")
    assert (
        "no place of this group was given up"
        in kept.refused(409, "nothing_to_give_back")["message"]
    )
    assert give_up(system, group, 3).status == 200

    blind = _given_back(system, group, None, amount=100, given_on=day, method="cheque")
    assert "Idempotency-Key" in blind.refused(400, "bad_request")["message"]
    too_much_a_future_day_and_one_before_the_payment_refused(system, _path(group))
    nobody = _given_back(system, {"group_id": "nope"}, amount=100, given_on=day, method="cheque")
    assert nobody.status == 404
    line = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
    assert line["owed_by_hand_said"].startswith("£200.00 is owed back")
    assert line["given_back_by_hand_said"] == ""


def test_a_group_paid_through_stripe_has_nothing_to_give_back_by_hand(system: System) -> None:
    invoiced = invoiced_cohort(system)
    group = paid_group(invoiced)
    assert give_up(invoiced, group, 2).status == 200

    refused = _given_back(invoiced, group, amount=100, given_on=today(invoiced), method="cash")

    assert (
        "no payment received outside Stripe"
        in refused.refused(409, "nothing_to_give_back")["message"]
    )


def test_a_stale_seen_records_nothing(system: System) -> None:
    group = _two_given_up(system)
    [line] = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]

    a_retry_with_the_same_seen_refused(system, _path(group), line["seen"])

    again = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
    assert again["given_back_by_hand_said"].count("given back by hand") == 1


def test_the_card_asks_then_records_it_once_and_the_money_page_says_so(
    system: System, browser: ConsoleBrowser
) -> None:
    group = paid_outside_stripe(invoiced_cohort(system))
    page = f"/console/groups/{group['group_id']}/given-back"
    assert f'href="{page}"' not in browser.get(CARDS).body  # nothing owed back yet
    assert browser.get(page).status == 409
    for place in (2, 3):
        assert give_up(system, group, place).status == 200
    system.deliver_emails()
    assert f'href="{page}"' in browser.get(CARDS).body

    asked = browser.words(page)
    assert "£400.00 of what St Elsewhere NHS Trust paid outside Stripe is owed back" in asked
    assert "Nothing is asked of Stripe and nobody is emailed" in asked
    form = browser.form(page, page)
    day = today(system)
    mistaken = browser.post(page, **{**form, "amount": "450", "given_on": day, "method": "cheque"})
    assert mistaken.status == 422, mistaken.body
    assert "Give at most £400.00" in mistaken.body

    typed = {"amount": "£400.00", "given_on": day, "method": "bank_transfer"}
    done = browser.post(page, **{**form, **typed})
    assert done.status == 303, done.body
    card = browser.words(done.headers["location"])
    assert "Recorded as given back by hand" in card
    assert "Given back by hand £400.00 given back by hand by bank transfer on " in card
    assert "is owed back to the employer by hand" not in card
    twice = browser.post(page, **{**form, **typed})
    assert twice.status == 303
    assert "That was recorded as given back already." in browser.words(twice.headers["location"])
    money = browser.words(f"/console/courses/{INVOICED}/money")
    assert "Refunded £400.00" in money
    assert "Of which given back by hand (money received outside Stripe) £400.00" in money
    assert browser.get(page).status == 409  # nothing is owed any more


def test_a_second_tab_records_nothing_more(system: System, browser: ConsoleBrowser) -> None:
    group = _two_given_up(system)
    page = f"/console/groups/{group['group_id']}/given-back"

    def records() -> int:
        line = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
        return int(line["given_back_by_hand_said"].count("given back by hand"))

    a_second_tab_and_a_made_up_press_record_once(browser, page, today(system), records)


def test_the_terminal_records_it_once_and_group_bookings_says_so(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.connect(system, monkeypatch)
    group = _two_given_up(system)
    shown = cli.run(capsys, "group-bookings", INVOICED)
    assert f"Once given back: course-booking give-back-group {group['group_id']}" in shown.out
    command: tuple[str, ...] = (
        "give-back-group",
        group["group_id"],
        "--amount",
        "150",
        "--on",
        today(system),
    )
    command += ("--how", "cheque")

    ran = cli.run(capsys, *command)
    again = cli.run(capsys, *command)

    assert ran.status == 0, ran
    assert "£150.00 given back by hand, recorded: £250.00 still to give back." in ran.out
    assert again.status == 0, again
    assert "recorded already (this same command ran before)" in again.out
    after = cli.run(capsys, "group-bookings", INVOICED).out
    assert "Given back by hand: £150.00 given back by hand by cheque on " in after
    assert "Owed back by hand: £250.00 is owed back" in after


def test_the_same_group_typed_in_capitals_then_as_shown_makes_one_record(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Keyed by the group's id as the API holds it (lower case), not as typed: the same
    command run again with the id spelt otherwise, or pasted with spaces around it, names the
    same record."""
    cli.connect(system, monkeypatch)
    group = _two_given_up(system)
    given = ("--amount", "150", "--on", today(system), "--how", "cheque")

    ran = cli.run(capsys, "give-back-group", f" {group['group_id'].upper()} ", *given)
    again = cli.run(capsys, "give-back-group", group["group_id"], *given)

    assert ran.status == 0, ran
    assert "£150.00 given back by hand, recorded: £250.00 still to give back." in ran.out
    assert again.status == 0, again
    assert "recorded already (this same command ran before)" in again.out
    line = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
    assert line["given_back_by_hand_said"].count("given back by hand") == 1


def test_the_managers_and_billing_contacts_record_and_export_show_it(
    system: System, browser: ConsoleBrowser
) -> None:
    group = _two_given_up(system)
    typed: dict[str, Any] = {"amount": 40000, "given_on": today(system), "method": "bank_transfer"}
    assert _given_back(system, group, **typed).status == 200

    for email in (MANAGER, ACCOUNTS):
        export = system.admin("GET", f"/people/{email}").json()
        [named] = [g for g in export["group_bookings"] if g["group_id"] == group["group_id"]]
        said = named["given_back_by_hand"]
        assert said.startswith("£400.00 given back by hand by bank transfer on "), export
        record = browser.words(f"/console/people/record?email={email}")
        assert f"the money owed back by hand for its places given up: {said}" in record
    # A colleague on a place is no payer: their export does not say the group's money.
    colleague = system.admin("GET", "/people/mary@example.org").json()
    assert [g["as"] for g in colleague["group_bookings"]] == ["colleague (place 1)"]
    assert "given_back_by_hand" not in colleague["group_bookings"][0]


def test_a_key_or_press_sent_again_with_other_details_is_refused_and_records_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    group = _two_given_up(system)
    page = f"/console/groups/{group['group_id']}/given-back"
    a_key_sent_again_with_other_details(system, "/admin" + page.removeprefix("/console"))
    a_press_sent_again_with_another_amount(browser, page, browser.form(page, page), today(system))
    line = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
    said = line["given_back_by_hand_said"]
    assert said.count("given back by hand") == 2, said
    assert "£50.00 given back by hand by cheque" in said
    assert "£20.00 given back by hand in cash" in said


def test_every_refusal_on_a_groups_route_speaks_of_the_group_booking(
    system: System, browser: ConsoleBrowser
) -> None:
    group = _two_given_up(system)
    typed: dict[str, Any] = {"amount": 100, "given_on": today(system), "method": "cheque"}
    gid = group["group_id"]

    replies = [
        _given_back(system, group, seen="not a digest", **typed),
        system.admin("POST", f"/groups/{gid}/invoice/void", json_body={"seen": "not a digest"}),
        system.admin(
            "POST", f"/groups/{gid}/invoice/correct", json_body={**CORRECTED, "seen": "bad"}
        ),
    ]
    blind = _given_back(system, group, None, **typed).refused(400, "bad_request")["message"]
    page = f"/console/groups/{gid}/given-back"
    form = browser.form(page, page)
    console = browser.post(page, **{**form, **{k: str(v) for k, v in typed.items()}, "seen": "x"})

    for reply in replies:
        refused = reply.refused(422, "validation_failed")
        words = f"{refused['message']} {refused['fields']['seen']}"
        assert "the group booking" in words, refused
        assert "application" not in words, refused
    assert "the group booking" in blind
    assert "application" not in blind
    assert console.status == 422, console.body
    assert "of the application" not in console.body
    assert "open the group bookings page again" in console.body
    line = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"][0]
    assert line["given_back_by_hand_said"] == ""
