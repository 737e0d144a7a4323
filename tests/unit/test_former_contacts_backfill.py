"""The replaced contacts' backfill as a use case on the fakes (``services.backfills``): each
replaced invoice's contact, as the provider holds them, recorded in order; one an act sent and
never saved (its contact the act's) and the current one are not replaced; a second call reads
nothing and records nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import BillingDetails
from booking.services import courses
from booking.services.backfills import FormerContactsPage, backfill_former_contacts
from booking.services.ports import Ports
from tests.fakes import FakePaymentGateway, fake_ports
from tests.support.applications import an_application, answers_of
from tests.support.billing_steps import billing_course
from tests.support.stripe_requests import invoice_request

NOW = datetime(2027, 5, 1, 9, tzinfo=UTC)


def _billed(who: str) -> BillingDetails:
    return BillingDetails(
        billing_name=f"Trust {who}", billing_email=f"{who}@example.org", billing_address="1 Rd"
    )


@pytest.fixture
def ports() -> Ports:
    the_ports = fake_ports()
    courses.put_course(the_ports, "c1", billing_course())
    return the_ports


def _corrected_twice_then_once_more_begun(ports: Ports) -> Application:
    """Invoiced to A, corrected to B, then to C (current), and a correction to D stopped
    after its invoice was recorded ahead: saved as before replaced contacts were kept."""
    payments = ports.payments
    assert isinstance(payments, FakePaymentGateway)
    sent = [payments.create_invoice(invoice_request(billing=_billed(w))) for w in "abcd"]
    application = an_application(
        ApplicationStatus.AWAITING_INVOICE_PAYMENT,
        at=NOW,
        app_id="app1",
        course_id="c1",
        answers=answers_of("person@example.org"),
        billing=_billed("c"),
        invoice=sent[2],
        invoices_issued=tuple(i.invoice_id for i in sent),
    )
    return ports.repository.save(application, None)


def test_each_replaced_contact_is_recorded_in_order_and_found(ports: Ports) -> None:
    saved = _corrected_twice_then_once_more_begun(ports)

    page = backfill_former_contacts(ports)

    assert page == FormerContactsPage("c1", 2, 0, 0, None)
    stored = ports.repository.get_application("app1")
    assert stored is not None
    assert [f.billing.billing_email for f in stored.former_billing] == [
        "a@example.org",
        "b@example.org",
    ]
    assert [f.invoice_id for f in stored.former_billing] == list(saved.invoices_issued[:2])
    for who in ("a", "b"):
        found = ports.repository.applications_billed_to(f"{who}@example.org")
        assert [a.application_id for a in found] == ["app1"]
    # Again: nothing asked of the provider, nothing recorded, the booking left as it was.
    payments = ports.payments
    assert isinstance(payments, FakePaymentGateway)
    payments.down = True
    assert backfill_former_contacts(ports) == FormerContactsPage("c1", 0, 2, 0, None)
    assert ports.repository.get_application("app1") == stored
