"""A move then a quick end before the mailer reached the move's emails:
the move's emails are not sent (the booking no longer stands), so the old cohort's
facilitators, sent "New booking", still have the person on their list and are the ones told
of the withdrawal; the new cohort's, never told of them, hear nothing. The person's
cancellation names the cohort they were told of and the money as Stripe holds it. With the
mailer caught up between the two, the new cohort's hear it. Through the real handlers, moto
and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.cohorts import ADA, Cohorts, bob_on_full_ada_on_spring
from tests.support.system import System

SPRING, AUTUMN = "facilitator-spring@example.org", "facilitator-autumn@example.org"


def _subjects_to(sent: list[Any], address: str) -> list[str]:
    return [m.subject.split(":")[0] for m in sent if m.to == [address]]


def _cancel(system: System, app_id: str) -> None:
    reply = system.cancel(app_id, refund=False)
    assert reply.status == 200, reply.body


def _moved_to_autumn(cohorts: Cohorts) -> str:
    """Ada booked on spring and moved to autumn (cheaper: £50 back), the mailer not yet run:
    her application's id."""
    app_id: str = cohorts.book("move-spring", ADA)["application_id"]
    assert cohorts.move(app_id, "move-autumn").status == 200
    return app_id


def test_a_cancel_before_the_move_was_told_tells_the_old_cohort(
    system: System, cohorts: Cohorts
) -> None:
    _cancel(system, _moved_to_autumn(cohorts))
    sent = cohorts.emails()
    assert _subjects_to(sent, AUTUMN) == []
    assert _subjects_to(sent, SPRING) == ["Participant withdrawn"]
    [withdrawn] = [m for m in sent if m.to == [SPRING]]
    assert "Status when withdrawn: Cancelled" in " ".join(withdrawn.text.split())


def test_a_cancel_after_the_move_was_told_tells_the_new_cohort(
    system: System, cohorts: Cohorts
) -> None:
    app_id = _moved_to_autumn(cohorts)
    sent = cohorts.emails()
    assert _subjects_to(sent, AUTUMN) == ["Booking moved to your cohort"]
    _cancel(system, app_id)
    sent = cohorts.emails()
    assert _subjects_to(sent, SPRING) == []
    assert _subjects_to(sent, AUTUMN) == ["Participant withdrawn"]


def test_a_refund_in_full_before_the_move_was_told_tells_the_old_cohort(
    system: System, cohorts: Cohorts
) -> None:
    app_id = _moved_to_autumn(cohorts)
    system.refund_at_stripe(system.stored(app_id).payment_intent)
    sent = cohorts.emails()
    assert _subjects_to(sent, AUTUMN) == []
    assert _subjects_to(sent, SPRING) == ["Participant withdrawn"]
    # The person's refund is said of the cohort they were told of, not the one never named.
    [refunded] = [m for m in sent if m.to == [ADA] and "refunded" in m.subject]
    assert "spring@example.org" in refunded.text
    assert "autumn@example.org" not in refunded.text


def test_the_person_told_of_the_old_cohort_hears_its_cancellation_with_the_money_held(
    system: System, cohorts: Cohorts
) -> None:
    _cancel(system, _moved_to_autumn(cohorts))
    sent = cohorts.emails_to(ADA)
    [cancelled] = [m for m in sent if m.subject.startswith("Your booking has been cancelled")]
    text = " ".join(cancelled.text.split())
    # The cohort they were told of (its dates, its enquiries address), not one never named.
    spring = cohorts.spring_start
    assert f"from {spring:%A} {spring.day} {spring:%B %Y}" in text
    assert "autumn@example.org" not in text
    # What Stripe holds: the move gave £50 of the £200 back.
    assert (
        "does not refund the rest of the £200.00 you paid "
        "(£50.00 of it was refunded to you earlier)"
    ) in text


def test_a_waiting_move_made_then_cancelled_before_it_was_told_tells_the_old_cohort(
    system: System,
) -> None:
    """The same through a move made by a seat freeing (the second path): Ada waits
    to move to the full cohort; Bob's cancellation frees its seat and moves her; she is
    cancelled before the mailer ran."""

    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    cohorts.waits(ada)
    cohorts.emails()
    _cancel(system, bob)
    assert cohorts.record(ada)["course_id"] == "move-full"
    _cancel(system, ada)
    sent = cohorts.emails()
    about_ada = [m for m in sent if m.reply_to == [ADA]]  # a copy replies to its person
    assert _subjects_to(about_ada, "facilitator-full@example.org") == []
    assert _subjects_to(about_ada, SPRING) == ["Participant withdrawn"]
