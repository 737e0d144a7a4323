"""A payer's bank disputing a booking's payment (a chargeback, Stripe's ``charge.dispute.*``),
through the webhook handler with moto and the Stripe stand-in: the money counts it as Stripe's
balance does (withdrawn: taken back; reinstated: counted again), the booking stays confirmed
and is flagged in words, and the organisers are told once per dispute, whatever order or how
many times the events come."""

from __future__ import annotations

import copy
import json
from typing import Any

import stripe

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.stripe_events import card_disputed, dispute_closed, paid, sent
from tests.support.system import System

FORM = {"content-type": "application/x-www-form-urlencoded"}
FLAG = "Payment disputed by the payer's bank on"


def _events(system: System, dispute_id: str) -> list[dict[str, Any]]:
    """The dispute's events as the stand-in sent them, oldest first."""
    return [
        copy.deepcopy(e)
        for e in reversed(system.standin.events())
        if e["type"].startswith("charge.dispute.") and e["data"]["object"]["id"] == dispute_id
    ]


def _money(system: System) -> tuple[int, int, int, int, int]:
    totals = system.totals()
    figures = ("paid", "refunded", "disputed", "net", "dispute_fees")
    return tuple(totals[name] for name in figures)


def _organisers_told(system: System) -> list[str]:
    """The text of each message the organisers were sent about a dispute."""
    return [e.text for e in system.deliver_emails() if "disputed" in e.subject.lower()]


def test_withdrawn_then_lost_counts_it_taken_back_and_flags_the_booking(system: System) -> None:
    application = paid(system, "d1@example.org")
    before = _money(system)
    dispute = card_disputed(system, application)["dispute"]

    stored = system.stored(application)
    assert stored.status.value == "confirmed"  # the place is not taken away
    [record] = stored.disputes
    assert (record.withdrawn, record.status) == (20000, "needs_response")
    paid_in, refunded, disputed, net, fees = _money(system)
    # Stripe's dispute fee (£20, from the withdrawal's balance transaction) is out of net too,
    # apart from refunds and from what the bank took.
    assert (paid_in, refunded, disputed, fees) == (before[0], before[1], 20000, 2000)
    assert net == before[3] - 22000
    page = system.admin("GET", f"/applications/{application['application_id']}").body
    assert FLAG in page
    assert "did not make this payment" in page

    page = text_of(
        signed_in(system).get(f"/console/applications/{application['application_id']}").body
    )
    assert f"{FLAG} " in page
    assert "Stripe holds £200.00 until" in page
    assert "The place has not been taken away" in page
    assert "cancel the place in the organisers' console" in page
    [told] = _organisers_told(system)
    assert FLAG in told
    assert "Stripe holds £200.00 until" in told
    money = text_of(
        signed_in(system).get(f"/console/courses/{application['course_id']}/money").body
    )
    assert "Taken back by payers' banks (disputes) £200.00" in money, money[:3000]
    assert "Stripe's dispute fees (kept whatever the outcome) £20.00" in money
    assert "Net (paid in less refunded, disputed and dispute fees)" in money

    dispute_closed(system, dispute["id"], "lost")

    assert system.stored(application).disputes[0].status == "lost"
    assert _money(system)[2:] == (20000, before[3] - 22000, 2000)
    assert _organisers_told(system) == []  # once per dispute
    roster = text_of(signed_in(system).get(f"/console/courses/{application['course_id']}").body)
    assert "The dispute was lost: the bank kept the £200.00" in roster


def test_won_with_funds_reinstated_counts_it_again(system: System) -> None:
    application = paid(system, "d2@example.org")
    before = _money(system)
    dispute = card_disputed(system, application)["dispute"]
    closed = dispute_closed(system, dispute["id"], "won")

    assert [e["type"] for e in closed["events"]] == [
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
    ]
    [record] = system.stored(application).disputes
    assert (record.status, record.withdrawn) == ("won", 0)
    # The bank gave the money back; Stripe's £20 dispute fee is kept, whatever the outcome.
    assert _money(system) == (before[0], before[1], 0, before[3] - 2000, 2000)


def test_out_of_order_and_redelivered_events_end_as_stripe_holds_it(system: System) -> None:
    application = paid(system, "d3@example.org")
    before = _money(system)
    dispute = card_disputed(system, application)["dispute"]
    dispute_closed(system, dispute["id"], "won")
    events = _events(system, dispute["id"])
    assert [e["type"].rsplit(".", 1)[-1] for e in events] == [
        "created",
        "funds_withdrawn",
        "funds_reinstated",
        "closed",
    ]
    told = _organisers_told(system)
    assert len(told) == 1

    # Every one again, newest first, under new ids (Stripe's retries, reordered).
    for number, event in enumerate(reversed(events)):
        event["id"] = f"evt_again_{number}"
        assert sent(system, event)["action"] == "ignore"

    [record] = system.stored(application).disputes
    assert (record.status, record.withdrawn) == ("won", 0)
    # The bank gave the money back; Stripe's £20 dispute fee is kept, whatever the outcome.
    assert _money(system) == (before[0], before[1], 0, before[3] - 2000, 2000)
    assert _organisers_told(system) == []  # once per dispute


def test_events_first_heard_out_of_order_still_count_the_money(system: System) -> None:
    """The dispute's events held back, then delivered newest first (Stripe reorders): the
    close, read back at Stripe, records the dispute lost with its money withdrawn; the
    withdrawal and the opening, come late, change nothing and read nothing."""
    application = paid(system, "d4@example.org")
    before = _money(system)
    system.hold_webhooks = True
    dispute = card_disputed(system, application)["dispute"]
    dispute_closed(system, dispute["id"], "lost")
    system.hold_webhooks = False
    held = [json.loads(body) for body, _ in system.pending]
    assert [e["type"].rsplit(".", 1)[-1] for e in held] == ["created", "funds_withdrawn", "closed"]

    answers = [sent(system, event) for event in reversed(held)]

    assert [a["action"] for a in answers] == ["dispute_recorded", "ignore", "ignore"]
    [record] = system.stored(application).disputes
    assert (record.status, record.withdrawn) == ("lost", 20000)
    assert _money(system)[2] == before[2] + 20000
    assert len(_organisers_told(system)) == 1


def test_a_dispute_stripe_does_not_hold_is_refused(system: System) -> None:
    """A signed dispute event of a recorded payment that Stripe holds no dispute of (a forger
    with the webhook's secret) is read back, refused, and changes nothing."""
    application = paid(system, "d9@example.org")
    dispute = card_disputed(system, application)["dispute"]
    dispute_closed(system, dispute["id"], "won")
    assert len(_organisers_told(system)) == 1  # the real dispute's
    before = _money(system)
    forged = _events(system, dispute["id"])[1]  # a withdrawal of the same payment
    forged["id"] = "evt_forged"
    forged["data"]["object"]["id"] = "du_forged"

    assert sent(system, forged)["action"] == "ignore"

    assert [d.dispute_id for d in system.stored(application).disputes] == [dispute["id"]]
    assert _money(system) == before
    assert _organisers_told(system) == []


def test_an_event_is_recorded_as_stripe_holds_the_dispute(system: System) -> None:
    """A signed event saying a won dispute was lost, its money withdrawn, is recorded as
    Stripe holds it: won, nothing withdrawn."""
    application = paid(system, "d10@example.org")
    system.hold_webhooks = True
    dispute = card_disputed(system, application)["dispute"]
    dispute_closed(system, dispute["id"], "won")
    system.hold_webhooks = False
    said_lost = json.loads(system.pending[1][0])  # funds_withdrawn, as it was then
    said_lost["data"]["object"]["status"] = "lost"
    before = _money(system)

    sent(system, said_lost)

    [record] = system.stored(application).disputes
    assert (record.status, record.withdrawn) == ("won", 0)
    # The bank gave the money back; Stripe's £20 dispute fee is kept, whatever the outcome.
    assert _money(system) == (before[0], before[1], 0, before[3] - 2000, 2000)


def test_a_dispute_of_a_payment_no_application_recorded_changes_nothing(system: System) -> None:
    application = paid(system, "d6@example.org")
    dispute = card_disputed(system, application)["dispute"]
    before = _money(system)
    stranger = _events(system, dispute["id"])[1]
    stranger["id"] = "evt_stranger"
    stranger["data"]["object"].update({"id": "du_stranger", "payment_intent": "pi_nobodys"})
    # Its metadata naming a booking is no proof.
    stranger["data"]["object"]["metadata"] = {"application_id": application["application_id"]}

    assert sent(system, stranger)["action"] == "ignore"

    assert [d.dispute_id for d in system.stored(application).disputes] == [dispute["id"]]
    assert _money(system) == before


def test_the_dispute_event_carries_stripes_shape(system: System) -> None:
    application = paid(system, "d7@example.org")
    dispute = card_disputed(system, application)["dispute"]
    withdrawn = _events(system, dispute["id"])[1]["data"]["object"]
    assert withdrawn["object"] == "dispute"
    assert withdrawn["payment_intent"] == system.payment_of(application)
    assert withdrawn["evidence_details"]["due_by"] > withdrawn["created"]
    [taken] = withdrawn["balance_transactions"]
    assert (taken["amount"], taken["reporting_category"]) == (-20000, "dispute")
    assert set(taken) == {
        name for name in stripe.BalanceTransaction.__annotations__ if name[0].islower()
    }
    assert json.dumps(withdrawn).count("@") == 0  # nothing personal in it


def test_the_persons_record_and_erasure_keep_the_dispute(system: System) -> None:
    application = paid(system, "d8@example.org")
    dispute = card_disputed(system, application)["dispute"]
    exported = system.admin("GET", "/people/d8@example.org")
    assert exported.status == 200, exported.body
    [record] = exported.json()["applications"]
    assert record["amount_disputed"] == 20000
    assert [
        (d["dispute_id"], d["reason"], d["withdrawn"], d["fee"]) for d in record["disputes"]
    ] == [(dispute["id"], "fraudulent", 20000, 2000)]
    before = _money(system)

    erased = system.admin("DELETE", "/people/d8@example.org")
    assert erased.status in (200, 204), erased.body

    kept = system.stored(application)
    assert kept.is_erased
    assert [d.withdrawn for d in kept.disputes] == [20000]
    assert _money(system) == before  # the money Stripe holds is no personal data
    page = text_of(signed_in(system).get(f"/console/applications/{kept.application_id}").body)
    assert FLAG in page


def test_the_timeline_names_each_message_to_the_facilitators_as_what_it_told_them(
    system: System,
) -> None:
    """The booking's copy ("New booking") and the news of a dispute are no copy of a new
    application: the console's timeline says what each told the facilitators, as its subject
    does, not three lines alike."""
    application = paid(system, "d1@example.org")
    card_disputed(system, application)
    system.deliver_emails()
    page = text_of(
        signed_in(system).get(f"/console/applications/{application['application_id']}").body
    )
    to_them = "Email sent to the facilitators (1 address): "
    assert f"{to_them}New booking, with the application" in page
    assert f"{to_them}Payment disputed by the payer's bank" in page
    assert f"{to_them}Facilitators' copy of the application" not in page


def test_the_terminal_says_the_dispute_as_the_console_does(system: System, run: Any) -> None:
    application = paid(system, "d9@example.org")
    dispute = card_disputed(system, application)["dispute"]
    dispute_closed(system, dispute["id"], "lost")
    record = system.admin("GET", f"/applications/{application['application_id']}").json()

    code, said = run("application", record["reference"])

    assert code == 0
    assert f"\n{record['disputed']}\n" in said
    assert "The dispute was lost: the bank kept the £200.00" in said
