"""A payment the payer's bank has taken back in a dispute is never refunded as well:
the payer would be paid twice, and Stripe refuses a refund of a charged-back
charge (``charge_disputed``). The organisers' cancel with a refund, Refund afterwards and a
move to a cheaper cohort are refused in words (409 ``payment_disputed``), nothing changed,
refunded or emailed; once the dispute is won (the money reinstated) the refund is made as
before. A dispute Stripe opened whose events have not come yet is caught by Stripe's own
refusal, said in the same words. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.cohorts import ADA, Cohorts
from tests.support.console import signed_in
from tests.support.stripe_events import card_disputed, dispute_closed, paid
from tests.support.system import System

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _disputed(system: System, application: dict[str, Any]) -> dict[str, Any]:
    """The payer's bank disputes the booking's payment (its funds withdrawn): the dispute."""
    return dict(card_disputed(system, application, taken=False)["dispute"])


def _refunds_at_stripe(system: System) -> list[int]:
    events = system.stripe_local("GET", "/events").json()
    return [e["data"]["object"]["amount"] for e in events if e["type"] == "refund.created"]


def _refused_in_words(answer: Any) -> str:
    error = answer.refused(409, "payment_disputed")
    said = str(error["message"])
    assert "payer's bank has taken back £200.00" in said, said
    assert "paid twice" in said, said
    return said


def _nothing_changed(
    system: System, application: dict[str, Any], status: str, refunds_before: list[int]
) -> None:
    """The booking still ``status`` with nothing refunded, no refund asked of Stripe since
    ``refunds_before``, nobody emailed."""
    stored = system.stored(application)
    assert (stored.status.value, stored.amount_refunded) == (status, 0)
    assert _refunds_at_stripe(system) == refunds_before
    assert system.deliver_emails() == []


def test_a_cancel_with_a_refund_of_a_disputed_payment_is_refused(system: System) -> None:
    application = paid(system, "disputed1@example.org")
    _disputed(system, application)
    system.deliver_emails()
    refunds_before = _refunds_at_stripe(system)

    said = _refused_in_words(system.cancel(application["application_id"], refund=True))

    assert "Cancel it without the refund" in said
    # The console's confirmation says so before the press, never a refund it cannot make.
    path = f"/console/applications/{application['application_id']}/cancel?refund=on"
    cancelling = signed_in(system).words(path)
    assert "No refund can be made: the payer's bank has taken back £200.00" in cancelling
    assert "is refunded to" not in cancelling
    _nothing_changed(system, application, "confirmed", refunds_before)


def test_refund_afterwards_of_a_disputed_payment_is_refused(system: System) -> None:
    application = paid(system, "disputed2@example.org")
    _disputed(system, application)
    cancelled = system.cancel(application["application_id"], refund=False)
    assert cancelled.status == 200, cancelled.body
    system.deliver_emails()
    refunds_before = _refunds_at_stripe(system)

    path = f"/applications/{application['application_id']}"
    for answer in (
        system.admin("POST", f"{path}/refund", json_body={}),
        system.cancel(application["application_id"], refund=True),
    ):
        _refused_in_words(answer)

    _nothing_changed(system, application, "cancelled", refunds_before)


def test_a_won_dispute_lets_the_refund_be_made(system: System) -> None:
    application = paid(system, "disputed3@example.org")
    dispute = _disputed(system, application)
    dispute_closed(system, dispute["id"], "won")

    answer = system.cancel(application["application_id"], refund=True)

    assert answer.status == 200, answer.body
    assert system.stored(application).amount_refunded == 20000


def test_a_move_to_a_cheaper_cohort_of_a_disputed_payment_is_refused(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    _disputed(system, booked)
    cohorts.emails()

    answer = cohorts.move(booked["application_id"], "move-autumn")

    error = answer.refused(409, "payment_disputed")
    assert "payer's bank has taken back £200.00" in error["message"]
    record = cohorts.record(booked["application_id"])
    assert (record["course_id"], record["amount_refunded"]) == ("move-spring", 0)
    assert cohorts.refunded_at_stripe() == []


def test_a_dispute_whose_events_have_not_come_is_refused_by_stripe_in_words(
    system: System,
) -> None:
    application = paid(system, "disputed4@example.org")
    system.lose_webhooks = True  # the dispute's events are on their way
    _disputed(system, application)
    system.lose_webhooks = False
    system.deliver_emails()

    answer = system.cancel(application["application_id"], refund=True)

    error = answer.refused(409, "payment_disputed")
    assert "paid twice" in error["message"]
    stored = system.stored(application)
    assert (stored.status.value, stored.amount_refunded) == ("confirmed", 0)
    assert system.deliver_emails() == []


def test_the_console_offers_no_refund_of_a_payment_taken_back_in_a_dispute(
    system: System,
) -> None:
    application = paid(system, "disputed5@example.org")
    dispute = _disputed(system, application)
    cancelled = system.cancel(application["application_id"], refund=False)
    assert cancelled.status == 200, cancelled.body
    console = signed_in(system)
    path = f"/console/applications/{application['application_id']}"

    # Open, then lost: the bank holds the money, so the page offers no refund of it.
    for outcome in (None, "lost"):
        if outcome:
            dispute_closed(system, dispute["id"], outcome)
        page = console.words(path)
        assert "Refund £200.00" not in page, page
        assert "the £200.00 paid was kept" not in page, page

    # Won: the money came back, and the Refund the use case then makes is offered.
    won = paid(system, "disputed6@example.org")
    won_dispute = _disputed(system, won)
    system.cancel(won["application_id"], refund=False)
    dispute_closed(system, won_dispute["id"], "won")
    assert "Refund £200.00" in console.words(f"/console/applications/{won['application_id']}")
