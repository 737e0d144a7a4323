"""A move to a cheaper cohort racing a full refund made on Stripe's dashboard:
the dashboard's refund reaches Stripe first, its events not heard yet, so the move is saved
and its own refund is then refused by Stripe as "refunded already". The whole payment went
back before the move's refund could: what Stripe holds is recorded, the move (never told to
the person) is undone, the booking ends refunded on the cohort it was booked on, and the
organiser is answered in words that say so, never a bare "refunded already"."""

from __future__ import annotations

from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def test_a_move_whose_payment_went_back_meanwhile_is_undone_and_said(system: System) -> None:
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    app_id = booked["application_id"]
    intent = system.stored(booked).payment_intent

    with system.standin.webhooks_held():  # the dashboard's refund, its events not heard yet
        system.refund_at_stripe(intent)
        moved = cohorts.move(app_id, "move-autumn")

    error = moved.refused(409, "refunded_meanwhile")
    assert "refunded in full at Stripe" in error["message"]
    record = cohorts.record(app_id)
    assert (record["course_id"], record["status"]) == ("move-spring", "refunded")
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 20000)
    [move] = record["transfers"]
    assert move["undone_at"] is not None
    assert cohorts.refunded_at_stripe() == [20000]  # nothing more asked of Stripe
    assert (cohorts.places_left("move-spring"), cohorts.places_left("move-autumn")) == (5, 5)
    # The person hears once, of the refund of the cohort they booked; never of a move.
    [told] = cohorts.emails_to(ADA)
    assert "moved" not in told.subject.lower()
    assert "spring" in told.text
    # Nothing is left owed: the sweep asks Stripe for nothing.
    assert cohorts.refunded_at_stripe() == [20000]
