"""What the organisers and a group's manager read of a payer's bank's dispute is true of the
booking as it stands, on every page that says it: a dispute lost on a payment refunded already
says the payer was paid twice and that it is the organisers' to take up with them; a colleague's
booking cancelled without its share refunded holds no place to cancel; and a group's place
whose manager is there is never said to be cancelled in the console, which offers no cancel
of it.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.integration.test_disputed_refunds import _disputed
from tests.integration.test_disputes_groups_invoices import (
    _card_group,
    _checkout_of,
    _group_invoice,
    _opened,
    _told,
    colleague_applies_to_place,
)
from tests.support.console import signed_in
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    colleague_applies,
    paid_group,
)
from tests.support.invoiced import INVOICED
from tests.support.page_text import text_of
from tests.support.stripe_events import card_inquired, dispute_closed, paid
from tests.support.system import COURSE_ID, System

NOT_TAKEN_AWAY = "The place has not been taken away"
CANCEL_IN_CONSOLE = "in the organisers' console if you choose"
HOLDS_NO_PLACE = "The booking holds no place any more"


def _everywhere(system: System, application_id: str, course_id: str) -> list[str]:
    """What the organiser API's record, the roster (JSON, page, CSV) and the application's
    console page say of the booking's payment's dispute."""
    record = system.admin("GET", f"/applications/{application_id}").json()
    rows = system.admin("GET", f"/courses/{course_id}/applications").json()
    [row] = [r for r in rows if r["application_id"] == application_id]
    console = signed_in(system)
    return [
        str(record["disputed"]),
        str(row["disputed"]),
        console.words(f"/console/applications/{application_id}"),
        text_of(console.get(f"/console/courses/{course_id}").body),
        console.get(f"/console/courses/{course_id}/roster.csv").body,
    ]


def test_a_lost_dispute_of_a_refunded_payment_says_the_payer_was_paid_twice(
    system: System,
) -> None:
    email = "paid-twice@example.org"
    application = paid(system, email)
    assert system.cancel(application["application_id"], refund=True).status == 200
    dispute = _disputed(system, application)

    dispute_closed(system, dispute["id"], "lost")

    said = _everywhere(system, application["application_id"], COURSE_ID)
    person = signed_in(system).get(f"/console/people?{urlencode({'email': email})}").body
    [told] = [e.text for e in system.deliver_emails() if "disputed" in e.subject.lower()]
    for words in (*said, text_of(person), " ".join(told.split())):
        assert "The dispute was lost: the bank kept the £200.00." in words, words
        assert (
            "£200.00 of this payment had been refunded to the payer already, so they were paid "
            "twice (by the refund and by their bank)."
        ) in words, words
        assert "it is for the organisers to take up with the payer" in words


@pytest.mark.usefixtures("invoiced")
def test_a_colleagues_booking_cancelled_without_its_share_refunded_holds_no_place(
    system: System,
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    colleague_applies(system, group)
    _opened(system, _group_invoice(system, group))
    assert system.admin("DELETE", f"/people/{MANAGER}").status == 200
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])

    assert system.cancel(colleague.application_id, refund=False).status == 200

    for words in _everywhere(system, colleague.application_id, INVOICED):
        assert "Payment disputed by the payer's bank on" in words
        assert HOLDS_NO_PLACE in words, words
        assert NOT_TAKEN_AWAY not in words
        assert "cancel the place" not in words


def test_a_group_place_whose_manager_is_there_is_not_said_to_be_cancelled_in_the_console(
    system: System,
) -> None:
    group = _card_group(system)
    colleague_applies_to_place(system, group)

    _opened(system, _checkout_of(group))

    [row] = [
        r for r in system.admin("GET", f"/courses/{COURSE_ID}/applications").json() if r["group_id"]
    ]
    console = signed_in(system)
    # The console offers no cancel of the place: its manager gives it up.
    page = console.get(f"/console/applications/{row['application_id']}").body
    assert f"/console/applications/{row['application_id']}/cancel" not in page
    listed = system.admin("GET", f"/courses/{COURSE_ID}/group-bookings").json()
    groups_page = text_of(console.get(f"/console/courses/{COURSE_ID}/group-bookings").body)
    [told] = _told(system)
    said = _everywhere(system, row["application_id"], COURSE_ID)
    for words in said:
        words = " ".join(words.split())
        assert NOT_TAKEN_AWAY in words, words
        assert CANCEL_IN_CONSOLE not in words, words
        assert "only the group's manager can give up, on their page" in words, words
        assert "the organisers' console offers no cancel of it" in words
        assert "the manager cannot give it up while the dispute holds the payment" in words
    # The group's own line, and the facilitators' message about the group's payment (its two
    # places), cover all its places: said in the plural, never "the place".
    for words in (json.dumps(listed, ensure_ascii=False), groups_page, told):
        words = " ".join(words.split())
        assert "The group's places have not been taken away (a dispute may be won)" in words
        assert "They are a group booking's places, which only the group's manager can give up" in (
            words
        )
        assert "the organisers' console offers no cancel of them" in words
        assert "the manager cannot give them up while the dispute holds the payment" in words
        assert NOT_TAKEN_AWAY not in words
        assert CANCEL_IN_CONSOLE not in words


def test_an_inquiry_the_bank_closed_is_never_said_to_be_lost(system: System) -> None:
    application = paid(system, "inquired@example.org")
    inquiry = card_inquired(system, application)

    dispute_closed(system, inquiry["id"], "warning_closed")

    for words in _everywhere(system, application["application_id"], COURSE_ID):
        words = " ".join(words.split())
        closed = "The bank's inquiry closed without a chargeback: none of the £200.00 was taken."
        assert closed in words, words
        assert "lost" not in words
        assert "the bank kept" not in words


def test_an_open_inquiry_is_said_to_have_taken_nothing_and_counts_nothing_taken_back(
    system: System,
) -> None:
    email = "inquiry-open@example.org"
    application = paid(system, email)
    before = system.totals()

    card_inquired(system, application)

    said = _everywhere(system, application["application_id"], COURSE_ID)
    person = signed_in(system).get(f"/console/people?{urlencode({'email': email})}").body
    [told] = [e.text for e in system.deliver_emails() if "queried" in e.subject.lower()]
    for words in (*said, text_of(person), told):
        words = " ".join(words.split())
        assert (
            "The payer's bank has asked about this payment (an inquiry, not yet a chargeback): "
            "nothing has been taken yet, but it may become a chargeback, taking the £200.00 "
            "back, if it is not answered by"
        ) in words, words
        assert "Stripe holds" not in words
        assert "(a chargeback)" not in words
    # Nothing was withdrawn: the money page counts none of it taken back.
    after = system.totals()
    assert (after["disputed"], after["dispute_fees"], after["net"]) == (0, 0, before["net"])
    money = text_of(signed_in(system).get(f"/console/courses/{COURSE_ID}/money").body)
    assert "Taken back by payers' banks" not in money
    assert "(taken back by the payer's bank in a dispute)" not in money
