"""The employer invoiced instead of the card, decided (``domain.invoice_instead``), pure: the
billing details recorded, an invoice asked before the save (its id recorded first), the card
checkout expired, the place kept; the same switch again changes nothing; nothing open to
switch, a bank debit settling, nothing to pay or no time for an invoice refused in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing_details import PaymentMethod
from booking.domain.commands import ExpireCheckout, IssueInvoice, Situation
from booking.domain.invoice_instead import InvoicedInsteadOfCard, may_invoice_instead
from booking.domain.money import Money
from booking.domain.payment_record import CheckoutRef
from booking.domain.settlement import settle
from tests.support.applications import ACCOUNTS, an_application, an_invoice

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=30)
SITUATION = Situation(now=NOW, course_price=Money(amount=20000), invoice_due_at=DUE)
CHECKOUT = CheckoutRef(
    session_id="cs_1", url="u", attempt=1, expires_at=NOW + timedelta(minutes=20), amount=20000
)


def _paying_by_card(status: S = S.AWAITING_PAYMENT, **fields: object) -> Application:
    held: dict[str, object] = {"checkout": CHECKOUT, "seat_held": True, **fields}
    return an_application(status, at=NOW - timedelta(minutes=5)).model_copy(update=held)


def test_the_checkout_is_replaced_by_an_invoice_keeping_the_place() -> None:
    application = _paying_by_card()
    assert may_invoice_instead(application)

    decided = settle(application, InvoicedInsteadOfCard(ACCOUNTS), SITUATION)

    assert decided.refusal is None
    assert decided.application is not None
    assert decided.application.billing == ACCOUNTS
    assert decided.application.seat_held
    assert decided.before_save == (IssueInvoice(DUE, 1, recorded_first=True),)
    assert decided.after_save == (ExpireCheckout("cs_1"),)  # expired first by the service


def test_the_same_switch_again_changes_nothing() -> None:
    done = an_application(
        S.AWAITING_INVOICE_PAYMENT,
        at=NOW,
        payment_method=PaymentMethod.INVOICE,
        billing=ACCOUNTS,
        invoice=an_invoice(at=NOW),
        seat_held=True,
    )
    decided = settle(done, InvoicedInsteadOfCard(ACCOUNTS), SITUATION)
    assert (decided.action, decided.application) == ("ignore", None)


@pytest.mark.parametrize(
    "application",
    [
        _paying_by_card(S.CONFIRMED, payment_intent="pi_1"),
        _paying_by_card(S.CANCELLED, seat_held=False),
        an_application(S.WAITLISTED, at=NOW),
        _paying_by_card(S.EXPIRED, seat_held=False),
    ],
    ids=["paid", "cancelled", "waiting", "expired"],
)
def test_nothing_open_to_switch_is_refused_in_words(application: Application) -> None:
    decided = settle(application, InvoicedInsteadOfCard(ACCOUNTS), SITUATION)
    assert decided.refusal is not None
    assert decided.refusal.code == "no_open_card_payment"
    assert "no card payment open to switch to an invoice" in decided.refusal.message
    assert not may_invoice_instead(application)


def test_a_bank_debit_settling_is_refused() -> None:
    settling = _paying_by_card(checkout=CHECKOUT.model_copy(update={"completed_at": NOW}))
    decided = settle(settling, InvoicedInsteadOfCard(ACCOUNTS), SITUATION)
    assert decided.refusal is not None
    assert decided.refusal.code == "payment_settling"
    assert not may_invoice_instead(settling)


def test_nothing_to_pay_is_refused() -> None:
    funded = _paying_by_card(S.CONFIRMED, bursary=20000)
    decided = settle(funded, InvoicedInsteadOfCard(ACCOUNTS), SITUATION)
    assert decided.refusal is not None
    assert decided.refusal.code == "nothing_to_pay"


def test_no_time_for_an_invoice_is_refused() -> None:
    late = Situation(now=NOW, course_price=Money(amount=20000), invoice_due_at=None)
    decided = settle(_paying_by_card(), InvoicedInsteadOfCard(ACCOUNTS), late)
    assert decided.refusal is not None
    assert decided.refusal.code == "too_late_for_invoice"
