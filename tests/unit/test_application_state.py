"""The application state machine and the payment decisions, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from booking.domain.application import (
    ALLOWED_TRANSITIONS,
    Application,
    ApplicationForm,
    CheckoutRef,
    PaymentRecord,
)
from booking.domain.application import ApplicationStatus as S
from booking.domain.errors import IllegalTransition
from booking.domain.form_text import FormText
from booking.domain.idempotency import fingerprint
from booking.domain.money import Money
from booking.domain.payments import Action, CheckoutEvent, CheckoutEventKind, decide
from tests.support.applications import an_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)


def application(status: S = S.AWAITING_PAYMENT, **changes: object) -> Application:
    return an_application(
        status,
        at=NOW,
        seat_held=True,
        checkout=CheckoutRef(
            session_id="cs_1", url="https://pay", attempt=1, expires_at=NOW + timedelta(minutes=31)
        ),
    ).model_copy(update=changes)


def event(
    kind: CheckoutEventKind,
    session_id: str = "cs_1",
    event_id: str = "evt_1",
    payment_intent: str | None = "pi_1",
) -> CheckoutEvent:
    return CheckoutEvent(
        event_id=event_id,
        kind=kind,
        session_id=session_id,
        application_id="app1",
        payment_intent=payment_intent,
        amount_total=20000,
    )


PAID, EXPIRED = CheckoutEventKind.PAID, CheckoutEventKind.EXPIRED


def test_paid_within_hold_confirms() -> None:
    assert decide(application(), event(PAID)).action is Action.CONFIRM


def test_paid_after_hold_lapsed_needs_a_free_seat() -> None:
    lapsed = application(S.EXPIRED, seat_held=False)
    assert decide(lapsed, event(PAID)).action is Action.CONFIRM_IF_SEAT_FREE


def test_second_payment_on_a_confirmed_booking_is_refunded() -> None:
    second = CheckoutRef(session_id="cs_2", url="u", attempt=2, expires_at=NOW, amount=20000)
    confirmed = application(
        S.CONFIRMED, payment_intent="pi_1", checkout_history=(second,)
    )  # a restarted checkout was paid as well
    assert decide(confirmed, event(PAID)).action is Action.IGNORE
    other = decide(confirmed, event(PAID, session_id="cs_2", payment_intent="pi_2"))
    assert (other.action, other.reason) == (Action.REFUND, "duplicate_payment")


def test_a_payment_for_a_session_never_opened_for_the_application_is_not_believed() -> None:
    # Signed by Stripe, but naming this application from a session it never had.
    stray = decide(application(), event(PAID, session_id="cs_elsewhere", payment_intent="pi_9"))
    assert (stray.action, stray.reason) == (
        Action.REFUND_UNMATCHED,
        "session_not_opened_for_this_application",
    )


@pytest.mark.parametrize(("amount", "currency"), [(100, "gbp"), (20000, "eur"), (19999, "gbp")])
def test_a_payment_that_is_not_what_was_asked_never_confirms(amount: int, currency: str) -> None:
    asked = CheckoutRef(
        session_id="cs_1", url="u", attempt=1, expires_at=NOW, amount=20000, currency="gbp"
    )
    paid = CheckoutEvent(
        event_id="evt_1",
        kind=PAID,
        session_id="cs_1",
        application_id="app1",
        payment_intent="pi_1",
        amount_total=amount,
        currency=currency,
    )
    decision = decide(application(checkout=asked), paid)
    assert (decision.action, decision.reason) == (
        Action.REFUND_UNMATCHED,
        "amount_or_currency_mismatch",
    )


def test_a_payment_already_recorded_is_ignored_whatever_its_session() -> None:
    recorded = PaymentRecord(
        payment_intent="pi_2", session_id="cs_2", amount=20000, currency="gbp", kept=False
    )
    confirmed = application(S.CONFIRMED, payment_intent="pi_1", payments=(recorded,))
    again = decide(confirmed, event(PAID, session_id="cs_2", payment_intent="pi_2", event_id="e2"))
    assert again.action is Action.IGNORE


@pytest.mark.parametrize("status", [S.CANCELLED, S.DECLINED, S.PENDING_REVIEW])
def test_payment_for_an_application_that_cannot_be_booked_is_refunded(status: S) -> None:
    assert decide(application(status, seat_held=False), event(PAID)).action is Action.REFUND


def test_late_expiry_never_undoes_confirmed() -> None:
    confirmed = application(S.CONFIRMED, payment_intent="pi_1")
    assert decide(confirmed, event(EXPIRED, event_id="evt_2")).action is Action.IGNORE


def test_expiry_of_an_older_session_changes_nothing() -> None:
    current = application(
        checkout=CheckoutRef(
            session_id="cs_2", url="u", attempt=2, expires_at=NOW + timedelta(minutes=31)
        )
    )
    assert decide(current, event(EXPIRED)).action is Action.IGNORE
    assert decide(application(), event(EXPIRED)).action is Action.RELEASE_HOLD


def test_known_event_ids_are_ignored() -> None:
    seen = application().with_event("evt_1")
    assert decide(seen, event(PAID)).action is Action.IGNORE


def test_pending_async_payment_keeps_the_hold() -> None:
    assert decide(application(), event(CheckoutEventKind.PENDING)).action is Action.KEEP_HOLD


def test_moves_outside_the_table_are_refused() -> None:
    with pytest.raises(IllegalTransition):
        application(S.CONFIRMED).moved_to(S.AWAITING_PAYMENT, NOW)
    with pytest.raises(IllegalTransition):
        application(S.REFUNDED).moved_to(S.CONFIRMED, NOW)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_moved_to_follows_the_table_exactly(start: S, target: S) -> None:
    before = application(start)
    if target in ALLOWED_TRANSITIONS[start]:
        after = before.moved_to(target, NOW + timedelta(seconds=1))
        assert after.status is target
        assert after.updated_at > before.updated_at
    else:
        with pytest.raises(IllegalTransition):
            before.moved_to(target, NOW)


def test_refunded_is_terminal_and_confirmed_cannot_expire() -> None:
    assert ALLOWED_TRANSITIONS[S.REFUNDED] == frozenset()
    assert S.EXPIRED not in ALLOWED_TRANSITIONS[S.CONFIRMED]


@given(
    st.lists(
        st.sampled_from([PAID, EXPIRED, CheckoutEventKind.FAILED, CheckoutEventKind.PENDING]),
        max_size=8,
    ),
)
def test_no_event_sequence_takes_a_confirmed_booking_back(kinds: list[CheckoutEventKind]) -> None:
    state = application(S.CONFIRMED, payment_intent="pi_1")
    for position, kind in enumerate(kinds):
        decision = decide(state, event(kind, event_id=f"evt_{position}"))
        assert decision.action in (Action.IGNORE, Action.REFUND)


FORM = {
    "name": "Ann",
    "email": "ann@example.org",
    "job_title": "Nurse",
    "organisation": "NHS",
    "leadership_role": "A ward",
    "motivation": "Grow",
    "consent": True,
}


def test_form_accepts_a_checkbox_and_strips_whitespace() -> None:
    form = ApplicationForm.model_validate({**FORM, "consent": FormText("on"), "name": "  Ann  "})
    assert form.name == "Ann"
    assert form.consent is True
    assert form.answers().name == "Ann"


def test_fingerprint_tells_retries_from_different_requests() -> None:
    first = ApplicationForm.model_validate(FORM)
    assert fingerprint(first) == fingerprint(ApplicationForm.model_validate(dict(FORM)))
    assert fingerprint(first) != fingerprint(
        ApplicationForm.model_validate({**FORM, "motivation": "Other"})
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"consent": False},
        {"consent": "off"},
        # A JSON client's string is not its true; a form's word only exactly as a box posts it.
        {"consent": "true"},
        {"consent": "on"},
        {"consent": FormText("True ")},
        {"consent": FormText(" on")},
        {"consent": FormText("yes")},
        {"website": "x"},
        {"email": "a@"},
        {"name": " "},
        {"organisation": "x" * 201},
    ],
)
def test_form_refuses(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ApplicationForm.model_validate({**FORM, **bad})


PRICE = Money(amount=20000)


@pytest.mark.parametrize(
    ("status", "changes", "left"),
    [
        (S.AWAITING_PAYMENT, {}, 20000),
        (S.AWAITING_PAYMENT, {"bursary": 15000}, 5000),
        (S.OFFERED, {}, 20000),
        (S.AWAITING_INVOICE_PAYMENT, {}, 20000),
        # Paid: nothing left, whatever the price, the bursary or the code.
        (S.CONFIRMED, {"amount_paid": 20000}, 0),
        (S.CONFIRMED, {"amount_paid": 5000, "bursary": 15000}, 0),
        (S.CONFIRMED, {"bursary": 20000}, 0),
        # Ended: nothing is owed.
        (S.CANCELLED, {}, 0),
        (S.REFUNDED, {"amount_paid": 20000, "amount_refunded": 20000}, 0),
        (S.DECLINED, {}, 0),
        # On the way but not yet asked to pay (or a lapsed payment that may start again): what
        # it will be asked, as the applicant's status page says (not "Nothing" after a part
        # bursary granted during review).
        (S.EXPIRED, {}, 20000),
        (S.PENDING_REVIEW, {"bursary": 15000}, 5000),
        (S.WAITLISTED, {}, 20000),
        # A payment kept counts; one given back does not.
        (S.AWAITING_PAYMENT, {"amount_paid": 5000, "amount_refunded": 5000}, 20000),
    ],
)
def test_left_to_pay_is_what_is_due_less_what_was_kept_on_the_way_to_a_booking(
    status: S, changes: dict[str, object], left: int
) -> None:
    assert application(status, **changes).left_to_pay(PRICE) == left
