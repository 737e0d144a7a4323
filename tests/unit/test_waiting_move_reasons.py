"""Why a waiting move ended unmoved, said as it was: the cohort it waited for
began, was closed, a seat freed that the booking could no longer take, or no seat came free
before the booking's own cohort began; one sentence each in the "has not moved" email, one
"so" in it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.domain import waiting_moves as rules
from booking.domain.billing import PaymentMethod
from booking.domain.course import Course
from booking.domain.emails import EmailKind
from booking.domain.money import Money
from tests.fakes import fake_ports
from tests.fakes.repository import FakeRepository
from tests.support.composed_emails import composed
from tests.support.move_cases import NOW, SPRING, booking, course

FULL = course("full", 20000, 4, capacity=1).model_copy(update={"seats_taken": 1})
LATER = course("spring", 20000, 12)  # the booking's own cohort, beginning after FULL


def _closed(target: Course) -> Course:
    return target.model_copy(
        update={"definition": target.definition.model_copy(update={"closed": True})}
    )


def test_a_seat_freed_after_the_cohort_began_ends_it_as_begun() -> None:
    waiting = rules.joined_waiting_list(booking(), LATER, FULL, NOW)
    begun = FULL.first_start() + timedelta(hours=1)

    decided = rules.seat_freed(waiting, LATER, FULL, begun)

    assert isinstance(decided, rules.WaitEnded)
    assert decided.reason == rules.WAITING_BEGUN


def test_a_seat_the_booking_can_no_longer_take_says_so() -> None:
    # Paid by invoice, it may wait for a cohort at its price; the cohort's price rose meanwhile.
    invoiced = booking(payment_method=PaymentMethod.INVOICE)
    waiting = rules.joined_waiting_list(invoiced, SPRING, FULL, NOW)
    dearer = FULL.model_copy(
        update={"definition": FULL.definition.model_copy(update={"price": Money(amount=25000)})}
    )

    decided = rules.seat_freed(waiting, SPRING, dearer, NOW)

    assert isinstance(decided, rules.WaitEnded)
    assert decided.reason == rules.WAITING_CANNOT_MOVE


def test_a_seat_freed_after_the_wait_ended_says_no_place_came_in_time() -> None:
    """The moment its end passed, the sweep not yet run."""
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    own_cohort_begun = SPRING.first_start() + timedelta(hours=1)  # FULL has not

    decided = rules.seat_freed(waiting, SPRING, FULL, own_cohort_begun)

    assert isinstance(decided, rules.WaitEnded)
    assert decided.reason == rules.WAITING_ENDED
    assert rules.waiting_at(waiting, own_cohort_begun) is None
    assert rules.waiting_at(waiting, NOW) == waiting.waiting_move


def test_the_sweeps_reason_is_which_cohort_ended_the_wait() -> None:
    assert rules.ended_reason(None, NOW) == rules.WAITING_BEGUN
    assert rules.ended_reason(FULL, FULL.first_start()) == rules.WAITING_BEGUN
    assert rules.ended_reason(_closed(FULL), NOW) == rules.WAITING_CLOSED
    assert rules.ended_reason(FULL, SPRING.first_start()) == rules.WAITING_ENDED


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (rules.WAITING_WITHDRAWN, "We have taken your booking off the waiting list of Moving"),
        (rules.WAITING_BEGUN, "has begun, and no place came free for you there before it did"),
        (rules.WAITING_CLOSED, "has been closed to new bookings"),
        (rules.WAITING_CANNOT_MOVE, "A place came free on Moving Leadership, from Monday"),
        (rules.WAITING_ENDED, "No place came free for you on Moving Leadership, from Monday"),
    ],
)
def test_the_not_moved_email_says_its_one_reason_in_one_sentence(reason: str, words: str) -> None:
    waiting = rules.joined_waiting_list(booking(), SPRING, FULL, NOW)
    ended = rules.wait_ended(waiting, NOW, reason).application
    [job] = [j for j in ended.outbox if j.kind is EmailKind.MOVE_LAPSED]
    ports = fake_ports(repository=FakeRepository(courses={"full": FULL, "spring": SPRING}))

    text = composed(job, ended, SPRING, ["ada@example.org"], ports=ports).text

    said = " ".join(text.split())
    assert words in said
    [sentence] = [s for s in re.split(r"(?<=\.) ", said) if "stays on" in s]
    assert sentence.count(" so ") == 1, sentence
    assert "in time (or" not in said
