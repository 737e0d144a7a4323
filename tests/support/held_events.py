"""Stripe's events held back while something is done, then delivered when a test says: the
races in which the webhook hears of a payment or a refund after the organiser acted, or in
another order than Stripe made them (``System.hold_webhooks`` and ``System.pending``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import pytest

from tests.support.races import at_the_first
from tests.support.system import Reply, System

Delivery = tuple[bytes, dict[str, str]]
Done = TypeVar("Done")


def held(system: System, act: Callable[[], Done]) -> tuple[Done, list[Delivery]]:
    """``act`` done with Stripe's webhooks held: its answer, and the events it caused, in the
    order made, not delivered (taken out of ``pending``)."""
    start = len(system.pending)
    holding = system.hold_webhooks
    system.hold_webhooks = True
    try:
        done = act()
    finally:
        system.hold_webhooks = holding
    caused = system.pending[start:]
    del system.pending[start:]
    return done, caused


def events_held(system: System, act: Callable[[], Reply]) -> list[Delivery]:
    """The events ``act`` (which must answer 200) caused at Stripe, held back, in the order
    made: a payment or a refund whose webhook comes later, or in another order."""
    done, caused = held(system, act)
    assert done.status == 200, done.body
    return caused


def deliver(system: System, events: list[Delivery]) -> None:
    """Each of ``events`` to the webhook, in this order: each must be answered 200."""
    for body, headers in events:
        assert system.webhook(body, headers).status == 200


def paid_while(
    system: System, pay: Callable[[], Reply], act: Callable[[], Reply]
) -> tuple[Reply, list[Delivery]]:
    """Paid at Stripe (``pay``, which must answer 200) while the organiser acts (``act``):
    Stripe's events about the payment (and any the act causes) arrive after the act's save.
    The act's answer, and the events delivered (to replay)."""

    def both() -> Reply:
        paid = pay()
        assert paid.status == 200, paid.body
        return act()

    done, events = held(system, both)
    deliver(system, events)
    return done, events


def held_at(system: System, moment: datetime, *acts: Callable[[], Reply]) -> list[list[Delivery]]:
    """Each of ``acts`` made at Stripe in turn (each must answer 200) while the stand-in's
    clock stands still at ``moment`` (all in one second there): the events each caused, held,
    not delivered."""
    caused = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(system, "now", lambda: moment)
        for act in acts:
            done, events = held(system, act)
            assert done.status == 200, done.body
            caused.append(events)
    return caused


def paid_after_its_read(
    system: System, invoice_id: str, act: Callable[[], Done]
) -> tuple[Done, list[Delivery]]:
    """``act`` done while the employer pays ``invoice_id`` at Stripe just after the act read
    it there (its one read, before voiding or replacing it: nothing paid yet), Stripe's
    events held: the act's answer, and the events it and the payment caused, not delivered.
    The race left once an act refuses an invoice being paid."""
    with pytest.MonkeyPatch.context() as patch:
        paid = at_the_first(
            patch,
            system.ports.payments,
            "invoice_at_stripe",
            lambda: system.stripe_local("POST", f"/invoices/{invoice_id}/pay"),
            lambda invoice, **options: invoice == invoice_id,
            after=True,
        )
        done, caused = held(system, act)
    [reply] = paid
    assert reply.status == 200, reply.body
    return done, caused


def paid_then_completed(
    system: System,
    invoice_id: str,
    by: str,
    sweep_after: timedelta,
    press_again: Callable[[], None] = lambda: None,
) -> None:
    """The employer pays ``invoice_id`` on Stripe's page, then what completes the act that sent
    it, by ``by``: ``"event"``, Stripe's ``invoice.paid`` delivered at once; ``"sweep"``, the
    event held while the sweep runs ``sweep_after`` from now; otherwise the event held while
    the act is pressed again (``press_again``, which checks its answer). A held event is
    delivered last, and must change nothing more."""

    def pay() -> Reply:
        return system.stripe_local("POST", f"/invoices/{invoice_id}/pay")

    if by == "event":
        paid = pay()
        assert paid.status == 200, paid.body
        assert system.webhook_replies[-1].status == 200
        return
    paid, paid_events = held(system, pay)
    assert paid.status == 200, paid.body
    if by == "sweep":
        system.scheduled_run(system.now() + sweep_after)
    else:
        press_again()
    deliver(system, paid_events)
