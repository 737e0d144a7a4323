"""A facilitator of both cohorts a booking moves between hears of the move once, in one email
that says where the person came from and where they went; one of the old cohort alone hears
they left, one of the new cohort alone that they arrived. Through the handlers on moto and the
Stripe stand-in, for an organiser's move and for a move off a waiting list when a place comes
free. (A group colleague's place is not moved: the manager gives it to someone else.)"""

from __future__ import annotations

from booking.domain.emails import OutgoingEmail
from booking.handlers import mailer
from infra.local.front import lambda_context
from infra.local.mail import sqs_event
from tests.support.cohorts import (
    ADA,
    Cohorts,
    bob_on_full_ada_on_spring,
    moved_onto,
    organiser_cancels,
)
from tests.support.system import System

SHARED = "facilitator-both@example.org"
SPRING_ONLY = "facilitator-spring@example.org"


def _shared_facilitator(cohorts: Cohorts, *course_ids: str) -> None:
    """``SHARED`` facilitates each of ``course_ids`` beside its own facilitator."""
    for course_id in course_ids:
        definition = cohorts.files[course_id]
        cohorts.system.put_course(
            course_id, {**definition, "facilitators": [*definition["facilitators"], SHARED]}
        )


def _about_ada_moving(sent: list[OutgoingEmail], address: str) -> list[OutgoingEmail]:
    return [m for m in sent if address in m.to and m.subject.startswith("Booking moved")]


def _told_once_each(sent: list[OutgoingEmail], new_only: str) -> None:
    [both] = _about_ada_moving(sent, SHARED)
    said = " ".join(both.text.split())
    assert both.subject.startswith("Booking moved to your cohort"), both.subject
    assert "from another cohort of the programme, Moving Leadership, from " in said
    assert "no longer on that cohort's roster" in said
    [left] = _about_ada_moving(sent, SPRING_ONLY)
    assert left.subject.startswith("Booking moved away from your cohort"), left.subject
    assert left.to == [SPRING_ONLY]
    [joined] = _about_ada_moving(sent, new_only)
    assert joined.subject.startswith("Booking moved to your cohort"), joined.subject


def test_an_organisers_move_tells_a_facilitator_of_both_cohorts_once(system: System) -> None:
    cohorts = Cohorts(system)
    _shared_facilitator(cohorts, "move-spring", "move-summer")
    booked = cohorts.book("move-spring", ADA)

    assert cohorts.move(booked["application_id"], "move-summer").status == 200

    _told_once_each(cohorts.emails(), "facilitator-summer@example.org")


def test_a_move_off_a_waiting_list_tells_a_facilitator_of_both_cohorts_once(
    system: System,
) -> None:
    cohorts, bob, ada = bob_on_full_ada_on_spring(system)
    _shared_facilitator(cohorts, "move-spring", "move-full")
    cohorts.waits(ada)
    cohorts.emails()

    organiser_cancels(system, bob)

    moved_onto(cohorts, ada, "move-full")
    _told_once_each(cohorts.emails(), "facilitator-full@example.org")


def _arrival_sent_alone(system: System) -> list[OutgoingEmail]:
    """The mailer run on the move's "moved to your cohort" copy alone, the other jobs left
    on the queue for later (as a queue may hand them over, one at a time)."""
    url = system.resources.email_queue_url
    system.relay()
    messages = system.sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", [])
    [arrival] = [m for m in messages if '"moved_in"' in m["Body"]]
    for other in messages:
        if other is not arrival:
            system.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=other["ReceiptHandle"], VisibilityTimeout=0
            )
    before = len(system.sent)
    answer = mailer.handler(
        sqs_event([dict(arrival)], "arn:aws:sqs:eu-west-2:1:q"), lambda_context("booking-mailer")
    )
    assert answer == {"batchItemFailures": []}, answer
    system.sqs.delete_message(QueueUrl=url, ReceiptHandle=arrival["ReceiptHandle"])
    return system.sent[before:]


def test_a_facilitator_added_to_the_new_cohort_after_its_copy_went_still_hears_of_the_move(
    system: System,
) -> None:
    """A facilitator of the old cohort made one of the new cohort too after the new cohort's
    "moved to your cohort" went (without them) still gets the old cohort's "moved away": they
    heard of the move nowhere else."""
    cohorts = Cohorts(system)
    booked = cohorts.book("move-spring", ADA)
    cohorts.emails()
    assert cohorts.move(booked["application_id"], "move-summer").status == 200
    [arrived] = [m for m in _arrival_sent_alone(system) if m.subject.startswith("Booking moved")]
    assert SPRING_ONLY not in arrived.to
    summer = cohorts.files["move-summer"]
    system.put_course(
        "move-summer", {**summer, "facilitators": [*summer["facilitators"], SPRING_ONLY]}
    )

    [left] = _about_ada_moving(cohorts.emails(), SPRING_ONLY)

    assert left.subject.startswith("Booking moved away from your cohort"), left.subject
