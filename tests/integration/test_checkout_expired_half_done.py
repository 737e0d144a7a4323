"""A card act stopped between Stripe's expiry of the open checkout and its save (the function
out of time after ``checkout_expiry.expired_first``), and nobody pressing again: what ends it.

The booking is left as it was, its checkout marked ``expiring`` and dead at Stripe. Stripe's
``checkout.session.expired`` of it, arriving or lost, ends nothing (the mark says an act is
on its way); the sweep that already runs ends the hold at the checkout's own end (30 minutes
at most), as any unpaid hold's: the seat goes back and the person is told the payment was not
completed. The mark refuses no later act: the organisers' cancel completes, and the person may
start paying again. Through the real handlers, moto and the Stripe stand-in; the stop made at
the repository's save after the expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.support.groups import COLLEAGUES, book, give_up, manager_view, places_left
from tests.support.system import COURSE_ID, System

PERSON = "payer@example.org"


def _stopped_after_the_expiry(
    system: System, monkeypatch: pytest.MonkeyPatch, act: Callable[[], Any]
) -> Any:
    """``act`` stopped at its save after Stripe's expiry (the save of a checkout marked
    expiring); Stripe's events of it held: its answer (a 5xx) and the held events."""
    repository, groups = system.ports.repository, system.ports.groups
    real_save, real_save_group = repository.save, groups.save_group

    def stopped(new: Any, previous: Any, **options: Any) -> Any:
        if previous.checkout is not None and previous.checkout.expiring:
            raise TimeoutError("the function ran out of time")
        return real_save(new, previous, **options)

    def group_stopped(new: Any, previous: Any, **options: Any) -> Any:
        if previous.checkout is not None and previous.checkout.expiring:
            raise TimeoutError("the function ran out of time")
        return real_save_group(new, previous, **options)

    system.hold_webhooks = True
    with monkeypatch.context() as patched:
        patched.setattr(repository, "save", stopped)
        patched.setattr(groups, "save_group", group_stopped)
        reply = act()
    system.hold_webhooks = False
    held, system.pending = list(system.pending), []
    return reply, held


@pytest.mark.parametrize("then", ["organisers_cancel", "person_pays"])
@pytest.mark.parametrize("event", ["arrives", "lost"])
def test_a_cancel_stopped_after_the_checkouts_expiry_ends_the_hold_at_its_end(
    system: System, monkeypatch: pytest.MonkeyPatch, event: str, then: str
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]
    system.deliver_emails()

    reply, held = _stopped_after_the_expiry(
        system, monkeypatch, lambda: system.cancel(app_id, refund=False)
    )

    assert reply.status == 500, reply.body
    assert system.checkout_session(application["checkout_url"])["status"] == "expired"
    assert len(held) == 1  # Stripe's checkout.session.expired
    if event == "arrives":
        [(body, headers)] = held
        assert system.webhook(body, headers).status == 200
    stopped = system.stored(application)
    assert stopped.status.value == "awaiting_payment"
    assert stopped.checkout is not None
    assert stopped.checkout.expiring  # the event ended nothing: an act was on its way
    assert places_left(system, COURSE_ID) == left - 1

    # Held until the checkout's own end, then the sweep ends it as any unpaid hold.
    system.scheduled_run(system.now() + timedelta(minutes=6))
    assert system.stored(application).status.value == "awaiting_payment"
    system.scheduled_run(stopped.checkout.expires_at + timedelta(minutes=1))
    lapsed = system.stored(application)
    assert (lapsed.status.value, lapsed.seat_held) == ("expired", False)
    assert places_left(system, COURSE_ID) == left
    told = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert len(told) == 1, told
    assert "payment was not completed" in told[0]

    # The mark refuses nothing later.
    if then == "organisers_cancel":
        again = system.cancel(app_id, refund=False)
        assert again.status == 200, again.body
        assert system.status_of(application)["status"] == "cancelled"
    else:
        restarted = system.restart_checkout(application)
        assert restarted.status == 201, restarted.body
        assert system.pay(restarted.json()["checkout_url"]).status == 200
        assert system.status_of(application)["status"] == "confirmed"
        assert places_left(system, COURSE_ID) == left - 1


@pytest.mark.parametrize("event", ["arrives", "lost"])
def test_a_group_give_up_stopped_after_the_checkouts_expiry_ends_the_hold_at_its_end(
    system: System, monkeypatch: pytest.MonkeyPatch, event: str
) -> None:
    """A place of two given up, stopped after the old checkout's expiry (no new one made):
    nobody can pay the group's checkout, so its hold ends at the checkout's end, every place
    back and the manager told, unless the manager presses again
    (``test_checkout_expired_first``)."""
    left = places_left(system, COURSE_ID)
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    assert group["status"] == "awaiting_payment", group
    system.deliver_emails()

    reply, held = _stopped_after_the_expiry(system, monkeypatch, lambda: give_up(system, group, 1))

    assert reply.status == 500, reply.body
    assert system.checkout_session(group["pay_url"])["status"] == "expired"
    if event == "arrives":
        for body, headers in held:
            assert system.webhook(body, headers).status == 200
    stopped = system.stored_group(group)
    assert stopped.status.value == "awaiting_payment"
    assert stopped.checkout is not None
    assert stopped.checkout.expiring
    assert manager_view(system, group)["places_kept"] == 2
    assert places_left(system, COURSE_ID) == left - 2

    system.scheduled_run(system.now() + timedelta(minutes=6))
    assert system.stored_group(group).status.value == "awaiting_payment"
    system.scheduled_run(stopped.checkout.expires_at + timedelta(minutes=1))
    assert system.stored_group(group).status.value == "lapsed"
    assert places_left(system, COURSE_ID) == left
    told = [e.subject for e in system.deliver_emails()]
    assert len(told) == 1, told
