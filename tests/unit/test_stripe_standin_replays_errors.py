"""The stand-in replays a request's saved answer for its idempotency key as Stripe does,
errors included: a 500 met once the endpoint began is answered again for that key (Stripe
saves it for 24 hours), while another key runs anew."""

from __future__ import annotations

import pytest
import stripe
from stripe.params import InvoicePayParams

from infra.local.stripe_standin import StripeStandIn
from tests.support.standin import Clock
from tests.unit.test_stripe_standin_invoices import sent_invoice


def test_a_500_met_as_the_endpoint_ran_is_replayed_for_its_key_alone(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    invoice = sent_invoice(client, clock)
    pay = f"/v1/invoices/{invoice.id}/pay"
    standin._store.failing_once[pay] = 500
    out_of_band: InvoicePayParams = {"paid_out_of_band": True}

    for _press in range(2):
        with pytest.raises(stripe.APIError) as failed:
            client.v1.invoices.pay(invoice.id, out_of_band, options={"idempotency_key": "first"})
        assert failed.value.http_status == 500
    assert client.v1.invoices.retrieve(invoice.id).status == "open"

    paid = client.v1.invoices.pay(invoice.id, out_of_band, options={"idempotency_key": "second"})
    assert paid.status == "paid"
