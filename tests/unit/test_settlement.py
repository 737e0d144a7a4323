"""The one money decision (``domain.settlement``), without any I/O: the new state and the
commands around its save, for card, invoice, bursary and cancellation alike."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import Application, CheckoutRef, GroupPlaceRef
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import AppliedDiscount, BillingDetails
from booking.domain.billing_notices import KEPT_TO_GIVE_BACK_BY_HAND, PAID_BY_ORGANISATION_WORDS
from booking.domain.commands import (
    ExpireCheckout,
    IssueInvoice,
    NoteAnomaly,
    Refund,
    Situation,
    VoidInvoice,
)
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.limits import Holding, Limited, holding_changes, holdings
from booking.domain.money import Money
from booking.domain.organiser_money_acts import BursaryGranted, Cancellation
from booking.domain.paid_without_a_place import kept_without_a_place
from booking.domain.payer import payer_of
from booking.domain.payment_settlement import ended_invoice
from booking.domain.payments import CheckoutEvent, CheckoutEventKind, payment_record
from booking.domain.settlement import owes_nothing, settle
from tests.support.applications import an_application, an_invoice, answers_of

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
PRICE = Money(amount=20000)
SITUATION = Situation(now=NOW, course_price=PRICE, invoice_due_at=NOW + timedelta(days=30))
LESS_150 = AppliedDiscount(code="LESS-150", promotion_code_id="promo_1", amount_off=15000)
SESSION = CheckoutRef(
    session_id="cs_1",
    url="https://pay",
    attempt=1,
    expires_at=NOW + timedelta(minutes=31),
    amount=20000,
    currency="gbp",
)
INVOICE = an_invoice(at=NOW, due_at=NOW, amount_due=5000)


def application(status: S = S.AWAITING_PAYMENT, **changes: object) -> Application:
    return an_application(
        status,
        at=NOW,
        seat_held=True,
        price=PRICE,
        checkout=SESSION,
        checkout_history=(SESSION,),
    ).model_copy(update=changes)


def invoiced(**changes: object) -> Application:
    billing = BillingDetails(
        billing_name="Trust", billing_email="accounts@example.org", billing_address="1 Road"
    )
    return application(
        S.AWAITING_INVOICE_PAYMENT, checkout=None, invoice=INVOICE, billing=billing, **changes
    )


def paid(amount: int = 20000, payment_intent: str = "pi_1") -> CheckoutEvent:
    return CheckoutEvent(
        "evt_1",
        CheckoutEventKind.PAID,
        "cs_1",
        "app1",
        payment_intent=payment_intent,
        amount_total=amount,
        currency="gbp",
    )


def paid_booking(**changes: object) -> Application:
    """A confirmed booking paid in full by card (``pi_1``), its one payment kept."""
    booked = application(S.CONFIRMED, payment_intent="pi_1", amount_paid=20000)
    return booked.model_copy(update={"payments": (payment_record(paid(), kept=True),), **changes})


@pytest.mark.parametrize(
    ("bursary", "discount", "nothing"),
    [(0, None, False), (20000, None, True), (10000, LESS_150, True), (0, LESS_150, False)],
)
def test_one_rule_says_when_nothing_is_left_to_pay(
    bursary: int, discount: AppliedDiscount | None, nothing: bool
) -> None:
    assert owes_nothing(application(bursary=bursary, discount=discount), SITUATION) is nothing


def test_a_grant_that_leaves_nothing_books_the_place_and_closes_the_invoice_after_the_save() -> (
    None
):
    decided = settle(invoiced(discount=LESS_150), BursaryGranted(10000), SITUATION)
    assert decided.application is not None
    assert decided.application.status is S.CONFIRMED
    assert decided.application.invoice == INVOICE.model_copy(update={"status": "void"})
    assert decided.before_save == ()
    assert decided.after_save == (VoidInvoice("in_1"),)


def test_a_part_grant_on_an_invoice_asks_for_the_new_invoice_before_the_save() -> None:
    decided = settle(invoiced(), BursaryGranted(5000), SITUATION)
    assert decided.application is not None
    assert decided.application.invoice is None  # the answer becomes it, in the same save
    # Its id recorded while a draft, before it is sent: a grant stopped after finds it.
    issue = IssueInvoice(SITUATION.invoice_due_at or NOW, 1, recorded_first=True)
    assert decided.before_save == (issue,)
    assert decided.after_save == (VoidInvoice("in_1"),)


def test_a_full_grant_with_no_seat_left_is_refused_not_squeezed_in() -> None:
    waiting = application(S.WAITLISTED, seat_held=False, checkout=None)
    no_seat = Situation(now=NOW, course_price=PRICE, seat_free=False)
    decided = settle(waiting, BursaryGranted(20000), no_seat)
    assert decided.refusal is not None
    assert decided.refusal.code == "course_full"


def test_a_cancellation_with_refund_gives_the_money_back_before_and_closes_after() -> None:
    decided = settle(paid_booking(), Cancellation(refund=True), SITUATION)
    assert decided.before_save == (Refund("pi_1", None, "cancel-app1"),)
    # The checkout the booking was paid through is complete: nothing to expire (Stripe refuses
    # to), though it was opened a minute ago.
    assert decided.after_save == ()
    assert decided.application is not None
    assert (decided.application.status, decided.application.status_reason) == (
        S.CANCELLED,
        "refund_requested",
    )


def test_a_cancellation_expires_the_checkout_nobody_paid_yet() -> None:
    decided = settle(application(), Cancellation(refund=False), SITUATION)
    assert decided.after_save == (ExpireCheckout("cs_1"),)
    # Paid through another checkout (an earlier attempt): this one is still open.
    earlier = payment_record(paid(), kept=True).model_copy(update={"session_id": "cs_0"})
    decided = settle(paid_booking(payments=(earlier,)), Cancellation(refund=True), SITUATION)
    assert decided.after_save == (ExpireCheckout("cs_1"),)


def test_a_payment_that_finds_no_seat_is_decided_again_and_given_back() -> None:
    lapsed = application(S.EXPIRED, seat_held=False)
    with_seat = settle(lapsed, paid(), SITUATION)
    assert with_seat.application is not None
    assert with_seat.application.status is S.CONFIRMED
    no_seat = settle(lapsed, paid(), Situation(now=NOW, course_price=PRICE, seat_free=False))
    assert no_seat.before_save == (Refund("pi_1", None, "refund-cs_1"),)
    assert no_seat.application is not None
    assert (no_seat.application.status, no_seat.application.status_reason) == (
        S.REFUNDED,
        "course_full",
    )


def test_a_payment_beyond_what_a_bursary_left_gives_the_excess_back_before_the_save() -> None:
    decided = settle(application(bursary=5000), paid(20000), SITUATION)
    assert decided.before_save == (Refund("pi_1", 5000, "excess-cs_1"),)


def test_an_overdue_invoice_lets_the_place_go_and_is_voided_after_the_save() -> None:
    overdue = InvoiceEvent("evt_2", InvoiceEventKind.OVERDUE, "in_1", "app1")
    decided = settle(invoiced(), overdue, SITUATION)
    assert decided.application is not None
    assert decided.application.status is S.EXPIRED
    assert decided.after_save == (VoidInvoice("in_1"),)


def test_an_invoice_paid_for_a_place_funded_meanwhile_is_given_back() -> None:
    funded = invoiced(bursary=20000).model_copy(
        update={"status": S.CONFIRMED, "invoice": INVOICE.model_copy(update={"status": "paid"})}
    )
    event = InvoiceEvent(
        "evt_3", InvoiceEventKind.PAID, "in_1", "app1", 5000, "gbp", payment_intent="pi_inv"
    )
    decided = settle(funded, event, SITUATION)
    assert decided.before_save == (Refund("pi_inv", None, "refund-in_1"),)


def test_a_code_use_is_held_from_the_application_until_it_ends_without_a_booking() -> None:
    coded = application(discount=LESS_150)
    use = Holding(Limited.CODE_USE, "course#LESS-150")
    assert use in holdings(coded)
    # A hold that ended unpaid gives it back at once, however it ended.
    lapsed = coded.moved_to(S.EXPIRED, NOW, seat_held=False)
    assert use in holding_changes(coded, lapsed).released
    assert holding_changes(lapsed, lapsed.moved_to(S.AWAITING_PAYMENT, NOW)).claimed == (use,)
    declined = application(S.PENDING_REVIEW, seat_held=False, discount=LESS_150)
    assert holding_changes(declined, declined.moved_to(S.DECLINED, NOW)).released == (use,)
    booked = coded.moved_to(S.CONFIRMED, NOW)
    assert use in holdings(booked.moved_to(S.CANCELLED, NOW, seat_held=False))


def test_an_invoice_paid_outside_stripe_that_cannot_be_kept_is_left_to_the_organisers() -> None:
    cancelled = invoiced().moved_to(S.CANCELLED, NOW, seat_held=False)
    event = InvoiceEvent("evt_4", InvoiceEventKind.PAID, "in_1", "app1", 5000, "gbp")
    decided = settle(cancelled, event, SITUATION)
    assert (decided.action, decided.reason) == ("keep", "paid_outside_stripe")
    [anomaly] = decided.before_save
    assert isinstance(anomaly, NoteAnomaly)
    assert anomaly.kind == "paid_outside_stripe_not_refunded"


def test_a_person_billed_to_themselves_hears_of_their_invoice_kept_to_give_back_as_its_payers() -> (
    None
):
    """The message of a booking ended keeping its invoice's payment recorded outside Stripe
    always has a named payer (its invoice is paid), so the person is told in the words of an
    organisation's payment, named, also when they are their own billing contact."""
    email = "ada@example.org"
    billing = invoiced().billing
    assert billing is not None, "a booking by invoice has its billing details"
    own = invoiced(answers=answers_of(email)).model_copy(
        update={"billing": billing.model_copy(update={"billing_email": email})}
    )
    event = InvoiceEvent("evt_5", InvoiceEventKind.PAID, INVOICE.invoice_id, "app1", 20000, "gbp")
    paid_now = ended_invoice(own.invoice, "paid", NOW)
    kept = kept_without_a_place(own, event, paid_now, "course_full", NOW).application
    assert kept is not None
    [told] = kept.outbox
    assert told.reason == KEPT_TO_GIVE_BACK_BY_HAND
    assert payer_of(kept, told).organisation == "Trust"
    assert KEPT_TO_GIVE_BACK_BY_HAND in PAID_BY_ORGANISATION_WORDS


def test_an_organisers_cancel_of_a_colleagues_group_place_is_refused_naming_the_employer() -> None:
    """The place and the money that paid for it are the employer's: the one cancellation
    decision refuses it, whatever refund was asked, and changes nothing."""
    place = GroupPlaceRef(group_id="g1", place=1, group_version=1)
    booked = application(S.CONFIRMED, group_place=place)
    for refund in (True, False):
        fact = Cancellation(refund=refund, group_organisation="St Elsewhere NHS Trust")
        decided = settle(booked, fact, SITUATION)
        assert decided.application is None
        assert decided.refusal is not None
        assert decided.refusal.code == "group_place"
        assert "(St Elsewhere NHS Trust)" in decided.refusal.message
    ended = application(S.CANCELLED, group_place=place)
    assert settle(ended, Cancellation(refund=True), SITUATION).action == "ignore"


def test_a_late_payment_whose_code_use_was_taken_meanwhile_goes_back() -> None:
    """The hold ended unpaid, its use given back; paid late, the save found none left."""
    lapsed = application(discount=LESS_150).moved_to(S.EXPIRED, NOW, seat_held=False)
    no_use = dataclasses.replace(SITUATION, code_use_free=False)
    decided = settle(lapsed, paid(), no_use)
    assert (decided.action, decided.reason) == ("refund", "discount_code_used_up")
    assert decided.application is not None
    assert decided.application.status is not S.CONFIRMED
    booked = settle(lapsed, paid(), SITUATION).application
    assert booked is not None
    assert booked.status is S.CONFIRMED
