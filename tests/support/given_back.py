"""Money given back by hand, recorded through the organisers' API: a person's or a group's, by
the same key and body."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tests.support.console import ConsoleBrowser
from tests.support.system import ADMIN_TOKEN, Reply, System

# A fresh Idempotency-Key for each request that does not name one.
_KEYS = (f"given-back-key-{n}" for n in itertools.count())


def today(system: System) -> str:
    """The system's day, as the record's ``given_on`` is typed."""
    return system.now().date().isoformat()


def given_back(system: System, path: str, key: str | None = "", **body: Any) -> Reply:
    """The API's record at ``path``; ``key`` "": a fresh Idempotency-Key; None: none sent."""
    headers = {"authorization": f"Bearer {ADMIN_TOKEN}"}
    if key is not None:
        headers["idempotency-key"] = key or next(_KEYS)
    return system.api("POST", path, json_body=body, headers=headers)


def a_key_sent_again_with_other_details(system: System, path: str) -> None:
    """A script reusing its key for another amount is told so, never "recorded: before", and
    nothing is recorded; the same key with the same details answers "recorded: before"."""
    day = today(system)
    first = given_back(system, path, "k1", amount=5000, given_on=day, method="cheque")
    assert first.status == 200, first.body

    other = given_back(system, path, "k1", amount=1000, given_on=day, method="cheque")

    refused = other.refused(409, "idempotency_key_reused")["message"]
    assert "£50.00 given back by hand by cheque" in refused
    assert "nothing was changed" in refused
    again = given_back(system, path, "k1", amount=5000, given_on=day, method="cheque")
    assert again.json()["recorded"] == "before"


def a_press_sent_again_with_another_amount(
    browser: ConsoleBrowser, page: str, form: dict[str, str], day: str
) -> None:
    """The console's press sent again with another amount typed (Back, an edit, send): refused
    (409), the page saying what the first press recorded (£20.00 in cash)."""
    typed = {"amount": "20", "given_on": day, "method": "cash"}
    assert browser.post(page, **{**form, **typed}).status == 303
    edited = browser.post(page, **{**form, **typed, "amount": "30"})
    assert edited.status == 409, edited.body
    assert "£20.00 given back by hand in cash" in edited.body


def recorded_once_per_key_then_the_rest(
    system: System, path: str, first: int, owed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``first`` pence recorded by cheque twice with one key (one record: "now", then "before"),
    then the rest of ``owed`` by bank transfer: nothing left. The repeat's answer and the
    last one's."""
    day = today(system)
    once = given_back(system, path, "k1", amount=first, given_on=day, method="cheque")
    again = given_back(system, path, "k1", amount=first, given_on=day, method="cheque")

    assert once.status == 200, once.body
    assert (once.json()["recorded"], again.json()["recorded"]) == ("now", "before")
    assert again.json()["left_to_give_back"] == owed - first
    rest = given_back(system, path, amount=owed - first, given_on=day, method="bank_transfer")
    assert rest.status == 200, rest.body
    assert rest.json()["left_to_give_back"] == 0
    assert [r["amount"] for r in rest.json()["given_back_by_hand"]] == [first, owed - first]
    return again.json(), rest.json()


def too_much_a_future_day_and_one_before_the_payment_refused(system: System, path: str) -> None:
    """More than the £200.00 left to give back, a day in the future and a day before the
    payment arrived: each refused beside its field (422), nothing recorded by them."""
    day = today(system)
    too_much = given_back(system, path, amount=20001, given_on=day, method="cheque")
    assert "give at most £200.00" in too_much.refused(422, "validation_failed")["fields"]["amount"]
    future = given_back(system, path, amount=100, given_on="2999-01-01", method="cheque")
    assert "in the future" in future.refused(422, "validation_failed")["fields"]["given_on"]
    early = given_back(system, path, amount=100, given_on="2020-01-01", method="cheque")
    refused = early.refused(422, "validation_failed")["fields"]
    assert "before the payment arrived" in refused["given_on"]


def a_retry_with_the_same_seen_refused(system: System, path: str, seen: str) -> None:
    """£50.00 by cheque sent twice with no Idempotency-Key but the ``seen`` read before it: the
    first recorded, the retry refused as changed since (409) in words."""
    typed = {"amount": 5000, "given_on": today(system), "method": "cheque"}
    first = given_back(system, path, None, seen=seen, **typed)
    retried = given_back(system, path, None, seen=seen, **typed)
    assert first.status == 200, first.body
    assert "look at it again" in retried.refused(409, "application_changed")["message"]


def a_second_tab_and_a_made_up_press_record_once(
    browser: ConsoleBrowser, page: str, day: str, records: Callable[[], int]
) -> None:
    """The console's ``page`` open in two tabs: the first's press records £50.00 by cheque, the
    second's (stale) is refused (409) in words, and a press made up, or another page's, is no
    press of this page (422). One record (``records`` counts them) after each."""
    first, second = browser.form(page, page), browser.form(page, page)
    typed = {"amount": "50", "given_on": day, "method": "cheque"}

    assert browser.post(page, **{**first, **typed}).status == 303
    stale = browser.post(page, **{**second, **typed})

    assert stale.status == 409, stale.body
    assert "look at it again before recording money given back" in stale.body
    assert records() == 1
    forged = browser.post(page, **{**first, **typed, "press": "x" * 39})
    assert forged.status == 422
    assert records() == 1
