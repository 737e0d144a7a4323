"""A payment is believed only for the booking that recorded it, and never more given back than
was paid (``services.believed``), through the real handlers, moto and the Stripe stand-in.
Every event here is signed with the webhook's own secret: what anyone holding it could send,
though Stripe never would."""

from __future__ import annotations

import pytest

from tests.support.stripe_events import (
    applied,
    last_event,
    not_believed,
    paid,
    sent,
    session_of,
    shown,
)
from tests.support.system import COURSE_ID, System


def test_a_checkout_event_carrying_another_bookings_payment_confirms_nothing(
    system: System,
) -> None:
    x = paid(system, "x@example.org")
    y = applied(system, "y@example.org")
    forged = last_event(system, "checkout.session.completed")
    paid_by_x = forged["data"]["object"]["payment_intent"]
    # Y's own session, completed with X's payment.
    forged["id"] = "evt_forged_session"
    forged["data"]["object"].update(
        id=session_of(y),
        client_reference_id=y["application_id"],
        metadata={"application_id": y["application_id"]},
    )
    answer = sent(system, forged)
    assert answer["action"] == "ignore", answer
    assert shown(system, y) == ("awaiting_payment", 0, 0)
    # Cancelling Y with a refund gives back nothing of X's.
    cancelled = system.cancel(y["application_id"])
    assert cancelled.status == 200, cancelled.body
    assert system.standin.money_taken()[x["application_id"]] == 20000
    assert shown(system, x) == ("confirmed", 20000, 0)
    assert not [
        e
        for e in system.standin.events()
        if e["type"] == "charge.refunded" and e["data"]["object"]["payment_intent"] == paid_by_x
    ]


def test_a_refund_event_beyond_what_was_paid_is_not_recorded(system: System) -> None:
    x = paid(system, "x@example.org")
    z = paid(system, "z@example.org")
    cancelled = system.cancel(z["application_id"])
    assert cancelled.status == 200, cancelled.body
    paid_by_x = next(
        e["data"]["object"]["payment_intent"]
        for e in system.standin.events()
        if e["type"] == "checkout.session.completed"
        and e["data"]["object"]["client_reference_id"] == x["application_id"]
    )
    by_charge = last_event(system, "charge.refunded")
    by_charge["id"] = "evt_forged_charge"
    by_charge["data"]["object"].update(payment_intent=paid_by_x, amount_refunded=10**9)
    by_refund = last_event(system, "refund.created")
    by_refund["id"] = "evt_forged_refund"
    by_refund["data"]["object"].update(id="re_forged", payment_intent=paid_by_x, amount=20001)
    for forged in (by_charge, by_refund):
        answer = sent(system, forged)
        assert (answer["action"], answer.get("status")) == ("ignore", "confirmed"), answer
    assert shown(system, x) == ("confirmed", 20000, 0)
    # A refund within what was paid, one Stripe holds, is still recorded.
    system.refund_at_stripe(paid_by_x, 5000)
    assert shown(system, x) == ("confirmed", 20000, 5000)


def test_a_refund_event_beyond_what_a_group_paid_is_not_recorded(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.groups import paid_by_card

    group = paid_by_card(system)
    stored = system.stored_group(group)
    assert stored.amount_paid > 0
    system.refund_at_stripe(stored.payment_intent, 1000)  # a real partial refund, recorded
    by_refund = last_event(system, "refund.created", stored.payment_intent)
    by_refund["id"] = "evt_forged_group_refund"
    by_refund["data"]["object"].update(id="re_forged_group", amount=stored.amount_paid)
    caplog.clear()
    answer = sent(system, by_refund)
    assert answer["action"] == "ignore", answer
    alarms = [r for r in not_believed(caplog) if r.levelname == "ERROR"]
    assert [getattr(r, "event_id", None) for r in alarms] == ["evt_forged_group_refund"]
    after = system.stored_group(group)
    assert (after.amount_refunded, after.status) == (1000, stored.status)


def test_a_checkout_event_carrying_a_payment_its_session_did_not_make_confirms_nothing(
    system: System,
) -> None:
    """A payment no booking recorded is recorded first only when the checkout session the
    booking recorded made it at Stripe: a signed event naming Y's own session, at its
    amount, with a payment that session never took, is not believed."""
    x = paid(system, "x@example.org")
    y = applied(system, "y@example.org")
    forged = last_event(system, "checkout.session.completed")
    forged["id"] = "evt_forged_unrecorded_payment"
    forged["data"]["object"].update(
        id=session_of(y),
        client_reference_id=y["application_id"],
        metadata={"application_id": y["application_id"]},
        payment_intent="pi_recorded_by_nobody",
    )
    answer = sent(system, forged)
    assert answer["action"] == "ignore", answer
    assert shown(system, y) == ("awaiting_payment", 0, 0)
    # Y's own payment, when it comes, is believed: its session made it.
    assert system.pay(y["checkout_url"]).status == 200
    assert shown(system, y) == ("confirmed", 20000, 0)
    assert shown(system, x) == ("confirmed", 20000, 0)


def test_a_groups_checkout_event_carrying_a_payment_not_its_own_pays_nothing(
    system: System,
) -> None:
    """The group's path answers by the same rule: a payment another booking recorded, or one
    the group's own checkout session did not make, pays no group."""
    from tests.support.groups import OTHERS, book

    g = book(system, course=COURSE_ID).json()
    assert system.pay(str(g["pay_url"])).status == 200
    paid_by_g = system.stored_group(g)
    h = book(system, course=COURSE_ID, colleagues=OTHERS).json()
    for n, payment in enumerate((paid_by_g.payment_intent, "pi_recorded_by_nobody")):
        forged = last_event(system, "checkout.session.completed")
        forged["id"] = f"evt_forged_group_{n}"
        forged["data"]["object"].update(
            id=str(h["pay_url"]).rsplit("/", 1)[-1],
            client_reference_id=h["group_id"],
            metadata={"application_id": h["group_id"]},
            payment_intent=payment,
        )
        answer = sent(system, forged)
        assert answer["action"] == "ignore", answer
        stored = system.stored_group(h)
        assert (stored.payment_intent, stored.amount_paid) == (None, 0)
