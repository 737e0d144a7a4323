"""A give-up that Stripe refuses because the place was given up meanwhile by another request:
the answer says what holds, 200 with the booking as it is (the place given up),
never a 409 claiming nothing was changed. Through the real handlers, moto and the Stripe
stand-in; the other request is run, whole, just before this one's refund reaches Stripe."""

from __future__ import annotations

import pytest

from booking.services.payment_port import RefundMade
from tests.support.groups import give_up, paid_card_group
from tests.support.system import System


def test_a_give_up_refused_after_the_place_went_meanwhile_answers_as_done(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = paid_card_group(system)  # 3 places, £600
    stored = system.stored_group(group)
    # £500 refunded on Stripe's dashboard, its events not heard yet: £100 left.
    system.hold_webhooks = True
    system.refund_at_stripe(str(stored.payment_intent), 50000)
    system.hold_webhooks = False
    payments = system.ports.payments
    real_refund = payments.refund
    calls: list[str] = []
    others: list[int] = []

    def refund_after_another(
        payment_intent: str, *, amount: int | None, idempotency_key: str
    ) -> RefundMade:
        calls.append(idempotency_key)
        if len(calls) == 2:  # place 1's share asked again from what is left: place 2 first
            others.append(give_up(system, group, 2).status)
        return real_refund(payment_intent, amount=amount, idempotency_key=idempotency_key)

    monkeypatch.setattr(payments, "refund", refund_after_another)
    reply = give_up(system, group, 1)

    assert others == [200]  # place 2 took the last £100: the booking ended, place 1 with it
    assert reply.status == 200, reply.body
    after = system.stored_group(group)
    assert [place.released for place in after.places] == [True, True, True]
    assert after.amount_refunded == 60000
    assert [p["state"] for p in reply.json()["places"]] == ["released"] * 3
