"""The one rule for paying for a place: nothing is paid once the course's
applications close (``domain.paying``, ``domain.paying.paid_late``); an offer is held until
the course begins at the latest; a payment that lands later is given back, never confirmed,
and the facilitators are not told of a booking."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.commands import Refund, Situation
from booking.domain.course import CHECKOUT_HOLD, Course, CourseDefinition
from booking.domain.emails import EmailKind
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.money import Money
from booking.domain.paying import held_until, paid_at, paid_late
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.domain.settlement import MoneyFact, settle
from booking.domain.standing import Facts, standing
from booking.domain.transfers import refusal
from tests.support.applications import an_application

START = datetime(2027, 6, 2, 14, 0, tzinfo=UTC)  # 15:00 BST


def course(course_id: str = "june", price: int = 20000, **changes: object) -> Course:
    definition = CourseDefinition.model_validate(
        {
            "title": "Compassionate Leadership",
            "programme": "compassionate-leadership",
            "price": {"amount": price, "currency": "gbp"},
            "capacity": 20,
            "sessions": [{"date": "2027-06-02", "start_time": "15:00", "end_time": "17:00"}],
            **changes,
        }
    )
    return Course(course_id=course_id, definition=definition)


def test_payment_is_taken_while_a_checkout_would_end_before_applications_close() -> None:
    june = course()
    assert june.accepts_applications(START - CHECKOUT_HOLD - timedelta(seconds=1))
    # Less than a checkout's least hold before the start: nothing is opened.
    assert not june.accepts_applications(START - timedelta(minutes=30))
    assert not june.accepts_applications(START)
    # The course's page closes with it (an application opened a checkout then).
    assert not june.accepts_applications(START - timedelta(minutes=30))
    assert june.accepts_applications(START - CHECKOUT_HOLD - timedelta(seconds=1))
    assert not course(closed=True).accepts_applications(START - timedelta(days=30))


def test_an_offer_is_held_until_applications_close_at_the_latest() -> None:
    """An offer's deadline is the last moment its checkout may open, not the
    start (an offer made in the last half hour was promised 31 minutes it could not use)."""
    june = course()
    early = START - timedelta(days=10)
    closes = START - CHECKOUT_HOLD
    assert held_until(june, early, 48) == early + timedelta(hours=48)
    assert held_until(june, START - timedelta(hours=3), 48) == closes
    assert held_until(june, START - timedelta(minutes=36), 48) == closes
    # Whatever the offer's deadline says, a checkout could be opened just before it.
    assert june.accepts_applications(closes - timedelta(seconds=1))
    assert not june.accepts_applications(closes)


def test_an_offer_cannot_be_paid_once_the_course_takes_no_payment() -> None:
    offered = an_application(
        S.OFFERED,
        at=START - timedelta(hours=3),
        seat_held=True,
        offer_expires_at=START,
        hold_expires_at=START,
    )
    now = START - timedelta(minutes=10)
    assert offered.payment_refusal(now, course_open=True) is None
    assert offered.payment_refusal(now, course_open=course().accepts_applications(now)) == (
        "course_closed"
    )


def _paid(created: datetime | None) -> CheckoutEvent:
    return CheckoutEvent(
        "evt_1",
        CheckoutEventKind.PAID,
        "cs_1",
        "app1",
        payment_intent="pi_1",
        amount_total=20000,
        created=created,
    )


def _late(june: Course, fact: MoneyFact, now: datetime, app: Application | None = None) -> bool:
    return paid_late(june, fact, paid_at(fact, now), app)


def test_a_payment_is_late_by_when_stripe_took_it_not_when_it_is_heard_of() -> None:
    june = course()
    after = START + timedelta(minutes=5)
    assert _late(june, _paid(START + timedelta(seconds=1)), after)
    assert not _late(june, _paid(START - timedelta(seconds=1)), after)  # heard of late
    assert _late(june, _paid(None), after)
    # An employer's invoice holds the place through the course: paid after it, it stands.
    invoice = InvoiceEvent("evt_2", InvoiceEventKind.PAID, "in_1", "app1", amount_paid=20000)
    assert not _late(june, invoice, after)
    expired = replace(_paid(after), kind=CheckoutEventKind.EXPIRED)
    assert not _late(june, expired, after)


def test_a_delayed_payment_whose_checkout_completed_before_the_start_is_honoured() -> None:
    """A delayed method (Bacs, SEPA) settles after the start: the person completed a checkout
    that expired by the start (Stripe completes none after), so they paid in time; a checkout
    that could still be completed after the start (held past it) is judged by the payment."""
    from booking.domain.application import CheckoutRef

    june = course()
    settled = START + timedelta(days=3)

    def asked(expires_at: datetime) -> Application:
        ref = CheckoutRef(session_id="cs_1", url="https://pay", attempt=1, expires_at=expires_at)
        return an_application(S.AWAITING_PAYMENT, at=START - timedelta(days=1)).model_copy(
            update={"checkout": ref, "seat_held": True, "payment_pending": True}
        )

    assert not _late(june, _paid(settled), settled, asked(START - timedelta(hours=1)))
    assert not _late(june, _paid(settled), settled, asked(START))
    assert _late(june, _paid(settled), settled, asked(START + timedelta(minutes=1)))
    # Not a checkout this system opened for it: the payment's moment is all there is.
    assert _late(june, replace(_paid(settled), session_id="cs_other"), settled, asked(START))


def test_a_checkout_held_past_a_start_brought_forward_is_judged_by_when_it_completed() -> None:
    """An organiser brought the start forward into an open checkout's hold.
    A card's completion is its payment: paid within the hold but after the (new) start, it is
    late. A delayed method's completion is recorded with its pending payment: completed before
    the start, it is honoured however late it settles; after it, or unrecorded, it is late."""
    from booking.domain.application import CheckoutRef
    from booking.domain.paying import completed_late

    june = course()
    held_past = START + timedelta(minutes=20)
    ref = CheckoutRef(session_id="cs_1", url="https://pay", attempt=1, expires_at=held_past)
    in_hold = START + timedelta(minutes=1)
    assert completed_late(june, in_hold, ref)
    assert not completed_late(june, START - timedelta(seconds=1), ref)
    settled = START + timedelta(days=3)
    before = ref.model_copy(update={"completed_at": START - timedelta(minutes=2)})
    assert not completed_late(june, settled, before)
    assert not completed_late(june, in_hold, before)
    after = ref.model_copy(update={"completed_at": START})
    assert completed_late(june, settled, after)
    assert completed_late(june, settled, ref)
    # Through the application's checkout, as the webhook asks it.
    app = an_application(S.AWAITING_PAYMENT, at=START - timedelta(hours=1)).model_copy(
        update={"checkout": ref, "checkout_history": (ref,), "seat_held": True}
    )
    assert _late(june, _paid(in_hold), in_hold, app)


def _held_at_checkout(status: S, *, at: datetime, until: datetime, **fields: object) -> Application:
    """An application holding its seat, £200, on its checkout session cs_1 (open ``until``)."""
    from booking.domain.application import CheckoutRef

    ref = CheckoutRef(
        session_id="cs_1",
        url="https://pay",
        attempt=1,
        expires_at=until,
        amount=20000,
        currency="gbp",
    )
    return an_application(
        status,
        at=at,
        seat_held=True,
        price=Money(amount=20000),
        checkout=ref,
        checkout_history=(ref,),
    ).model_copy(update=fields)


def test_a_delayed_payment_records_when_its_checkout_was_completed_once() -> None:
    """The pending event (completed unpaid) records its moment on the checkout it completed,
    the current one and its copy in the history; the same event sent again keeps the first."""
    now = START - timedelta(hours=2)
    held = _held_at_checkout(
        S.AWAITING_PAYMENT, at=now - timedelta(minutes=1), until=now + CHECKOUT_HOLD
    )
    completed = now - timedelta(seconds=5)
    pending = CheckoutEvent("evt_p", CheckoutEventKind.PENDING, "cs_1", "app1", created=completed)
    situation = Situation(now=now, course_price=Money(amount=20000))
    decided = settle(held, pending, situation)
    assert decided.application is not None
    kept = decided.application
    assert kept.payment_pending
    assert kept.checkout is not None
    assert kept.checkout.completed_at == completed
    assert kept.asked_in("cs_1") == kept.checkout
    assert [r.completed_at for r in kept.checkout_history] == [completed]
    again = settle(
        kept, replace(pending, event_id="evt_p2", created=now), replace(situation, now=now)
    )
    assert again.application is not None
    assert again.application.checkout is not None
    assert again.application.checkout.completed_at == completed


def test_a_payment_after_the_close_is_given_back_and_nobody_is_told_of_a_booking() -> None:
    now = START + timedelta(minutes=5)
    held = _held_at_checkout(
        S.OFFERED,
        at=START - timedelta(hours=3),
        until=now,
        offer_expires_at=START + timedelta(hours=40),  # an offer made before the rule
    )
    situation = Situation(now=now, course_price=Money(amount=20000), course_open=False)
    decided = settle(held, _paid(now), situation)
    assert decided.reason == "course_closed"
    assert decided.application is not None
    assert decided.application.status is S.REFUNDED
    assert [c for c in decided.before_save if isinstance(c, Refund)]
    kinds = [job.kind for job in decided.application.outbox]
    assert EmailKind.PAYMENT_REFUNDED in kinds
    assert EmailKind.BOOKING_CONFIRMED not in kinds
    assert EmailKind.FACILITATOR_COPY not in kinds
    # The same payment while the course is open confirms the place.
    kept = settle(held, _paid(now), replace(situation, course_open=True))
    assert kept.application is not None
    assert kept.application.status is S.CONFIRMED


def test_an_offer_that_cannot_be_paid_is_not_said_to_be_payable() -> None:
    said = standing(Facts(status="offered", can_pay=False, price="£200.00", offer_until="x"))
    assert said.headline == "The offer of a place has ended"
    assert "Pay" not in said.explanation
    open_offer = standing(Facts(status="offered", can_pay=True, price="£200.00"))
    assert open_offer.headline == "A place is available for you"


def test_a_dearer_move_is_refused_when_its_difference_could_not_be_paid_in_time() -> None:
    booked = an_application(
        S.CONFIRMED,
        at=START - timedelta(days=20),
        course_id="later",
        price=Money(amount=20000),
        payment_intent="pi_1",
        amount_paid=20000,
    )
    source = course(
        "later", sessions=[{"date": "2027-06-20", "start_time": "15:00", "end_time": "17:00"}]
    )
    dearer = course(price=30000)
    assert refusal(booked, source, dearer, START - timedelta(hours=2)) is None
    refused = refusal(booked, source, dearer, START - timedelta(minutes=20))
    assert refused is not None
    assert refused.code == "course_closed"
    # The same price asks nothing by card: the move may be made until the cohort begins.
    assert refusal(booked, source, course(), START - timedelta(minutes=20)) is None


@given(
    before=st.integers(-48 * 60, 72 * 60),  # minutes before the start (negative: after it)
    hours=st.integers(1, 168),
)
def test_nothing_opened_or_held_outlives_the_start(before: int, hours: int) -> None:
    """Whenever a payment may be opened, its checkout (held ``CHECKOUT_HOLD``) ends by the
    start; an offer made at any moment is held no later than applications close."""
    june = course()
    now = START - timedelta(minutes=before)
    if june.accepts_applications(now):
        assert now + CHECKOUT_HOLD <= START
    assert held_until(june, now, hours) <= START - CHECKOUT_HOLD
    assert held_until(june, now, hours) <= now + timedelta(hours=hours)


def test_a_payment_taken_before_the_start_is_in_time_though_applications_closed_since() -> None:
    """Judged by the first session's start: the organisers' closing of applications is today's
    flag, not what held when Stripe took the payment."""
    closed_since = course(closed=True)
    before = START - timedelta(hours=2)
    assert not _late(closed_since, _paid(before), START - timedelta(hours=1))
    assert _late(closed_since, _paid(START), START + timedelta(hours=1))


def test_a_lapsed_offer_is_said_in_whole_sentences_with_or_without_its_deadline() -> None:
    """An offer stored without a deadline is said without the "held until"."""
    from booking.services.access import offer_lapsed

    june = course()
    timed = an_application(S.EXPIRED, at=START - timedelta(days=3), offer_expires_at=START)
    untimed = timed.model_copy(update={"offer_expires_at": None})
    with_deadline = offer_lapsed(timed, june).message
    assert with_deadline.startswith("this offer has lapsed: the place was held for you until ")
    assert "and was not booked by then, so it went back to the course" in with_deadline
    assert offer_lapsed(untimed, june).message == (
        "this offer has lapsed: the place was not booked in time, so it went back to the "
        "course for the next person, and no place is free for you now"
    )
