"""Cancelling from the console asks first (a slip of the mouse ended a booking
and emailed its person): the application page's *Cancel* leads to a page that says who is
emailed, the refund in pounds and the place going back, and changes nothing; its form then
posts the cancel, with the same refund choice and the CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.cohorts import ada_on_the_console
from tests.support.console import ConsoleBrowser
from tests.support.invoiced import ACCOUNTS, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def _paid(system: System, email: str) -> dict[str, Any]:
    application = system.booked(COURSE_ID, email=email)
    return dict(application)


def test_the_application_page_asks_before_cancelling(
    system: System, browser: ConsoleBrowser
) -> None:
    paid = _paid(system, "paid@example.org")
    path = f"/console/applications/{paid['application_id']}"
    page = browser.get(path).body
    # The page's Cancel form goes to the confirmation (a GET that changes nothing).
    [form] = re.findall(r'<form method="(\w+)" action="' + re.escape(path) + r'/cancel">', page)
    assert form == "get"
    version = system.stored(paid).version
    system.deliver_emails()

    asked, words = browser.shown(f"{path}/cancel?refund=on")
    assert "Ada Lovelace (paid@example.org) is emailed that it is cancelled." in words
    assert "The course's facilitators are told the participant has withdrawn." in words
    assert "£200.00 is refunded through Stripe." in words
    assert "Its place goes back to the course" in words
    assert "Yes, cancel the booking" in words
    assert re.search(r'name="csrf_token" value="[^"]+"', asked)
    assert '<input type="hidden" name="refund" value="on">' in asked
    assert system.stored(paid).version == version  # asking changed nothing
    assert system.deliver_emails() == []

    kept = text_of(browser.get(f"{path}/cancel").body)
    assert "Nothing is refunded: the £200.00 paid is kept." in kept

    # Confirmed: the cancel itself, as before (CSRF kept: without it, 403 and nothing done).
    assert browser.post(f"{path}/cancel", refund="on").status == 403
    assert system.status_of(paid)["status"] == "confirmed"
    done = browser.press(f"{path}/cancel?refund=on", f"{path}/cancel")
    assert done.status == 303
    assert system.stored(paid).status.value in ("cancelled", "refunded")


def test_a_waiting_list_is_named_and_an_ended_booking_is_not_asked_about(
    system: System, browser: ConsoleBrowser
) -> None:
    definition = system.one_session_file(capacity=1)
    assert system.admin("PUT", "/courses/one", json_body=definition).status == 201
    holder = system.booked("one", email="holder@example.org")
    assert system.apply("one", email="waiting@example.org").status == 201
    path = f"/console/applications/{holder['application_id']}"
    words = text_of(browser.get(f"{path}/cancel").body)
    assert "1 person is on the waiting list, and the first is offered it" in words
    assert browser.press(f"{path}/cancel", f"{path}/cancel").status == 303
    again = browser.get(f"{path}/cancel")
    assert again.status == 409
    assert "cannot be cancelled now" in text_of(again.body)


def test_the_confirmation_names_the_billing_contact_the_cancel_emails(
    system: System, browser: ConsoleBrowser
) -> None:
    """An invoice booking's cancel also tells the employer's billing contact, in
    a message of its own; the page says so, as the cancel's own decision (run unwritten)."""
    invoiced_cohort(system)
    application = applied_by_invoice(system)
    system.deliver_emails()
    path = f"/console/applications/{application['application_id']}"

    shown = browser.get(f"{path}/cancel").body
    words = text_of(shown)

    assert f"Their billing contact ({ACCOUNTS}) is emailed that it is cancelled" in words
    assert "facilitator" not in words  # no confirmed place: they hear nothing of it
    # Pressed with what the page showed: the invoice voided first is the cancel's own step,
    # not a change since the page (``domain.page_seen``).
    assert browser.act(f"{path}/cancel", **_hidden(shown)).status == 303
    sent_to = [address for email in system.deliver_emails() for address in email.to]
    assert ACCOUNTS in sent_to, sent_to


def _hidden(page: str) -> dict[str, str]:
    """The confirmation form's hidden fields (CSRF left to ``act``), as a browser posts them."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    fields.pop("csrf_token", None)
    return fields


def _cancel_shown_unpaid(
    system: System, browser: ConsoleBrowser, email: str
) -> tuple[dict[str, Any], str, str]:
    """An application by ``email``, not paid, and its cancel confirmation as the console shows
    it then ("nothing was paid"): the application, its console path and that page."""
    application = dict(system.apply(COURSE_ID, email=email).json())
    path = f"/console/applications/{application['application_id']}"
    shown = browser.get(f"{path}/cancel").body
    assert "Nothing is refunded: nothing was paid" in text_of(shown)
    return application, path, shown


def test_a_page_shown_before_the_person_paid_cancels_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    # Shown while unpaid ("nothing was paid"), pressed after the payment landed,
    # the cancel ended the paid booking and kept the money. The form carries what it showed.
    application, path, shown = _cancel_shown_unpaid(system, browser, "late@example.org")
    seen = _hidden(shown)
    assert list(seen) == ["seen"]
    assert re.fullmatch("[0-9a-f]{16}", seen["seen"])
    assert system.pay(application["checkout_url"]).status == 200
    system.deliver_emails()

    refused = browser.act(f"{path}/cancel", **seen)
    assert refused.status == 409, refused.body
    words = text_of(refused.body)
    assert "changed since you last looked at it" in words
    assert "£200.00 paid" in words
    assert system.stored(application).status.value == "confirmed"
    assert system.deliver_emails() == []

    # Shown again, it says what it now does, and its press acts.
    again = browser.get(f"{path}/cancel?refund=on").body
    assert list(_hidden(again)) == ["seen", "refund"]
    assert _hidden(again)["seen"] != seen["seen"]
    assert browser.act(f"{path}/cancel", **_hidden(again)).status == 303
    assert system.stored(application).status.value in ("cancelled", "refunded")


@pytest.mark.parametrize(
    "seen",
    [
        {"status_seen": "nonsense", "paid_seen": "0"},
        {"status_seen": "awaiting_payment", "paid_seen": "-1"},
        {"status_seen": "awaiting_payment"},
        {"paid_seen": "0"},
        {"seen": "nonsense"},
        {"seen": "0123456789ABCDEF"},
    ],
)
def test_an_unclear_seen_is_refused_in_words(
    system: System, browser: ConsoleBrowser, seen: dict[str, str]
) -> None:
    application = system.apply(COURSE_ID, email="odd@example.org").json()
    path = f"/console/applications/{application['application_id']}"
    refused = browser.act(f"{path}/cancel", **seen)
    assert refused.status == 422, refused.body
    assert "open the application again" in text_of(refused.body)
    assert system.stored(application).status.value == "awaiting_payment"


def test_the_admin_cancel_takes_what_its_caller_read(system: System) -> None:
    application = system.apply(COURSE_ID, email="api@example.org").json()
    path = f"/applications/{application['application_id']}/cancel"
    read = {"status_seen": "awaiting_payment", "paid_seen": 0}
    assert system.pay(application["checkout_url"]).status == 200
    refused = system.admin("POST", path, json_body=read)
    assert refused.status == 409, refused.body
    assert refused.json()["error"]["code"] == "application_changed"
    assert system.stored(application).status.value == "confirmed"
    unclear = system.admin("POST", path, json_body={"status_seen": "confirmed"})
    assert unclear.status == 422, unclear.body
    # Pence are a JSON whole number, as every other admin amount.
    typed = system.admin("POST", path, json_body={"status_seen": "confirmed", "paid_seen": "20000"})
    assert typed.refused(422, "validation_failed")["fields"]["paid_seen"]
    assert "page" not in refused.json()["error"]["message"]  # an API caller has no page
    assert system.stored(application).status.value == "confirmed"
    now = {"status_seen": "confirmed", "paid_seen": 20000}
    assert system.admin("POST", path, json_body=now).status == 200
    assert system.stored(application).status.value == "cancelled"


def test_a_bank_debit_going_through_is_said_not_nothing_paid(
    system: System, browser: ConsoleBrowser
) -> None:
    # "nothing was paid" while the debit was on its way (then refunded).
    application = system.apply(COURSE_ID, email="debit@example.org").json()
    session = application["checkout_url"].rsplit("/", 1)[-1]
    assert system.pay_session(session, delayed=True).status == 200
    path = f"/console/applications/{application['application_id']}"
    words = text_of(browser.get(f"{path}/cancel").body)
    assert "A payment of £200.00 is going through: if it arrives, it is refunded in full." in words
    assert "nothing was paid" not in words
    assert (
        browser.act(f"{path}/cancel", **_hidden(browser.get(f"{path}/cancel").body)).status == 303
    )
    assert system.settle_session(session).status == 200
    assert system.stored(application).money_returned == 20000  # as the page said


def test_a_page_shown_before_a_bank_debit_began_cancels_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    # The page said "nothing was paid"; a bank debit began meanwhile (status and
    # money kept unchanged) and the cancel acted on words that were no longer true.
    application, path, shown = _cancel_shown_unpaid(system, browser, "debit-later@example.org")
    session = application["checkout_url"].rsplit("/", 1)[-1]
    assert system.pay_session(session, delayed=True).status == 200
    system.deliver_emails()

    refused = browser.act(f"{path}/cancel", **_hidden(shown))

    assert refused.status == 409, refused.body
    assert "a bank payment going through" in text_of(refused.body)
    stored = system.stored(application)
    assert (stored.status.value, stored.payment_pending) == ("awaiting_payment", True)
    assert system.deliver_emails() == []


def test_a_page_naming_the_cohort_the_booking_left_cancels_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    # Confirmed on a page naming cohort A, the cancel ended the booking on B,
    # where another organiser had moved it meanwhile.
    cohorts, app_id, path = ada_on_the_console(system)
    shown = browser.get(f"{path}/cancel").body
    assert cohorts.move(app_id, "move-summer").status == 200
    cohorts.emails()

    refused = browser.act(f"{path}/cancel", **_hidden(shown))

    assert refused.status == 409, refused.body
    assert "changed since you last looked at it" in text_of(refused.body)
    record = cohorts.record(app_id)
    assert (record["course_id"], record["status"]) == ("move-summer", "confirmed")
    assert cohorts.emails() == []
    # The API's read gives the same: what it read is what its cancel acts on.
    read = cohorts.record(app_id)["seen"]
    cancel = f"/applications/{app_id}/cancel"
    assert system.admin("POST", cancel, json_body={"seen": shown_seen(shown)}).status == 409
    assert system.admin("POST", cancel, json_body={"seen": read}).status == 200
    assert cohorts.record(app_id)["status"] == "cancelled"


def shown_seen(page: str) -> str:
    return _hidden(page)["seen"]


def test_an_older_page_s_pair_no_longer_stands_in_for_seen(
    system: System, browser: ConsoleBrowser
) -> None:
    """A form carrying only the older pair (status_seen and paid_seen), no ``seen``, is not
    the page's: two facts would act on a page whose price, bursary, invoice or move
    changed since. Refused in words, 422, nothing done, even when the pair still holds."""
    application = system.apply(COURSE_ID, email="old-tab@example.org").json()
    path = f"/console/applications/{application['application_id']}"
    assert system.pay(application["checkout_url"]).status == 200
    system.deliver_emails()
    for pair in (("awaiting_payment", "0"), ("confirmed", "20000")):
        older = browser.act(f"{path}/cancel", status_seen=pair[0], paid_seen=pair[1])
        assert older.status == 422, older.body
        assert "This form was not the page's: open the application again." in text_of(older.body)
    assert system.stored(application).status.value == "confirmed"
