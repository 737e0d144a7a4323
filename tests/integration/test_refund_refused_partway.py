"""An organiser's refund of a booking with two charges (its payment and a dearer move's
difference) that Stripe gives back in part, then refuses, and the plain case
where both go back: the person is told once, and only what is true."""

from __future__ import annotations

from datetime import timedelta

from tests.support.cohorts import ADA, Cohorts
from tests.support.console import signed_in
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
    system.payment_gone(stored.payment_intent)

    answer = system.cancel(app_id)

    error = answer.refused(409, "refund_refused_partway")
    assert "£50.00" in error["message"]
    assert stored.payment_intent in error["message"]
    assert cohorts.refunded_at_stripe() == [5000]
    after = system.stored(app_id)
    assert after.status.value == "cancelled"
    # No refund promised beyond what went back: said as a refund refused partway.
    assert after.status_reason == "refund_refused_partway"
    assert after.charges_refunded == 5000
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "has been cancelled" in told[0]
    # What came back with this cancellation, and that the rest is still to come, never "refunded to
    # you earlier" nor a cancellation keeping the money.
    assert "With this cancellation, £50.00 of the £250.00 you paid has been refunded" in told[0]
    assert "The rest could not be refunded yet" in told[0]
    assert "earlier" not in told[0]
    assert "does not refund" not in told[0]
    assert "still confirmed" not in told[0]
    assert "refunded in full" not in told[0]

    # The same cancel again says what happened, not "cancelled without a refund".
    again = system.cancel(app_id)
    error = again.refused(409, "refund_refused_partway")
    assert "without a refund" not in error["message"]
    assert (
        "£50.00 of the £250.00 paid came back, and £200.00 is still to refund" in error["message"]
    )
    # The console's page and its Refund box say it too, never "the £200.00 paid was kept".
    page = signed_in(system).words(f"/console/applications/{app_id}")
    assert "Cancelled with a refund Stripe refused partway" in page
    assert "was kept" not in page
    assert "without a refund" not in page
    assert cohorts.refunded_at_stripe() == [5000]


def test_a_refund_afterwards_stripe_cuts_short_tells_the_person_once_what_came_back(
    system: System,
) -> None:
    """A booking cancelled keeping the money, then Refund: Stripe gives the move's £50 back
    and refuses the first payment. The person is told once what came back, as Stripe holds
    it, and never that everything was refunded; the refund's own events tell nobody again."""
    cohorts, app_id = _moved_and_paid(system)
    cancelled = system.cancel(app_id, refund=False)
    assert cancelled.status == 200, cancelled.body
    cohorts.emails()  # the cancellation's
    stored = system.stored(app_id)
    assert stored.payment_intent is not None
    system.payment_gone(stored.payment_intent)

    answer = system.admin("POST", f"/applications/{app_id}/refund")

    error = answer.refused(409, "refund_refused_partway")
    assert "the person is emailed what came back" in error["message"]
    assert cohorts.refunded_at_stripe() == [5000]
    after = system.stored(app_id)
    assert (after.status.value, after.charges_refunded) == ("cancelled", 5000)
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "We have refunded £50.00 of what you paid for" in told[0]
    # Its amount is this refund's (with what came back in all beside it): never "so far".
    assert "the part of what was paid for it that we could refund this time" in told[0]
    assert "so far" not in told[0]
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
    for payment_intent, _left in stored.charges_left():
        system.payment_gone(payment_intent)

    answer = system.cancel(app_id)

    answer.refused(409, "refund_refused")
    assert cohorts.refunded_at_stripe() == []
    assert system.stored(app_id).status.value == "confirmed"
    assert cohorts.emails_to(ADA) == []


def test_cancelling_a_two_charge_booking_with_a_refund_tells_the_person_once(
    system: System,
) -> None:
    cohorts, app_id = _moved_and_paid(system)

    answer = system.cancel(app_id)

    assert answer.status == 200
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    after = system.stored(app_id)
    assert after.status.value == "refunded"
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "still confirmed" not in told[0]
    assert "£250.00 in all" in told[0]


def test_a_dashboard_refund_landing_as_the_cancellation_is_made_is_told_once(
    system: System,
) -> None:
    """A refund of one charge in Stripe's dashboard whose news has not gone out yet when an
    organiser cancels with a refund: the person reads one message, that it is
    cancelled and what came back, never first "your place is still confirmed"."""
    cohorts, app_id = _moved_and_paid(system)
    stored = system.stored(app_id)
    # A minute on (Stripe's refunds are timed to the second: one in the move's own second
    # would read as made before the difference was paid).
    system.clock_offset += timedelta(minutes=1)
    system.refund_at_stripe(stored.payment_intent)  # its £200.00; the news waits to be sent
    assert system.stored(app_id).status.value == "confirmed"

    answer = system.cancel(app_id)

    assert answer.status == 200, answer.body
    assert sorted(cohorts.refunded_at_stripe()) == [5000, 20000]
    told = [" ".join(m.text.split()) for m in cohorts.emails_to(ADA)]
    assert len(told) == 1, told
    assert "has been cancelled" in told[0]
    assert "still confirmed" not in told[0]
    assert "£250.00 in all" in told[0]
