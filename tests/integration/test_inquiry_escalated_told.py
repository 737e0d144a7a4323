"""A payer's bank's inquiry (nothing taken) that the bank escalates to a chargeback (the money
and Stripe's fee taken): the facilitators, told of the inquiry that nothing was taken, are told
again once the money is taken, in the chargeback's words; the money page counts it from then.
However often, and in whatever order, the events come, each is one message. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.stripe_events import card_inquired, last_event, paid
from tests.support.system import System

_FORM = {"content-type": "application/x-www-form-urlencoded"}
TOLD = "by the payer's bank"  # in the subject of the facilitators' message about a dispute


def _escalated(system: System, dispute_id: str) -> dict[str, Any]:
    reply = system.stripe_local("POST", f"/disputes/{dispute_id}/escalate", b"", _FORM)
    assert reply.status == 200, reply.body
    assert [e["webhook_status"] for e in reply.json()["events"]] == [200]
    return dict(reply.json())


def _told(system: System) -> list[tuple[str, str]]:
    """Each message about a dispute delivered since: its subject and its text on one line."""
    sent = system.deliver_emails()
    return [(e.subject, " ".join(e.text.split())) for e in sent if TOLD in e.subject]


def test_an_inquiry_become_a_chargeback_is_told_again_once_with_the_money_taken(
    system: System,
) -> None:
    application = paid(system, "escalated@example.org")
    inquiry = card_inquired(system, application)
    opened = last_event(system, "charge.dispute.created")
    [(inquired, first)] = _told(system)
    assert inquired.startswith("Payment queried by the payer's bank (an inquiry, nothing taken)")
    assert "nothing has been taken yet" in first

    escalated = _escalated(system, inquiry["id"])

    [(subject, second)] = _told(system)
    assert subject.startswith(
        "Payment disputed by the payer's bank (its inquiry is now a chargeback)"
    ), subject
    assert "The bank has taken the payment back (a chargeback)" in second
    assert "nothing has been taken yet" not in second
    totals = system.totals()
    assert (totals["disputed"], totals["dispute_fees"]) == (20000, 2000)
    # The escalation's event again, and the inquiry's come late: nobody is told anything more.
    for event in (*escalated["events"], opened):
        resent = system.stripe_local("POST", f"/events/{event['id']}/resend", b"", _FORM)
        assert resent.status == 200, resent.body
    assert _told(system) == []
    # A chargeback is no inquiry: the stand-in's bank cannot escalate it again.
    twice = system.stripe_local("POST", f"/disputes/{inquiry['id']}/escalate", b"", _FORM)
    assert twice.status == 400, twice.body
    assert totals == system.totals()


def test_the_timeline_names_each_dispute_message_as_its_subject_said_it(
    system: System,
) -> None:
    """The inquiry's message stays an inquiry on the timeline once the inquiry became a
    chargeback, and the second message reads as the escalation, for a person and (its
    message naming nobody) an erased person alike."""
    to_them = "Email sent to the facilitators (1 address): "
    inquired = "Payment queried by the payer's bank (an inquiry, nothing taken)"
    became = "Payment disputed by the payer's bank (its inquiry is now a chargeback)"
    for email, erased in (("told-a@example.org", False), ("told-b@example.org", True)):
        application = paid(system, email)
        if erased:
            reply = system.admin("DELETE", f"/people/{email}")
            assert reply.status in (200, 204), reply.body
        inquiry = card_inquired(system, application)
        assert len(_told(system)) == 1
        _escalated(system, inquiry["id"])
        assert len(_told(system)) == 1

        booking = f"/console/applications/{application['application_id']}"
        page = text_of(signed_in(system).get(booking).body)
        erased_said = ": the person's data erased, naming nobody" if erased else ""
        assert page.count(f"{to_them}Payment ") == 2, page
        assert f"{to_them}{inquired}{erased_said}" in page, page
        assert f"{to_them}{became}{erased_said}" in page, page
