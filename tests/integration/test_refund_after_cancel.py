"""A booking cancelled without a refund, refunded afterwards: its console
page offers "Refund £200.00" and the organiser API ``POST .../refund``, both the one money
path a cancel with a refund takes: one refund at Stripe however often it is asked, the
booking ended refunded by its event, the person emailed once; the Cancel form says what
leaving the box unticked means."""

from __future__ import annotations

import re

from tests.support.cohorts import ADA, Cohorts, ada_on_the_console
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System


def _kept(cohorts: Cohorts) -> str:
    """Ada's booking, paid £200.00, cancelled keeping the money."""
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    assert cohorts.system.act_on(app_id, "cancel", refund=False).status == 200
    cohorts.emails()
    return app_id


def test_the_api_refunds_a_cancelled_booking_once_and_tells_the_person_once(
    system: System,
) -> None:
    cohorts = Cohorts(system)
    app_id = _kept(cohorts)

    first = system.act_on(app_id, "refund")
    again = system.act_on(app_id, "refund")

    assert (first.status, again.status) == (200, 200), (first.body, again.body)
    assert first.json()["status"] == "refunded"
    assert cohorts.refunded_at_stripe() == [20000]
    assert system.stored_document(app_id)["amount_refunded"] == 20000
    told = cohorts.emails_to(ADA)
    assert len(told) == 1, [m.subject for m in told]
    assert "refunded" in told[0].text
    assert system.act_on(app_id, "refund").status == 200
    assert cohorts.refunded_at_stripe() == [20000]
    assert cohorts.emails_to(ADA) == []


def test_the_api_refuses_in_words_what_it_cannot_refund(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    standing = system.act_on(app_id, "refund")
    standing.refused(409, "not_cancelled")
    unpaid = system.apply(email="unpaid@example.org").json()["application_id"]
    assert system.act_on(unpaid, "cancel").status == 200
    nothing = system.act_on(unpaid, "refund")
    assert nothing.status == 409, nothing.body
    assert "nothing to refund" in nothing.json()["error"]["message"]
    assert cohorts.refunded_at_stripe() == []


def test_the_console_offers_the_refund_and_says_what_it_did(
    system: System, browser: ConsoleBrowser
) -> None:
    cohorts, _, path = ada_on_the_console(system)
    before = text_of(browser.get(path).body)
    assert (
        "Keep the £200.00 paid: you can refund it later from this page (Refund £200.00)" in before
    )
    assert browser.press(f"{path}/cancel", f"{path}/cancel").status == 303
    cohorts.emails()
    page = browser.get(path).body
    assert f'action="{path}/refund"' in page
    assert "Refund £200.00" in text_of(page)

    form = browser.form(path, f"{path}/refund")
    done = browser.post(f"{path}/refund", **form)
    assert done.status == 303, done.body
    said = text_of(browser.get(done.headers["location"]).body)
    assert "£200.00 is being refunded through Stripe. The applicant has been emailed." in said
    assert cohorts.refunded_at_stripe() == [20000]
    assert len(cohorts.emails_to(ADA)) == 1
    assert f'action="{path}/refund"' not in browser.get(path).body

    repeat = browser.post(f"{path}/refund", **form)  # Back and press again: the same form
    assert repeat.status == 303
    assert "asked of Stripe already" in text_of(browser.get(repeat.headers["location"]).body)
    assert cohorts.refunded_at_stripe() == [20000]
    assert cohorts.emails_to(ADA) == []


def test_a_refund_after_a_dashboard_part_refund_says_both_parts(system: System) -> None:
    """A booking cancelled keeping its £200.00, £50.00 of it refunded on Stripe's dashboard,
    then *Refund*: the person is told of the dashboard's part when it is made,
    and the Refund's email (sent before its refund's event lands) names its own £150.00 and
    the £50.00 before it, never "£150.00" as all that was paid."""
    cohorts = Cohorts(system)
    app_id = _kept(cohorts)
    system.refund_at_stripe(system.stored_document(app_id)["payment_intent"], 5000)
    part = [m.text for m in cohorts.emails_to(ADA)]
    assert len(part) == 1, part
    assert "We have refunded £50.00 of what you paid for" in part[0]

    system.hold_webhooks = True  # the Refund's own event lands after its save, as it may
    assert system.act_on(app_id, "refund").status == 200
    [told] = cohorts.emails_to(ADA)
    for body in (told.text, text_of(told.html)):
        assert "We have refunded £150.00 of your payment for" in body, body
        assert "(with the £50.00 refunded earlier, £200.00 in all)" in body, body
    system.hold_webhooks = False
    for event, headers in system.pending:
        assert system.webhook(event, headers).status == 200
    assert cohorts.emails_to(ADA) == []
    assert system.stored_document(app_id)["amount_refunded"] == 20000


def test_a_refund_pressed_on_a_page_from_before_a_dashboard_refund_gives_nothing_back(
    system: System, browser: ConsoleBrowser
) -> None:
    """The page said "Refund £200.00"; £50.00 was refunded on Stripe's dashboard meanwhile:
    its press acts only on what its page showed (``domain.page_seen``), so it is refused in
    words, nothing asked of Stripe; the page shown again says what it now does."""
    cohorts = Cohorts(system)
    app_id = _kept(cohorts)
    path = f"/console/applications/{app_id}"
    page = browser.get(path).body
    assert "Refund £200.00" in text_of(page)
    [seen] = set(re.findall(r'name="seen" value="([^"]*)"', page))
    system.refund_at_stripe(system.stored_document(app_id)["payment_intent"], 5000)
    cohorts.emails()

    stale = browser.post(f"{path}/refund", csrf_token=browser.csrf(path), seen=seen)

    assert stale.status == 409, stale.body
    assert "changed since you last looked at it" in text_of(stale.body)
    assert "£150.00 paid" in text_of(stale.body)
    assert cohorts.refunded_at_stripe() == [5000]
    assert cohorts.emails_to(ADA) == []
    assert system.act_on(app_id, "refund", seen=seen).status == 409
    again = browser.get(path).body
    assert "Refund £150.00" in text_of(again)
    [now] = set(re.findall(r'name="seen" value="([^"]*)"', again))
    assert browser.post(f"{path}/refund", csrf_token=browser.csrf(path), seen=now).status == 303
    assert cohorts.refunded_at_stripe() == [20000, 5000]  # newest first: all given back
