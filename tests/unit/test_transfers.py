"""The rules of a move to another cohort (``domain.transfers``), without I/O: who may move where,
what the place then costs, what goes back, and what the move holds and records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import AppliedDiscount, PaymentMethod
from booking.domain.course import Course
from booking.domain.emails import EmailKind
from booking.domain.limits import Holding, Limited, code_key, holding_changes
from booking.domain.money import Money
from booking.domain.timeline import EntryKind, changes
from booking.domain.transfer_record import owed_by_a_move
from booking.domain.transfers import (
    MoveAsked,
    Transfer,
    TransferRefused,
    decide_transfer,
    with_transfer_refund,
)
from booking.domain.wording import timeline_text
from tests.support.move_cases import CHEAPER, DEARER, GROUP_PLACE, NOW, SPRING, booking, course


def moved(application: Application, target: Course = CHEAPER) -> Transfer:
    decided = decide_transfer(application, SPRING, target, NOW)
    assert isinstance(decided, Transfer), decided
    return decided


@pytest.mark.parametrize(
    ("application", "refund"),
    [
        (booking(), 5000),  # £200 paid, £150 asked
        (booking(15000, bursary=5000), 5000),  # the same bursary: £100 asked, £150 kept
        (booking(0, bursary=20000), 0),  # funded in full: nothing was paid, nothing goes back
        (
            booking(
                10000, discount=AppliedDiscount(code="HALF", promotion_code_id="p", percent_off=50)
            ),
            2500,  # the same half off: £75 asked
        ),
    ],
)
def test_a_cheaper_cohort_gives_back_what_was_kept_beyond_its_price(
    application: Application, refund: int
) -> None:
    decided = moved(application)
    assert decided.refund_due == refund
    after = decided.application
    assert after.course_id == "cheaper"
    assert after.price == Money(amount=15000)
    assert after.transfers[-1].refund_due == refund
    assert decided.idempotency_key == "transfer-app1-1"
    told = [(job.kind, job.course_id, job.reason) for job in after.outbox]
    assert told == [
        (EmailKind.BOOKING_TRANSFERRED, "cheaper", None),
        # The facilitators of both cohorts: the new one's of the person moving in, the old
        # one's of them leaving.
        (EmailKind.FACILITATOR_COPY, "cheaper", "moved_in"),
        (EmailKind.FACILITATOR_COPY, "spring", "moved_out"),
    ]
    assert after.outbox[0].from_course_id == "spring"


@pytest.mark.parametrize(
    ("application", "target", "code"),
    [
        (booking(status=S.AWAITING_PAYMENT, paid=0), CHEAPER, "not_transferable"),
        (booking(status=S.AWAITING_INVOICE_PAYMENT, paid=0), CHEAPER, "not_transferable"),
        (booking(status=S.OFFERED, paid=0), CHEAPER, "not_transferable"),
        (booking(), SPRING, "same_course"),
        (booking(), course("other", 20000, 4, programme="another"), "other_programme"),
        (booking(), course("closed", 20000, 4, closed=True), "course_closed"),
        (booking(), course("begun", 20000, -10), "course_closed"),
        (
            booking(),
            course("full", 20000, 4, capacity=1).model_copy(update={"seats_taken": 1}),
            "course_full",
        ),
        (booking(), CHEAPER.model_copy(update={"waiting": 1, "seats_taken": 1}), "course_full"),
        # The group holds the seat on its cohort: moving the colleague alone overbooked.
        (booking(0, group_place=GROUP_PLACE), CHEAPER, "group_place"),
    ],
)
def test_a_move_that_cannot_be_made_says_why(
    application: Application, target: Course, code: str
) -> None:
    decided = decide_transfer(application, SPRING, target, NOW)
    assert isinstance(decided, TransferRefused)
    assert decided.code == code


@pytest.mark.parametrize("status", [S.CANCELLED, S.REFUNDED, S.DECLINED])
def test_an_ended_booking_is_refused_saying_it_has_ended_not_to_cancel_it(
    status: ApplicationStatus,
) -> None:
    decided = decide_transfer(booking(status=status), SPRING, CHEAPER, NOW)
    assert isinstance(decided, TransferRefused)
    assert "has ended" in decided.message
    assert "cancel it" not in decided.message


def test_a_booking_on_its_way_is_refused_saying_to_cancel_it() -> None:
    decided = decide_transfer(booking(status=S.OFFERED, paid=0), SPRING, CHEAPER, NOW)
    assert isinstance(decided, TransferRefused)
    assert "cancel it, and the person can apply" in decided.message


def test_a_group_place_is_refused_saying_what_the_manager_can_do_instead() -> None:
    decided = decide_transfer(booking(0, group_place=GROUP_PLACE), SPRING, CHEAPER, NOW)
    assert isinstance(decided, TransferRefused)
    assert "group booking" in decided.message
    assert "give the place to someone else or give it up" in decided.message


@pytest.mark.parametrize(
    "application",
    [booking(), booking(0, bursary=20000)],  # the fund pays £200 only
)
def test_a_dearer_move_by_card_is_decided_as_the_difference_asked_for_first(
    application: Application,
) -> None:
    decided = decide_transfer(application, SPRING, DEARER, NOW)
    assert isinstance(decided, MoveAsked)
    assert decided.application.pending_move == decided.pending
    assert (decided.pending.to_course_id, decided.pending.difference) == ("dearer", 5000)
    assert decided.pending.difference_words() == "£50.00"
    assert decided.application.course_id == "spring"  # it stays until the difference is paid


def test_the_seat_moves_and_the_code_use_stays_with_its_course() -> None:
    discount = AppliedDiscount(code="HALF", promotion_code_id="p", percent_off=50)
    before = booking(10000, discount=discount)
    after = moved(before).application
    held = holding_changes(before, after)
    assert held.claimed == (Holding(Limited.SEAT, "cheaper"),)
    assert held.released == (Holding(Limited.SEAT, "spring"),)
    # The code is spring's: its use is counted there before and after.
    assert after.discount is not None
    assert after.discount.course_id == "spring"
    assert Holding(Limited.CODE_USE, code_key("spring", "HALF")) not in (
        *held.claimed,
        *held.released,
    )


def test_the_move_is_in_the_history_and_its_refund_recorded_once() -> None:
    before = booking()
    decided = moved(before)
    [entry] = [e for e in changes(before, decided.application) if e.kind is EntryKind.TRANSFER]
    assert (entry.from_course, entry.to_course, entry.amount) == ("spring", "cheaper", 5000)
    after = decided.application
    assert owed_by_a_move(after.transfers, 5000)
    assert not owed_by_a_move(after.transfers, 4000)
    refunded = with_transfer_refund(after, "re_1", 5000, 1)
    again = with_transfer_refund(refunded, "re_1", 5000, 1)
    assert (again.amount_refunded, again.amount_kept) == (5000, 15000)
    assert again.transfers[-1].refund_id == "re_1"
    assert not owed_by_a_move(again.transfers, 5000)


def test_a_moves_refund_pending_at_stripe_is_made_but_not_counted_yet() -> None:
    """Made (never asked again), counted as given back only when Stripe says it succeeded."""
    after = moved(booking()).application
    pending = with_transfer_refund(after, "re_1", 5000, 1, succeeded=False)
    assert pending.transfers[-1].refund_id == "re_1"
    assert not owed_by_a_move(pending.transfers, 5000)
    assert (pending.refunds, pending.amount_refunded) == ({}, 0)


@pytest.mark.parametrize("mark", ["attended", "absent"])
def test_a_booking_with_a_mark_on_its_register_stays_with_its_attendance(mark: str) -> None:
    """Moving it dropped its marks (the new register starts blank): refused instead."""
    from booking.domain.attendance import Mark

    marked = booking(attendance={"s1": Mark(mark)})
    decided = decide_transfer(marked, SPRING, CHEAPER, NOW)
    assert isinstance(decided, TransferRefused)
    assert decided.code == "cohort_begun"
    assert "attendance" in decided.message


def test_apologies_sent_ahead_do_not_keep_a_booking_from_moving_and_do_not_follow_it() -> None:
    """Before the cohort begins only apologies can be on its register (sent ahead for its own
    sessions): the move is made and the new cohort's register starts blank."""
    from booking.domain.attendance import Mark

    sent_ahead = booking(attendance={"s1": Mark.APOLOGIES, "s2": Mark.APOLOGIES})
    decided = moved(sent_ahead)
    assert decided.application.attendance == {}
    assert decided.application.course_id == CHEAPER.course_id


def test_a_booking_on_a_cohort_that_has_begun_stays() -> None:
    begun = course("spring", 20000, 0)
    after_start = begun.first_start() + timedelta(minutes=1)
    cheaper_later = course("cheaper", 15000, 8)
    decided = decide_transfer(booking(), begun, cheaper_later, after_start)
    assert isinstance(decided, TransferRefused)
    assert decided.code == "cohort_begun"
    assert "has begun" in decided.message
    just_before = decide_transfer(
        booking(), begun, cheaper_later, begun.first_start() - timedelta(minutes=1)
    )
    assert isinstance(just_before, Transfer)


def test_a_closed_register_keeps_the_booking() -> None:
    from booking.domain.attendance import Completion

    closed = booking(completion=Completion(completed=True, attended=1, required=1, closed_at=NOW))
    decided = decide_transfer(closed, SPRING, CHEAPER, NOW)
    assert isinstance(decided, TransferRefused)
    assert decided.code == "not_transferable"


FREE_THERE = course("free-there", 10000, 4)


@pytest.mark.parametrize("refund_first", [True, False])
@pytest.mark.parametrize("recorded_first", [True, False])
def test_stripes_events_for_a_moves_refund_of_the_whole_payment_keep_the_booking(
    refund_first: bool, recorded_first: bool
) -> None:
    """£100 by card beside a £100 bursary, moved to a £100 cohort: the move gives back all the
    card paid. Stripe's events for that refund (by its id, or the charge's running total), in
    either order, before or after the move recorded the refund's id, change only the money."""
    from booking.domain.payments import RefundEvent, after_refund

    before = booking(10000, bursary=10000)
    decided = moved(before, FREE_THERE)
    assert decided.refund_due == 10000
    application = decided.application
    if recorded_first:
        application = with_transfer_refund(application, "re_move", 10000, 1)
    by_id = RefundEvent(
        event_id="evt_r", payment_intent="pi_1", refund_id="re_move", refund_amount=10000
    )
    by_charge = RefundEvent(event_id="evt_c", payment_intent="pi_1", charge_amount_refunded=10000)
    for event in (by_id, by_charge) if refund_first else (by_charge, by_id):
        outcome = after_refund(application, event, NOW)
        application = outcome.application
        assert not outcome.full
    assert (application.status, application.seat_held, application.course_id) == (
        S.CONFIRMED,
        True,
        "free-there",
    )
    assert application.amount_refunded == 10000
    assert not [e for e in application.outbox if e.kind is EmailKind.PAYMENT_REFUNDED]


def test_a_refund_of_the_rest_after_a_move_still_ends_the_booking() -> None:
    """The rule is by the refund, not by the booking having moved: the organiser giving back
    in Stripe all a moved booking kept ends it, as for any booking."""
    from booking.domain.payments import RefundEvent, after_refund

    application = with_transfer_refund(moved(booking()).application, "re_move", 5000, 1)
    rest = RefundEvent(
        event_id="evt_d", payment_intent="pi_1", refund_id="re_dash", refund_amount=15000
    )
    outcome = after_refund(application, rest, NOW)
    assert outcome.full
    assert outcome.application.status is S.REFUNDED


@pytest.mark.parametrize(("extra", "waived"), [(1, 1), (29, 29)])
def test_a_difference_below_stripes_minimum_charge_is_waived_and_the_move_made(
    extra: int, waived: int
) -> None:
    # £200 paid; the new cohort asks a few pence more, which no card can be charged.
    target = course("dearer-by-pence", 20000 + extra, 8)
    decided = moved(booking(), target)

    assert decided.refund_due == 0
    after = decided.application
    assert after.course_id == "dearer-by-pence"
    assert after.price == Money(amount=20000 + extra)
    assert after.transfers[-1].difference_waived == waived
    assert after.transfers[-1].refund_due == 0
    # Nobody is asked for the waived pence: the booking stands as it was paid.
    assert after.left_to_pay(target.definition.price) == 0
    # The history says so in words, beside the move.
    [entry] = [e for e in changes(booking(), after) if e.kind is EntryKind.TRANSFER]
    assert (entry.amount, entry.waived) == (None, waived)
    said = timeline_text(entry, "gbp", "Europe/London", cohorts={"dearer-by-pence": "Later"})
    assert said == (
        f"Moved from spring to Later; £0.{waived:02d} more waived (below Stripe's minimum charge)"
    )


def test_a_difference_of_stripes_minimum_charge_or_more_is_not_waived() -> None:
    decided = decide_transfer(booking(), SPRING, course("dearer-by-30p", 20030, 8), NOW)

    assert isinstance(decided, MoveAsked)
    assert decided.pending.difference == 30


def test_an_equal_or_cheaper_move_waives_nothing() -> None:
    assert moved(booking(), CHEAPER).application.transfers[-1].difference_waived == 0
    same = course("same-price", 20000, 8)
    assert moved(booking(), same).application.transfers[-1].difference_waived == 0


def test_a_dearer_move_of_a_booking_paid_by_invoice_says_the_invoice_cannot_be_part_charged() -> (
    None
):
    invoiced = booking(payment_method=PaymentMethod.INVOICE)
    decided = decide_transfer(invoiced, SPRING, DEARER, NOW)

    assert isinstance(decided, TransferRefused)
    assert decided.code == "transfer_costs_more"
    assert "£50.00 more" in decided.message
    assert "invoice" in decided.message
    # Pence below the minimum are waived for an invoiced booking too: no card is asked.
    by_pence = moved(invoiced, course("dearer-by-pence", 20010, 8))
    assert by_pence.application.transfers[-1].difference_waived == 10


def test_waived_differences_do_not_add_up_over_several_moves() -> None:
    # The difference is what the new cohort asks beyond what was kept, not beyond the price the
    # booking is on now: 29p waived once does not let a second move waive 29p more.
    first = moved(booking(), course("by-29p", 20029, 8)).application
    later = course("by-58p", 20058, 12)

    decided = decide_transfer(first, course("by-29p", 20029, 8), later, NOW)

    assert isinstance(decided, MoveAsked)
    assert decided.pending.difference == 58


def test_a_cheaper_moves_refund_is_taken_from_the_newest_charge_first_each_keyed() -> None:
    """£200 paid, then £50 more kept for an earlier dearer move (``pi_2``); a move to a £150
    cohort gives back £100: the £50 charge whole, then £50 of the first payment, each refund
    recorded against the charge it gave back, the booking standing and told once."""
    from booking.domain.application import PaymentRecord
    from booking.domain.payments import RefundEvent, after_refund
    from booking.domain.transfer_record import RefundPart
    from booking.domain.transfers import transfer_refund_key

    difference = PaymentRecord(
        payment_intent="pi_2", session_id="cs_2", amount=5000, currency="gbp", kept=True
    )
    before = booking(payments=(difference,)).model_copy(update={"price": Money(amount=25000)})
    decided = moved(before, CHEAPER)
    assert decided.refund_due == 10000
    record = decided.application.transfers[-1]
    assert record.refund_parts == (
        RefundPart(payment_intent="pi_2", amount=5000),
        RefundPart(payment_intent="pi_1", amount=5000),
    )
    assert (transfer_refund_key("app1", 1, 1), transfer_refund_key("app1", 1, 2)) == (
        "transfer-app1-1",
        "transfer-app1-1-2",
    )
    application = with_transfer_refund(decided.application, "re_a", 5000, 1, 1)
    assert application.transfers[-1].refund_pending
    application = with_transfer_refund(application, "re_b", 5000, 1, 2)
    assert not application.transfers[-1].refund_pending
    assert application.payment("pi_2") == difference.model_copy(update={"refunds": {"re_a": 5000}})
    assert (application.amount_refunded, application.amount_kept) == (5000, 15000)
    for event in (
        RefundEvent(event_id="e1", payment_intent="pi_2", charge_amount_refunded=5000),
        RefundEvent(event_id="e2", payment_intent="pi_1", refund_id="re_b", refund_amount=5000),
    ):
        outcome = after_refund(application, event, NOW)
        application = outcome.application
        assert not outcome.full
    assert application.status is S.CONFIRMED
    assert application.amount_kept == 15000
    assert not [e for e in application.outbox if e.kind is EmailKind.PAYMENT_REFUNDED]


def test_a_moves_refund_owed_on_a_further_charge_is_known_by_its_amount_before_its_id() -> None:
    from booking.domain.application import PaymentRecord
    from booking.domain.payments import RefundEvent, after_refund

    difference = PaymentRecord(
        payment_intent="pi_2", session_id="cs_2", amount=5000, currency="gbp", kept=True
    )
    decided = moved(
        booking(payments=(difference,)).model_copy(update={"price": Money(amount=25000)}), CHEAPER
    )
    # Stripe's event for the £50 part comes before the move recorded its id.
    event = RefundEvent(event_id="e1", payment_intent="pi_2", charge_amount_refunded=5000)
    outcome = after_refund(decided.application, event, NOW)
    assert outcome.application.status is S.CONFIRMED
    assert not [e for e in outcome.application.outbox if e.kind is EmailKind.PAYMENT_REFUNDED]


def test_no_move_while_the_last_ones_refund_is_still_owed() -> None:
    """The next move's difference is counted from what the booking keeps, which is known only
    once the last move's refund is made: until then any other move is refused in words."""
    owed = moved(booking(), CHEAPER).application
    assert owed.transfers[-1].refund_pending
    for target in (SPRING, DEARER):
        refused = decide_transfer(
            owed.model_copy(update={"course_id": "cheaper"}), CHEAPER, target, NOW
        )
        assert isinstance(refused, TransferRefused)
        assert refused.code == "refund_owed"
    made = with_transfer_refund(owed, "re_1", 5000, 1)
    after = decide_transfer(made.model_copy(update={"course_id": "cheaper"}), CHEAPER, SPRING, NOW)
    # Once made, the move back is counted from what is kept now (£150): £50 more, by card.
    assert isinstance(after, MoveAsked)
    assert after.pending.difference == 5000


def test_a_dearer_move_of_a_booking_paid_outside_stripe_advises_what_can_be_done() -> None:
    """Its invoice marked paid outside Stripe, a cancel with a refund is refused (nothing at
    Stripe to give back), so it is not advised."""
    by_card_or_stripe = decide_transfer(
        booking(payment_method=PaymentMethod.INVOICE), SPRING, DEARER, NOW
    )
    assert isinstance(by_card_or_stripe, TransferRefused)
    assert "cancel with a refund and have the person apply" in by_card_or_stripe.message
    unpaid = booking(0, payment_method=PaymentMethod.INVOICE)
    off_stripe = unpaid.model_copy(update={"amount_paid": 20000})  # no payment at Stripe
    decided = decide_transfer(off_stripe, SPRING, DEARER, NOW)
    assert isinstance(decided, TransferRefused)
    assert "cancel with a refund" not in decided.message
    assert "cancel it without the refund (it was paid outside Stripe" in decided.message
