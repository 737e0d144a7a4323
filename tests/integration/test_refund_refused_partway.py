"""An organiser's refund of a booking with two charges (its payment and a dearer move's
difference) that Stripe gives back in part, then refuses (review16b R1), and the plain case
where both go back (R4): the person is told once, and only what is true."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.test_transfers import ADA, Cohorts
from tests.support.system import System


def _moved_and_paid(system: System) -> tuple[Cohorts, str]:
    """A spring booking moved to the dearer winter cohort, its £50 difference paid: the
    cohorts, and its id."""
    cohorts = Cohorts(system)
    app_id = str(cohorts.book("move-spring", ADA)["application_id"])
    pending = cohorts.move(app_id, "move-winter").json()["pending_move"]
    system.clock_offset += timedelta(minutes=1)
    assert system.pay(pending["pay_url"]).status == 200
    cohorts.emails()
    return cohorts, app_id


def test_a_refund_stripe_refuses_after_giving_part_back_is_recorded_as_far_as_it_went(
    system: System,
) -> None:
    cohorts, app_id = _moved_and_paid(system)
    stored = system.stored(app_id)
    assert stored.payment_intent is not None
    # Stripe no longer holds the first payment (£200); the move's £50 it still holds.
    with system.standin._store.lock:
        del system.standin._store.payment_intents[stored.payment_intent]

    answer = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True})

    assert answer.status == 409
    error = answer.json()["error"]
    assert error["code"] == "refund_refused_partway"
    assert "£50.00" in error["message"]
    assert stored.payment_intent in error["message"]
    assert cohorts.refunded_at_stripe() == [5000]
    after = system.stored(app_id)
    assert after.status.value == "cancelled"
    assert after.status_reason is None  # no refund promised beyond what went back
    assert after.charges_refunded == 5000
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "has been cancelled" in told[0]
    assert "(£50.00 of it was refunded to you earlier)" in told[0]
    assert "still confirmed" not in told[0]
    assert "refunded in full" not in told[0]


def test_a_refund_afterwards_stripe_cuts_short_tells_the_person_once_what_came_back(
    system: System,
) -> None:
    """A booking cancelled keeping the money, then Refund: Stripe gives the move's £50 back
    and refuses the first payment. The person is told once what came back, as Stripe holds
    it, and never that everything was refunded; the refund's own events tell nobody again."""
    cohorts, app_id = _moved_and_paid(system)
    cancelled = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": False})
    assert cancelled.status == 200, cancelled.body
    cohorts.emails()  # the cancellation's
    stored = system.stored(app_id)
    assert stored.payment_intent is not None
    with system.standin._store.lock:
        del system.standin._store.payment_intents[stored.payment_intent]

    answer = system.admin("POST", f"/applications/{app_id}/refund")

    assert answer.status == 409, answer.body
    error = answer.json()["error"]
    assert error["code"] == "refund_refused_partway"
    assert "the person is emailed what came back" in error["message"]
    assert cohorts.refunded_at_stripe() == [5000]
    after = system.stored(app_id)
    assert (after.status.value, after.charges_refunded) == ("cancelled", 5000)
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "We have refunded £50.00 of what you paid for" in told[0]
    assert "this is the part of what was paid for it that we could refund so far" in told[0]
    assert "in full" not in told[0]
    # Asked again (the same keys): the £50 is the same refund, and nobody is told again.
    again = system.admin("POST", f"/applications/{app_id}/refund")
    assert again.status == 409, again.body
    assert cohorts.emails_to(ADA) == []


def test_a_refund_stripe_refuses_before_giving_anything_back_changes_nothing(
    system: System,
) -> None:
    cohorts, app_id = _moved_and_paid(system)
    stored = system.stored(app_id)
    with system.standin._store.lock:
        for payment_intent, _left in stored.charges_left():
            del system.standin._store.payment_intents[payment_intent]

    answer = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True})

    assert answer.status == 409
    assert answer.json()["error"]["code"] == "refund_refused"
    assert cohorts.refunded_at_stripe() == []
    assert system.stored(app_id).status.value == "confirmed"
    assert cohorts.emails_to(ADA) == []


def test_cancelling_a_two_charge_booking_with_a_refund_tells_the_person_once(
    system: System,
) -> None:
    cohorts, app_id = _moved_and_paid(system)

    answer = system.admin("POST", f"/applications/{app_id}/cancel", json_body={"refund": True})

    assert answer.status == 200
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    after = system.stored(app_id)
    assert after.status.value == "refunded"
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "still confirmed" not in told[0]
    assert "£250.00 in all" in told[0]
