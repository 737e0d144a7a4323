"""A signed event's word that a checkout was paid is believed only when Stripe's session is
complete and paid, and paid with that payment (``services.believed``): a session holds its
payment from the moment the payer confirms, so a declined card or a bank debit still
processing holds one too. Through the real handlers, moto and the Stripe stand-in, every
forged event signed with the webhook's own secret: what anyone holding it could send."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.integration.test_payments_believed import _session_at_stripe
from tests.support.groups import pay_link_id
from tests.support.stripe_events import (
    applied,
    last_event,
    not_believed,
    sent,
    session_of,
    shown,
)
from tests.support.system import COURSE_ID, System


def paid_later(system: System, session_id: str) -> str:
    """The payer confirms a bank debit at Checkout: Stripe's session is complete, holds its
    payment, and is unpaid until the debit settles. Its payment intent."""
    confirmed = system.pay_session(session_id, delayed=True)
    assert confirmed.status == 200, confirmed.body
    held = system.checkout_session(session_id)
    assert (held["status"], held["payment_status"]) == ("complete", "unpaid")
    return str(held["payment_intent"])


def settled(system: System, session_id: str) -> None:
    assert system.settle_session(session_id).status == 200


def forged_paid(system: System, session_id: str, payment_intent: str, **ids: Any) -> dict[str, Any]:
    """The pending event of a checkout, said paid: signed, but not Stripe's word."""
    forged = last_event(system, "checkout.session.completed")
    forged["id"] = f"evt_forged_paid_{session_id[-6:]}"
    forged["data"]["object"].update(
        id=session_id, payment_intent=payment_intent, payment_status="paid", **ids
    )
    return forged


def refunds_of(system: System, payment_intent: str) -> list[dict[str, Any]]:
    return [
        e
        for e in system.standin.events()
        if e["type"] in ("charge.refunded", "refund.created")
        and e["data"]["object"].get("payment_intent") == payment_intent
    ]


def test_a_paid_event_for_a_payment_still_processing_confirms_nothing(system: System) -> None:
    y = applied(system, "y@example.org")
    payment = paid_later(system, session_of(y))
    ids = {"client_reference_id": y["application_id"]}
    answer = sent(system, forged_paid(system, session_of(y), payment, **ids))
    assert answer["action"] == "ignore", answer
    assert shown(system, y) == ("awaiting_payment", 0, 0)
    settled(system, session_of(y))  # Stripe's own word, when the debit settles, is believed
    assert shown(system, y) == ("confirmed", 20000, 0)


def test_a_groups_paid_event_for_an_unpaid_payment_pays_nothing_and_is_heard_as_an_error(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.groups import book

    group = book(system, course=COURSE_ID).json()
    session_id = pay_link_id(group)
    payment = paid_later(system, session_id)
    caplog.set_level(logging.INFO)
    answer = sent(system, forged_paid(system, session_id, payment))
    assert answer["action"] == "ignore", answer
    stored = system.stored_group(group)
    assert stored.amount_paid == 0
    [said] = not_believed(caplog)
    assert said.levelno == logging.ERROR  # the organisers' alarm hears the group's refusal
    settled(system, session_id)
    after = system.stored_group(group)
    assert (after.payment_intent, after.amount_paid) == (payment, after.total.amount)


def paid_its_events_held(system: System, session_id: str) -> str:
    """Paid at Stripe, its events not delivered yet (Stripe delivers out of order): the
    payment intent."""
    system.hold_webhooks = True
    assert system.stripe_local("POST", f"/checkout/{session_id}/pay").status == 200
    return str(system.checkout_session(session_id)["payment_intent"])


def delivered(system: System) -> None:
    system.hold_webhooks = False
    held, system.pending[:] = list(system.pending), []
    for body, headers in held:
        assert system.webhook(body, headers).status == 200


def test_a_session_stripe_does_not_hold_gives_back_nobodys_payment(system: System) -> None:
    """A signed event naming a session nobody recorded, which Stripe does not hold either,
    and Y's payment, arriving before Y's own event: nothing is given back, and Y's event
    then confirms Y."""
    y = applied(system, "y@example.org")
    payment = paid_its_events_held(system, session_of(y))
    answer = sent(system, forged_paid(system, "cs_test_recorded_by_nobody", payment))
    assert answer["action"] == "ignore", answer
    delivered(system)
    assert shown(system, y) == ("confirmed", 20000, 0)
    assert refunds_of(system, payment) == []


def test_a_session_nobody_recorded_gives_back_only_the_payment_stripe_says_paid_it(
    system: System,
) -> None:
    """A session made at Stripe by someone else, which nobody here recorded: an event saying
    it was paid with Y's payment gives nothing back; its own payment goes back."""
    y = applied(system, "y@example.org")
    stray = _session_at_stripe(system, y["application_id"], amount=20000)
    strays = paid_its_events_held(system, stray)
    payment = paid_its_events_held(system, session_of(y))
    answer = sent(system, forged_paid(system, stray, payment))
    assert answer["action"] == "ignore", answer
    delivered(system)
    assert shown(system, y) == ("confirmed", 20000, 0)
    assert refunds_of(system, payment) == []
    assert refunds_of(system, strays) != []  # the stray money, on Stripe's word, goes back
