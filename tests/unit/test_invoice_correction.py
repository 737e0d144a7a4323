"""The corrected invoice's decision (``domain.invoice_correction``), pure: a new invoice to the
corrected details for the same due day, the old one voided, the place kept; the same details
again change nothing; no open invoice, or its due day reached, refused in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.domain.application import Application
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing_details import BillingDetails
from booking.domain.commands import IssueInvoice, Situation, VoidInvoice
from booking.domain.invoice_correction import InvoiceCorrected
from booking.domain.invoice_voiding import CORRECT_ONCE_SETTLED, VoidingFor
from booking.domain.money import Money
from booking.domain.settlement import settle
from tests.support.applications import ACCOUNTS, an_invoice, an_invoiced_application

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
SITUATION = Situation(now=NOW, course_price=Money(amount=20000))
CORRECTED = BillingDetails(
    billing_name="St Elsewhere Teaching Hospitals NHS Trust",
    billing_email="invoices@example.nhs.uk",
    billing_address="2 Infirmary Street",
    po_number="PO-9001",
)


def _on_an_open_invoice(**invoice: object) -> Application:
    return an_invoiced_application(
        S.AWAITING_INVOICE_PAYMENT,
        at=NOW - timedelta(days=2),
        invoice=an_invoice(at=NOW - timedelta(days=2), **invoice),
        seat_held=True,
        invoice_attempts=1,
    )


def test_a_correction_replaces_the_invoice_for_the_same_due_day_and_voids_the_old() -> None:
    application = _on_an_open_invoice()
    assert application.invoice is not None

    decided = settle(application, InvoiceCorrected(CORRECTED), SITUATION)

    assert decided.refusal is None
    assert decided.application is not None
    assert decided.application.billing == CORRECTED
    assert decided.application.invoice is None  # the new one recorded by the save
    assert decided.application.seat_held
    # Its id recorded while a draft, before Stripe sends it (found if the act is stopped).
    assert decided.before_save == (
        IssueInvoice(application.invoice.due_at, 2, recorded_first=True),
    )
    assert decided.after_save == (VoidInvoice("in_1"),)


def test_the_same_details_again_change_nothing() -> None:
    decided = settle(_on_an_open_invoice(), InvoiceCorrected(ACCOUNTS), SITUATION)
    assert (decided.action, decided.application) == ("ignore", None)


def test_no_open_invoice_is_refused_in_words() -> None:
    decided = settle(_on_an_open_invoice(status="paid"), InvoiceCorrected(CORRECTED), SITUATION)
    assert decided.refusal is not None
    assert decided.refusal.code == "no_open_invoice"
    assert "no open invoice to correct" in decided.refusal.message


def test_an_invoice_due_now_is_too_late_to_correct() -> None:
    decided = settle(_on_an_open_invoice(due_at=NOW), InvoiceCorrected(CORRECTED), SITUATION)
    assert decided.refusal is not None
    assert decided.refusal.code == "too_late_for_invoice"


def test_the_mark_names_the_details_and_what_to_do_under_a_debit() -> None:
    mark = VoidingFor(since=NOW, corrected=CORRECTED)
    assert mark.once_settled == CORRECT_ONCE_SETTLED
    assert VoidingFor.model_validate_json(mark.model_dump_json()) == mark
