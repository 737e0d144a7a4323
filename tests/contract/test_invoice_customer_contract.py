"""Erasure at the payment provider: the customer an invoice was addressed to is deleted once
the invoice can no longer be paid. The fake held to the real SDK against the local stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from booking.adapters.stripe_gateway import StripeGateway
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.services.ports import PaymentGateway
from infra.local.stripe_standin import StripeStandIn
from tests.fakes import FakePaymentGateway
from tests.support.stripe_client import InProcessHTTPClient, stripe_client
from tests.support.stripe_requests import invoice_request

AUTH = {"authorization": "Bearer sk_test_contract"}


@dataclass
class Provider:
    gateway: PaymentGateway
    pay_invoice: Callable[[str], object]
    customer_deleted: Callable[[str], bool]  # of the invoice's customer
    fail_next: Callable[[], None]  # the provider's next answer is a 500


def _standin_get(standin: StripeStandIn, path: str) -> tuple[int, dict[str, object]]:
    answer = standin.handle("GET", path, {}, AUTH, b"")
    return answer.status, json.loads(answer.body)


@pytest.fixture(params=["fake", "stripe"])
def provider(request: pytest.FixtureRequest) -> Provider:
    if request.param == "fake":
        fake = FakePaymentGateway()

        def fake_fails() -> None:
            fake.down = True

        return Provider(
            fake, fake.pay_invoice, lambda i: fake.invoices[i].customer_deleted, fake_fails
        )
    standin = StripeStandIn(
        webhook_url="http://booking.test/webhooks/stripe",
        webhook_secret="whsec_contract",
        public_base_url="http://booking.test",
        deliver=lambda url, body, headers: 200,
    )
    http = InProcessHTTPClient(standin)

    def pay(invoice_id: str) -> None:
        answer = standin.handle(
            "POST", f"/invoices/{invoice_id}/pay", {}, {"accept": "application/json"}, b""
        )
        assert answer.status == 200, answer.body

    def deleted(invoice_id: str) -> bool:
        _, invoice = _standin_get(standin, f"/v1/invoices/{invoice_id}")
        status, customer = _standin_get(standin, f"/v1/customers/{invoice['customer']}")
        assert status == 200, customer  # a deleted customer is still retrieved, as at Stripe
        return customer.get("deleted") is True

    return Provider(
        StripeGateway(stripe_client(http)), pay, deleted, lambda: http.fail_next.append(500)
    )


def test_a_void_invoices_customer_is_deleted_and_asking_again_is_harmless(
    provider: Provider,
) -> None:
    gateway = provider.gateway
    invoice = gateway.create_invoice(invoice_request())
    assert gateway.void_invoice(invoice.invoice_id) == "void"
    assert not provider.customer_deleted(invoice.invoice_id)
    gateway.forget_invoice_customer(invoice.invoice_id)
    assert provider.customer_deleted(invoice.invoice_id)
    gateway.forget_invoice_customer(invoice.invoice_id)  # an erasure asked again
    assert provider.customer_deleted(invoice.invoice_id)
    # The void invoice is still the provider's to answer about.
    assert gateway.void_invoice(invoice.invoice_id) == "void"


def test_a_paid_invoices_customer_is_deleted_and_the_invoice_stays_paid(
    provider: Provider,
) -> None:
    gateway = provider.gateway
    invoice = gateway.create_invoice(invoice_request())
    provider.pay_invoice(invoice.invoice_id)
    gateway.forget_invoice_customer(invoice.invoice_id)
    assert provider.customer_deleted(invoice.invoice_id)
    assert gateway.void_invoice(invoice.invoice_id) == "paid"
    assert gateway.invoice_at_stripe(invoice.invoice_id).payment_intent is not None


def test_an_open_invoices_customer_is_kept_and_the_refusal_said(provider: Provider) -> None:
    gateway = provider.gateway
    invoice = gateway.create_invoice(invoice_request())
    with pytest.raises(Conflict) as refused:
        gateway.forget_invoice_customer(invoice.invoice_id)
    assert refused.value.code == "invoice_open"
    assert not provider.customer_deleted(invoice.invoice_id)


def test_an_unknown_invoice_is_no_error(provider: Provider) -> None:
    provider.gateway.forget_invoice_customer("in_unknown")


def test_a_provider_failure_is_an_outage_and_the_customer_stays(provider: Provider) -> None:
    gateway = provider.gateway
    invoice = gateway.create_invoice(invoice_request())
    gateway.void_invoice(invoice.invoice_id)
    provider.fail_next()
    with pytest.raises(DependencyUnavailable):
        gateway.forget_invoice_customer(invoice.invoice_id)
    assert not provider.customer_deleted(invoice.invoice_id)


def test_an_invoices_addressee_is_who_it_was_addressed_to_until_their_customer_is_deleted(
    provider: Provider,
) -> None:
    """The contact a void invoice's customer holds, as the invoice was addressed (the PO
    too); nobody once that customer is deleted, nor for an invoice the provider never made."""
    gateway = provider.gateway
    request = invoice_request()
    invoice = gateway.create_invoice(request)
    assert gateway.void_invoice(invoice.invoice_id) == "void"

    held = gateway.invoice_addressee(invoice.invoice_id)

    # The address as the invoice printed it: its first line, then the rest on one.
    printed = request.billing.model_copy(
        update={"billing_address": "1 Hospital Road\nLeeds, LS1 1AA"}
    )
    assert held is not None
    assert held.prints_as(printed)
    gateway.forget_invoice_customer(invoice.invoice_id)
    assert gateway.invoice_addressee(invoice.invoice_id) is None
    assert gateway.invoice_addressee("in_never_made") is None


def test_the_invoices_no_longer_payable_to_an_address_are_found_by_it_until_deleted(
    provider: Provider,
) -> None:
    """The provider finds by the billing contact's address the invoices whose customers hold
    it, void or paid, never an open one; none once their customers are deleted."""
    gateway = provider.gateway
    request = invoice_request()
    email = request.billing.billing_email
    voided = gateway.create_invoice(request)
    gateway.create_invoice(invoice_request(attempt=2))  # open: still payable
    gateway.void_invoice(voided.invoice_id)

    assert gateway.invoices_no_longer_payable_to(email.upper()) == (voided.invoice_id,)
    assert gateway.invoices_no_longer_payable_to("someone.else@example.org") == ()
    # Of customers made by a moment only: a later one's, never one made since.
    now = datetime.now(UTC)
    assert gateway.invoices_no_longer_payable_to(email, made_by=now + timedelta(minutes=1)) == (
        voided.invoice_id,
    )
    assert gateway.invoices_no_longer_payable_to(email, made_by=now - timedelta(days=1)) == ()
    gateway.forget_invoice_customer(voided.invoice_id)
    assert gateway.invoices_no_longer_payable_to(email) == ()


def test_an_address_held_with_capitals_is_found_by_that_spelling_alone(
    provider: Provider,
) -> None:
    """The provider's lookup matches case and all: a customer holding the address with
    capitals is found when that spelling is asked, never by the address in lower case."""
    gateway = provider.gateway
    spelt = "Accounts.Office@example.nhs.uk"
    billing = invoice_request().billing.model_copy(update={"billing_email": spelt})
    voided = gateway.create_invoice(invoice_request(billing=billing))
    gateway.void_invoice(voided.invoice_id)

    assert gateway.invoices_no_longer_payable_to(spelt.lower()) == ()
    found = gateway.invoices_no_longer_payable_to(spelt.lower(), [spelt])
    assert found == (voided.invoice_id,)
