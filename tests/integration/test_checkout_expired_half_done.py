"""A card act stopped between Stripe's expiry of the open checkout and its save (the function
out of time after ``checkout_expiry.expired_first``), and nobody pressing again: what ends it.

The booking is left as it was, its checkout marked ``expiring`` with the act and its time
(``expiring_for``) and dead at Stripe. Stripe's ``checkout.session.expired`` of it, just after,
ends nothing (the act may still be on its way); delivered once its save can no longer come, it
completes the act as pressed (``services.checkout_acts``), and so does the sweep: the cancel
(the person told once it was cancelled, never "payment not completed"), or the erasure. An
expiry that never reached Stripe has its mark taken back by the sweep. A group's give-up of a
place is completed alike, a new checkout for the places kept, even once applications have
closed since. Through the real handlers, moto and the Stripe stand-in; the stop made at the
repository's save after the expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER
from tests.support.cohorts import ADA, Cohorts
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
        move = previous.pending_move
        if (previous.checkout is not None and previous.checkout.expiring) or (
            move is not None and move.expiring
        ):
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


def _ends_it(system: System, held: list[tuple[bytes, dict[str, str]]], by: str) -> None:
    """What ends the act left half done: Stripe's expiry event of its checkout, delivered
    once the act's own save can no longer come (redelivered, or late), or the sweep."""
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    if by == "event":
        [(body, headers)] = held
        assert system.webhook(body, headers).status == 200
    else:
        system.scheduled_run(system.now())


def _stopped_young(
    system: System, application: Any, held: list[Any], *, moving: bool = False
) -> None:
    """Just after the stop, Stripe's expiry event ends nothing: the act may still be on its
    way, its own save to come."""
    [(body, headers)] = held
    assert system.webhook(body, headers).status == 200
    stopped = system.stored(application)
    if moving:
        assert stopped.status.value == "confirmed"
        assert stopped.pending_move is not None
        assert stopped.pending_move.expiring
        return
    assert stopped.status.value == "awaiting_payment"
    assert stopped.checkout is not None
    assert stopped.checkout.expiring


@pytest.mark.parametrize("refund", [False, True])
@pytest.mark.parametrize("by", ["event", "sweep"])
def test_a_cancel_stopped_after_the_checkouts_expiry_is_completed_as_pressed(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str, refund: bool
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]
    system.deliver_emails()

    reply, held = _stopped_after_the_expiry(
        system, monkeypatch, lambda: system.cancel(app_id, refund=refund)
    )

    assert reply.status == 500, reply.body
    assert system.checkout_session(application["checkout_url"])["status"] == "expired"
    assert len(held) == 1  # Stripe's checkout.session.expired
    mark = system.stored(application).checkout
    assert mark is not None
    assert mark.expiring_for is not None
    assert mark.expiring_for.refund is refund  # the act and its time, on the mark
    _stopped_young(system, application, held)
    assert places_left(system, COURSE_ID) == left - 1

    _ends_it(system, held, by)

    ended = system.stored(application)
    assert (ended.status.value, ended.seat_held) == ("cancelled", False)
    assert places_left(system, COURSE_ID) == left
    told = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert len(told) == 1, told
    assert "payment was not completed" not in told[0]
    assert "cancel" in told[0].lower(), told
    # Pressed again by the organiser, or the event again: nothing more happens.
    again = system.cancel(app_id, refund=refund)
    assert again.status == 200, again.body
    if by == "event":
        [(body, headers)] = held
        assert system.webhook(body, headers).status == 200
    system.scheduled_run(system.now() + timedelta(hours=1))
    assert system.status_of(application)["status"] == "cancelled"
    assert [e for e in system.deliver_emails() if e.to == [PERSON]] == []


@pytest.mark.parametrize("by", ["event", "sweep"])
def test_an_erasure_stopped_after_the_checkouts_expiry_is_completed_as_pressed(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    left = places_left(system, COURSE_ID)
    application = system.apply(email=PERSON).json()
    system.deliver_emails()

    reply, held = _stopped_after_the_expiry(
        system, monkeypatch, lambda: system.admin("DELETE", f"/people/{PERSON}")
    )

    assert reply.status == 500, reply.body
    mark = system.stored(application).checkout
    assert mark is not None
    assert mark.expiring_for is not None
    assert mark.expiring_for.erased
    _stopped_young(system, application, held)

    _ends_it(system, held, by)

    ended = system.stored(application)
    assert (ended.status.value, ended.seat_held) == ("cancelled", False)
    assert ended.erased_at is not None
    assert places_left(system, COURSE_ID) == left
    assert [e.subject for e in system.deliver_emails() if e.to == [PERSON]] == []
    # The organiser's press again finds nothing more held about them.
    assert system.admin("DELETE", f"/people/{PERSON}").status == 404


@pytest.mark.parametrize("by", ["event", "sweep"])
def test_a_cancel_stopped_after_its_moves_checkout_expiry_is_completed_as_pressed(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """A booking waiting for its move's difference, cancelled (keeping its money), the
    function stopped after Stripe expired the move's checkout: completed as pressed (both
    seats back, the person told once of the cancellation), never lapsed as an unpaid move
    ("your move did not happen") at its deadline."""
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]
    asked = cohorts.move(app_id, "move-winter")
    assert asked.status == 200, asked.body
    cohorts.emails()

    reply, held = _stopped_after_the_expiry(
        system, monkeypatch, lambda: system.cancel(app_id, refund=False)
    )

    assert reply.status == 500, reply.body
    move = system.stored(app_id).pending_move
    assert move is not None
    assert move.expiring_for is not None
    assert not move.expiring_for.refund
    assert len(held) == 1  # Stripe's checkout.session.expired of the move's checkout
    _stopped_young(system, app_id, held, moving=True)

    _ends_it(system, held, by)

    record = cohorts.record(app_id)
    assert (record["status"], record["pending_move"]) == ("cancelled", None)
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 0)
    assert (cohorts.places_left("move-spring"), cohorts.places_left("move-winter")) == (5, 5)
    told = [e.subject for e in system.deliver_emails() if e.to == [ADA]]
    assert len(told) == 1, told
    system.scheduled_run(system.now() + timedelta(days=3))
    assert [e.subject for e in system.deliver_emails() if e.to == [ADA]] == []


def test_a_cancel_whose_expiry_never_reached_stripe_is_taken_back_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe never expired it (unanswered): the sweep reads the session open, takes the
    mark back, and the hold goes on to its end; the person may still pay."""
    application = system.apply(email=PERSON).json()
    app_id = application["application_id"]

    def timed_out(session_id: str) -> str:
        raise DependencyUnavailable("Stripe timed out")

    with monkeypatch.context() as patched:
        patched.setattr(system.ports.payments, "expire_checkout", timed_out)
        unanswered = system.cancel(app_id, refund=False)
    assert unanswered.status == 503, unanswered.body
    assert "did close it after all, what you asked is completed within half" in unanswered.body

    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    system.scheduled_run(system.now())

    kept = system.stored(application)
    assert kept.status.value == "awaiting_payment"
    assert kept.checkout is not None
    assert not kept.checkout.expiring
    assert system.pay(application["checkout_url"]).status == 200
    assert system.status_of(application)["status"] == "confirmed"


@pytest.mark.parametrize("closing", [None, "organisers", "apply_by"])
@pytest.mark.parametrize("by", ["event", "sweep"])
def test_a_group_give_up_stopped_after_the_checkouts_expiry_is_completed_as_pressed(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str, closing: str | None
) -> None:
    """A place of two given up, stopped after the old checkout's expiry (its save never
    came): the give-up is completed as the manager pressed it (the place's seat back, a new
    checkout for the place kept), never the whole group lapsed at the checkout's end. So too
    when the course's applications close before it is completed (the organisers' close, or
    their time, half an hour before the start, passing): the give-up was decided while they
    were open, and the places kept may still be paid for."""
    if closing == "apply_by":  # booked and given up three minutes before applications close
        closes = system.first_start() - timedelta(minutes=30)
        system.clock_offset += closes - timedelta(minutes=3) - system.now()
    left = places_left(system, COURSE_ID)
    group = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2]).json()
    assert group["status"] == "awaiting_payment", group
    system.deliver_emails()

    reply, held = _stopped_after_the_expiry(system, monkeypatch, lambda: give_up(system, group, 1))

    assert reply.status == 500, reply.body
    assert system.checkout_session(group["pay_url"])["status"] == "expired"
    for body, headers in held:  # just after the stop: the act may be on its way
        assert system.webhook(body, headers).status == 200
    stopped = system.stored_group(group)
    assert stopped.status.value == "awaiting_payment"
    assert stopped.checkout is not None
    assert stopped.checkout.expiring
    assert stopped.checkout.expiring_for is not None
    assert stopped.checkout.expiring_for.place == 1
    assert manager_view(system, group)["places_kept"] == 2

    if closing == "organisers":
        system.put_course(COURSE_ID, {**system.course_file(COURSE_ID), "closed": True})
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    assert (system.course(COURSE_ID)["status"] == "closed") is (closing is not None)
    if by == "event":
        # The old checkout's expiry (the new one the stopped try made was expired as it
        # undid itself: its own event ends nothing, no group recorded it).
        old = stopped.checkout.session_id.encode()
        expired = [(b, h) for b, h in held if b"checkout.session.expired" in b and old in b]
        assert len(expired) == 1
        for body, headers in expired:
            assert system.webhook(body, headers).status == 200
    else:
        system.scheduled_run(system.now())

    completed = system.stored_group(group)
    assert completed.status.value == "awaiting_payment"
    assert completed.checkout is not None
    assert completed.checkout.session_id != stopped.checkout.session_id
    assert not completed.checkout.expiring
    assert manager_view(system, group)["places_kept"] == 1
    assert places_left(system, COURSE_ID) == left - 1
    # The place kept can still be paid for, and the hold's end changes nothing more.
    assert system.pay_session(completed.checkout.session_id).status == 200
    assert system.stored_group(group).status.value == "paid"
    system.scheduled_run(system.now() + timedelta(hours=2))
    assert system.stored_group(group).status.value == "paid"
