"""Nothing is addressed to the placeholder an erasure leaves: no email, no invoice, no
checkout at Stripe (``domain.statuses.refuse_the_erased``, held by each as it is made), and a
group whose manager or billing contact is erased gets no new invoice (``refuse_new_invoice``)."""

from __future__ import annotations

import pytest

from booking.domain.application import ERASED_EMAIL
from booking.domain.billing import BillingDetails, PaymentMethod
from booking.domain.emails import OutgoingEmail
from booking.domain.erasure import contact_erased, refuse_new_invoice
from booking.domain.errors import Conflict
from booking.domain.groups import Colleague
from tests.support.group_bookings import group
from tests.support.stripe_requests import checkout_request, invoice_request

CONTACT = BillingDetails(
    billing_name="St Elsewhere Trust",
    billing_email="accounts@example.org",
    billing_address="1 High Street\nLondon",
)
SAID_AS_ERASED = "person_erased"


def _email(*to: str) -> OutgoingEmail:
    return OutgoingEmail(to=to, reply_to=[], subject="s", text="t", html="<p>t</p>")


@pytest.mark.parametrize("placeholder", [ERASED_EMAIL, ERASED_EMAIL.upper()])
def test_no_email_is_made_for_the_erased(placeholder: str) -> None:
    assert _email("florence@example.org").to == ("florence@example.org",)
    with pytest.raises(Conflict) as refused:
        _email("florence@example.org", placeholder)
    assert refused.value.code == SAID_AS_ERASED


def test_no_invoice_or_checkout_is_asked_of_stripe_for_the_erased() -> None:
    assert invoice_request(billing=CONTACT).billing == CONTACT
    with pytest.raises(Conflict) as refused:
        invoice_request(billing=CONTACT.erased())
    assert refused.value.code == SAID_AS_ERASED
    assert (
        checkout_request(customer_email="florence@example.org").customer_email
        == "florence@example.org"
    )
    with pytest.raises(Conflict) as refused:
        checkout_request(customer_email=ERASED_EMAIL)
    assert refused.value.code == SAID_AS_ERASED


def test_a_group_whose_contact_is_erased_gets_no_new_invoice() -> None:
    invoiced = group(payment_method=PaymentMethod.INVOICE, checkout=None, billing=CONTACT)
    assert not contact_erased(invoiced)
    refuse_new_invoice(invoiced)  # nobody erased: a new invoice may be made
    blank = Colleague.model_construct(name="[erased]", email=ERASED_EMAIL)
    for erased in (
        invoiced.model_copy(update={"billing": CONTACT.erased()}),
        invoiced.model_copy(update={"manager": blank}),
    ):
        assert contact_erased(erased)
        with pytest.raises(Conflict) as refused:
            refuse_new_invoice(erased)
        assert refused.value.code == "invoice_being_voided"
