"""An erasure while Stripe is unreachable: what we hold is erased at once, and Stripe's search
for the customers it alone holds under the address (an invoice corrected away from them before
replaced contacts were kept) is owed, made by the reminders' run once Stripe answers, and
then forgotten, address and all. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from booking.services.provider_searches import OVERDUE_LINE, REFUSED_LINE
from tests.integration.test_erasure_at_stripe import customer_of, deleted, erase
from tests.integration.test_former_contacts_backfill import (
    SPELT,
    _as_saved_before_former_contacts_were_kept,
    _backfill_every_course,
    held_by_stripe_alone_with_capitals,
)
from tests.integration.test_replaced_billing_contact import _corrected_away_from_accounts
from tests.support.applications import invoice_id_of
from tests.support.console import signed_in
from tests.support.invoiced import ACCOUNTS, BILLING, CORRECTED, INVOICED, applied_by_invoice
from tests.support.page_text import text_of
from tests.support.stripe_client import OUTAGE, never_asked, requests_to
from tests.support.system import STRIPE_KEY, System

SEARCHES = "/v1/customers"  # how Stripe is asked for the customers holding an address
DOWN = ["timeout"] * 200  # every request of an erasure fails: Stripe unreachable


def _held_by_stripe_alone(system: System) -> str:
    """:data:`ACCOUNTS` applied themselves and was the contact an invoice was corrected away
    from before such contacts were kept (only Stripe holds them so): that old invoice's id."""
    application, old, _new = _corrected_away_from_accounts(system)
    _as_saved_before_former_contacts_were_kept(system, application)
    system.booked(email=ACCOUNTS)
    return old


def _erased_with_stripe_down(system: System) -> tuple[Any, str]:
    """:data:`ACCOUNTS` (``_held_by_stripe_alone``) erased while every request to Stripe
    fails: the answer and the old invoice's id."""
    old = _held_by_stripe_alone(system)
    return _erased_while_down(system, ACCOUNTS), old


def _erased_while_down(system: System, email: str) -> Any:
    """``email`` erased while every request to Stripe fails: the answer."""
    system.stripe_http.fail_next.extend(DOWN)
    erased = erase(system, email)
    system.stripe_http.fail_next.clear()
    return erased


def _run(system: System, after: timedelta) -> dict[str, Any]:
    return system.scheduled_run(system.now() + after)


def test_the_erasure_completes_and_says_stripe_is_pending_then_a_run_finishes_it(
    system: System,
) -> None:
    erased, old = _erased_with_stripe_down(system)

    assert erased.status == 200, erased.body
    answer = erased.json()
    assert (answer["stripe_pending"], answer["erasures_pending_at_stripe"]) == (True, 1)
    assert any(
        "pending" in line and "Stripe could not be reached" in line for line in answer["said"]
    )
    assert "1 erasure is still waiting for Stripe to answer." in answer["said"]
    assert ACCOUNTS not in str(answer)
    with never_asked(system.stripe_http):  # a read asks Stripe nothing
        assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404  # ours erased at once
    assert not deleted(system, old)

    ran = _run(system, timedelta(minutes=15))

    assert ran["stripe_searches_made"] == 1
    assert deleted(system, old)
    assert system.ports.repository.provider_searches_owed() == []
    assert system.ports.repository.owed_customer_deletions() == []
    # The replaced contacts' backfill no longer finds them at Stripe to record again.
    assert _backfill_every_course(system)["recorded"] == 0
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    # Done: a later run asks Stripe nothing more about them.
    before = len(requests_to(system.stripe_http, SEARCHES))
    assert _run(system, timedelta(minutes=30))["stripe_searches_made"] == 0
    assert len(requests_to(system.stripe_http, SEARCHES)) == before


def test_the_consoles_result_page_says_the_stripe_side_is_pending(system: System) -> None:
    _held_by_stripe_alone(system)
    browser = signed_in(system)
    page = f"/console/people/erase?email={quote(ACCOUNTS)}"
    system.stripe_http.fail_next.extend(DOWN)

    erased = browser.press(page, "/console/people/erase", confirm="on")
    system.stripe_http.fail_next.clear()

    assert erased.status == 200, text_of(erased.body)[:500]
    words = text_of(erased.body)
    assert "Stripe could not be reached" in words
    assert "1 erasure is still waiting for Stripe to answer." in words


def test_an_erasure_with_stripe_answering_says_nothing_is_pending(system: System) -> None:
    _held_by_stripe_alone(system)

    answer = erase(system, ACCOUNTS).json()

    assert (answer["stripe_pending"], answer["erasures_pending_at_stripe"]) == (False, 0)
    assert not [line for line in answer["said"] if "Stripe" in line]


def test_stripe_still_down_the_search_waits_and_two_runs_never_both_make_it(
    system: System,
) -> None:
    _erased, old = _erased_with_stripe_down(system)
    system.stripe_http.fail_next.extend(DOWN)
    first = _run(system, timedelta(minutes=1))
    system.stripe_http.fail_next.clear()
    assert first["stripe_searches_made"] == 0
    assert len(system.ports.repository.provider_searches_owed()) == 1
    # Another run while the first's claim lasts (two ticks overlapping) leaves it alone.
    before = len(requests_to(system.stripe_http, SEARCHES))
    assert _run(system, timedelta(minutes=2))["stripe_searches_made"] == 0
    assert len(requests_to(system.stripe_http, SEARCHES)) == before
    assert not deleted(system, old)

    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, old)


def test_an_invoice_to_the_address_made_since_the_erasure_keeps_its_customer(
    system: System,
) -> None:
    """Someone else books by invoice to the same accounts address after the erasure, and the
    employer pays it, before Stripe answers the search: that booking's customer is not the
    erased person's, and stays."""
    _erased, old = _erased_with_stripe_down(system)
    system.clock_offset += timedelta(minutes=2)
    since = invoice_id_of(system.apply(INVOICED, email="mary@example.org", **BILLING).json())
    paid = system.stripe_local("POST", f"/invoices/{since}/pay")
    assert paid.status == 200, paid.body

    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1

    assert deleted(system, old)
    assert not deleted(system, since)
    assert customer_of(system, since)["email"] == ACCOUNTS


def test_a_customer_deleted_at_stripe_meanwhile_counts_as_done(system: System) -> None:
    _erased, old = _erased_with_stripe_down(system)
    customer = customer_of(system, old)["id"]
    gone = system.stripe_local("DELETE", f"/v1/customers/{customer}", headers=STRIPE_KEY)
    assert gone.status == 200, gone.body

    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1

    assert system.ports.repository.provider_searches_owed() == []
    assert system.ports.repository.owed_customer_deletions() == []


def test_a_search_owed_over_a_day_is_logged_for_the_alarm_without_the_address(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    _erased_with_stripe_down(system)
    caplog.set_level(logging.INFO)
    system.stripe_http.fail_next.extend(DOWN)
    _run(system, timedelta(hours=2))
    assert not [r for r in caplog.records if r.getMessage() == OVERDUE_LINE]

    _run(system, timedelta(days=1, minutes=15))
    system.stripe_http.fail_next.clear()

    [overdue] = [r for r in caplog.records if r.getMessage() == OVERDUE_LINE]
    assert (overdue.levelname, getattr(overdue, "overdue", None)) == ("ERROR", 1)
    assert ACCOUNTS.lower() not in caplog.text.lower()


def test_the_address_is_forgotten_after_thirty_days_whatever_stripe_answers(
    system: System,
) -> None:
    _erased_with_stripe_down(system)
    assert len(system.ports.repository.provider_searches_owed()) == 1
    searched = len(requests_to(system.stripe_http, SEARCHES))

    # Stripe answers what else the run asks it (begun just before midnight, 30 days on is a
    # day later: the corrected booking's invoice has fallen due, read and voided there);
    # only the search goes unasked.
    _run(system, timedelta(days=30, minutes=1))

    assert len(requests_to(system.stripe_http, SEARCHES)) == searched  # given up unasked
    assert system.ports.repository.provider_searches_owed() == []


def test_an_address_spelt_with_capitals_erased_in_lower_case_is_found_once_stripe_answers(
    system: System,
) -> None:
    """The replaced contact typed their address with capitals; the organiser erases it typed
    in lower case while Stripe is unreachable. Our records' spelling is erased at once, so the
    pending search keeps it: the run asks Stripe by it, the customer Stripe alone holds is
    deleted, and the backfill never brings them back."""
    old = held_by_stripe_alone_with_capitals(system)
    system.stripe_http.fail_next.extend(DOWN)
    erased = erase(system, SPELT.lower())
    system.stripe_http.fail_next.clear()
    assert erased.json()["stripe_pending"] is True, erased.body

    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1

    assert deleted(system, old)
    _backfill_every_course(system)
    assert system.admin("GET", f"/people/{SPELT.lower()}").status == 404


def test_the_backfill_run_while_the_search_is_pending_never_records_the_person_again(
    system: System,
) -> None:
    """The operator runs the replaced contacts' backfill while the erasure still waits for
    Stripe (its customer still there, holding the erased person's name and address): the
    backfill reads that customer but records nobody it was asked to forget, and once the run
    deletes the customer nothing about them is held anywhere."""
    _erased, old = _erased_with_stripe_down(system)

    backfilled = _backfill_every_course(system)

    assert backfilled["recorded"] == 0, backfilled
    with never_asked(system.stripe_http):  # a read leaves the search to the run
        assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, old)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404


def test_the_address_asked_for_again_while_stripe_is_still_away_says_its_erasure_waits(
    system: System,
) -> None:
    """Erased with Stripe down, then erased (or exported, or found in the console) again
    with Stripe still away: nothing is held here, and the answer says the Stripe side is
    still pending, where it said only that no data is held, as if Stripe held none either."""
    _erased, old = _erased_with_stripe_down(system)

    system.stripe_http.fail_next.extend(DOWN)
    erased_again = system.admin("DELETE", f"/people/{quote(ACCOUNTS.upper())}")
    system.stripe_http.fail_next.clear()
    with never_asked(system.stripe_http):
        exported = system.admin("GET", f"/people/{quote(ACCOUNTS)}")
        page = signed_in(system).get(f"/console/people/erase?email={quote(ACCOUNTS)}")
    for again in (erased_again, exported):
        message = again.refused(404, "not_found")["message"]
        assert "no data is held about this email address" in message, message
        assert "still waits for Stripe" in message, message
    assert "still waits for Stripe" in text_of(page.body)
    assert not deleted(system, old)
    assert len(system.ports.repository.provider_searches_owed()) == 1


def test_the_address_erased_again_with_stripe_back_makes_the_search_at_once(
    system: System,
) -> None:
    """Stripe back before the run: erasing the address again makes the search its erasure
    owed there and then, and deletes what it finds, rather than saying it waits for a run;
    the answer is the plain one, and the run has nothing left to do."""
    _erased, old = _erased_with_stripe_down(system)

    again = system.admin("DELETE", f"/people/{quote(ACCOUNTS.upper())}").refused(404, "not_found")

    assert again["message"] == "no data is held about this email address"
    assert deleted(system, old)
    assert system.ports.repository.provider_searches_owed() == []
    assert system.ports.repository.owed_customer_deletions() == []
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 0


def test_reading_the_address_with_stripe_back_leaves_the_search_to_an_erasure_or_the_run(
    system: System,
) -> None:
    """Stripe back before the run: exporting the address, or opening the console's page to
    erase it, is a read: it asks Stripe nothing and deletes nothing there (a reload or a
    browser's prefetch must never act), and says the erasure still waits; the run makes it."""
    _erased, old = _erased_with_stripe_down(system)

    with never_asked(system.stripe_http):
        exported = system.admin("GET", f"/people/{quote(ACCOUNTS)}")
        page = signed_in(system).get(f"/console/people/erase?email={quote(ACCOUNTS)}")

    assert "still waits for Stripe" in exported.refused(404, "not_found")["message"]
    assert "still waits for Stripe" in text_of(page.body)
    assert not deleted(system, old)
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, old)


def test_the_consoles_erase_pressed_on_an_older_tab_with_stripe_back_makes_the_search_at_once(
    system: System,
) -> None:
    """The console's erase page opened while the person was held, erased meanwhile (Stripe
    away), then *Erase* pressed on that older tab with Stripe back: the press is an erasure,
    so the search it owed is made then (as the organiser API's erasure makes it), and the page
    says nothing is held, with nothing left waiting."""
    old = _held_by_stripe_alone(system)
    browser = signed_in(system)
    older_tab = browser.form(
        f"/console/people/erase?email={quote(ACCOUNTS)}", "/console/people/erase"
    )
    _erased_while_down(system, ACCOUNTS)

    pressed = browser.post("/console/people/erase", **{**older_tab, "confirm": "on"})

    assert pressed.status == 404, text_of(pressed.body)[:300]
    assert "No data is held about this email address." in text_of(pressed.body)
    assert "still waits for Stripe" not in text_of(pressed.body)
    assert deleted(system, old)
    assert system.ports.repository.provider_searches_owed() == []


def test_a_person_erased_again_after_booking_again_finishes_the_earlier_erasures_search(
    system: System,
) -> None:
    """They booked again after an erasure whose search waits for Stripe, and are erased again
    with Stripe back: the earlier search is made with this erasure's own, and nothing waits
    for Stripe afterwards (the answer says none does)."""
    _erased, old = _erased_with_stripe_down(system)
    system.booked(email=ACCOUNTS)

    answer = erase(system, ACCOUNTS).json()

    assert (answer["stripe_pending"], answer["erasures_pending_at_stripe"]) == (False, 0)
    assert deleted(system, old)
    assert system.ports.repository.provider_searches_owed() == []


def test_a_customer_stripe_alone_holds_made_between_two_erasures_is_found_by_the_search(
    system: System,
) -> None:
    """Erased with Stripe down; before Stripe answers, the address is again a contact an
    invoice is corrected away from (Stripe alone holds that customer, made after the first
    erasure) and is erased again, Stripe still down. The one search owed covers both
    erasures: it finds the customers Stripe made by the second, so that one goes too."""
    _erased, old = _erased_with_stripe_down(system)
    system.clock_offset += timedelta(minutes=2)
    # Someone else's booking billed to them, its invoice corrected away from them (as before
    # such contacts were kept); and they book another cohort themselves.
    application = applied_by_invoice(system, email="zed@example.org")
    between = invoice_id_of(application)
    path = f"/applications/{application['application_id']}/invoice/correct"
    assert system.admin("POST", path, json_body=dict(CORRECTED)).status == 200
    _as_saved_before_former_contacts_were_kept(system, application)
    system.put_course("another-cohort", system.course_file())
    system.booked("another-cohort", email=ACCOUNTS)

    again = _erased_while_down(system, ACCOUNTS)

    assert again.status == 200, again.body
    assert (again.json()["stripe_pending"], again.json()["erasures_pending_at_stripe"]) == (
        True,
        1,
    )
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, old)
    assert deleted(system, between)
    assert system.ports.repository.provider_searches_owed() == []


def test_the_address_erased_again_while_a_run_makes_its_search_never_makes_it_twice(
    system: System,
) -> None:
    """A run claimed the search (Stripe silent for it) a minute before the erasure comes
    again with Stripe back: the erasure leaves it to the claim (two never make one search at
    once) and says it waits; the run after the claim makes it."""
    _erased, old = _erased_with_stripe_down(system)
    system.stripe_http.fail_next.extend(DOWN)
    assert _run(system, timedelta(minutes=1))["stripe_searches_made"] == 0
    system.stripe_http.fail_next.clear()
    system.clock_offset += timedelta(minutes=2)
    before = len(requests_to(system.stripe_http, SEARCHES))

    again = system.admin("DELETE", f"/people/{quote(ACCOUNTS)}").refused(404, "not_found")

    assert "still waits for Stripe" in again["message"]
    assert len(requests_to(system.stripe_http, SEARCHES)) == before
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, old)
    after = system.admin("DELETE", f"/people/{quote(ACCOUNTS)}").refused(404, "not_found")
    assert after["message"] == "no data is held about this email address"


def test_the_backfill_run_while_a_customers_deletion_is_owed_never_records_the_person_again(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe answered the erasure's search but not its deletions (the customer it found, of
    an invoice corrected away from them, is owed a deletion for the sweep): the backfill run
    meanwhile reads that customer but records nobody whose customer is to be deleted."""
    old = _held_by_stripe_alone(system)
    answer = system.stripe_http._answer

    def deletions_fail(method: str, url: str, headers: Any, post_data: Any) -> Any:
        if method == "delete" and "/v1/customers/" in url:
            return OUTAGE, 500, {}
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", deletions_fail)
    assert erase(system, ACCOUNTS).json()["stripe_pending"] is False
    monkeypatch.undo()
    assert system.ports.repository.owed_customer_deletions() == [old]

    backfilled = _backfill_every_course(system)

    assert backfilled["recorded"] == 0, backfilled
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    _run(system, timedelta(minutes=15))
    assert deleted(system, old)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404


REFUSED = "refused.search@example.org"
INVALID = json.dumps(
    {"error": {"type": "invalid_request_error", "message": "Invalid email address"}}
)


def _searches_by_refused(
    system: System, monkeypatch: pytest.MonkeyPatch, body: str = INVALID, status: int = 400
) -> list[int]:
    """From now on Stripe answers ``status`` with ``body`` (by default 400: an invalid
    request, not an outage) to each search for the customers of :data:`REFUSED`: how many it
    refused."""
    answer = system.stripe_http._answer
    refused = [0]

    def invalid(method: str, url: str, headers: Any, post_data: Any) -> Any:
        if method == "get" and SEARCHES in url and quote(REFUSED, safe="") in url:
            refused[0] += 1
            return body, status, {}
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", invalid)
    return refused


def _two_erasures_waiting(system: System) -> tuple[str, str]:
    """:data:`REFUSED` (invoiced to themselves, so their customer's deletion is owed too),
    then :data:`ACCOUNTS` a minute later, erased while Stripe is unreachable: the invoice of
    the customer Stripe alone holds under ACCOUNTS, and REFUSED's invoice."""
    old = _held_by_stripe_alone(system)
    applied = system.apply(INVOICED, email=REFUSED, **{**BILLING, "billing_email": REFUSED})
    assert applied.status == 201, applied.body
    assert _erased_while_down(system, REFUSED).json()["stripe_pending"] is True
    system.clock_offset += timedelta(minutes=1)
    assert _erased_while_down(system, ACCOUNTS).json()["stripe_pending"] is True
    return old, invoice_id_of(applied.json())


def test_a_search_stripe_refuses_as_invalid_never_stops_the_run_nor_the_others(
    system: System, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Two erasures wait for Stripe, the earlier one's search refused by Stripe as invalid (a
    400, not an outage) on every try: the run still makes the other search and the owed
    customer deletion after it; the refused one is kept (the overdue alarm sees it) and
    counted in the log, never by its address."""
    old, refused_invoice = _two_erasures_waiting(system)
    repository = system.ports.repository
    assert repository.owed_customer_deletions() == [refused_invoice]
    refused = _searches_by_refused(system, monkeypatch)
    caplog.set_level(logging.INFO)

    ran = _run(system, timedelta(minutes=15))

    assert (refused[0], ran["stripe_searches_made"], deleted(system, old)) == (1, 1, True)
    # The owed deletion, after the searches in the run, is made too.
    assert (deleted(system, refused_invoice), repository.owed_customer_deletions()) == (True, [])
    assert len(repository.provider_searches_owed()) == 1  # the refused one, kept
    logged = [getattr(r, "refused", None) for r in caplog.records if r.msg == REFUSED_LINE]
    assert (logged, REFUSED.lower() in caplog.text.lower()) == ([1], False)
    # Kept till its time-to-live: asked again by a later run, never stopping it either.
    assert _run(system, timedelta(minutes=30))["stripe_searches_made"] == 0
    assert refused[0] == 2


def test_a_search_stripe_answers_with_a_server_error_goes_behind_the_others(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two erasures wait for Stripe, the earlier one's search answered 500 on every try (an
    answer, not silence): the run stops its searches there, as at any outage, and that search
    was first again on every run after, stopping the other until given up after 30 days. It
    goes behind the others: the next run makes the other search first."""
    old, _refused_invoice = _two_erasures_waiting(system)
    failed = _searches_by_refused(system, monkeypatch, OUTAGE, 500)

    first = _run(system, timedelta(minutes=15))
    second = _run(system, timedelta(minutes=30))

    assert (first["stripe_searches_made"], second["stripe_searches_made"]) == (0, 1)
    assert deleted(system, old)
    assert failed[0] == 2  # asked again after the other, and still owed
    assert len(system.ports.repository.provider_searches_owed()) == 1


def test_an_erasure_that_finds_stripe_unreachable_asks_it_nothing_more(invoiced: System) -> None:
    """The search by the address found Stripe unreachable (or too slow: the short-timeout
    reader): the deletions of the customers our bookings record are owed already, and left to
    the run, never asked one by one of a Stripe that may hang, past the request's time, so the
    organiser would never read the answer saying what is pending."""
    system = invoiced
    applied = system.apply(INVOICED, email=REFUSED, **{**BILLING, "billing_email": REFUSED})
    invoice = invoice_id_of(applied.json())
    assert system.stripe_local("POST", f"/invoices/{invoice}/pay").status == 200
    before = len(system.stripe_http.requests)

    erased = _erased_while_down(system, REFUSED)

    assert erased.json()["stripe_pending"] is True, erased.body
    asked = [(r.method, r.path) for r in system.stripe_http.requests[before:]]
    assert asked == [("get", SEARCHES)], asked
    assert system.ports.repository.owed_customer_deletions() == [invoice]
    assert _run(system, timedelta(minutes=15))["stripe_searches_made"] == 1
    assert deleted(system, invoice)
