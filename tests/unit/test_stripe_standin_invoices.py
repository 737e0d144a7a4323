"""Invoices in the Stripe stand-in, driven through the real ``stripe.StripeClient``: drafted,
finalized, sent, then paid on the hosted page, voided, marked uncollectible or overdue, each
with the signed event Stripe sends."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Unpack

import pytest
import stripe
from stripe.params import InvoiceCreateParams

from infra.local.stripe_standin import StripeStandIn
from tests.support.standin import BASE, Clock, Recorder, fixture_keys, local, local_json

DAY = 24 * 60 * 60


def billed_customer(client: stripe.StripeClient) -> stripe.Customer:
    return client.v1.customers.create(
        {
            "name": "St Elsewhere NHS Foundation Trust",
            "email": "accounts@example.nhs.uk",
            "address": {"line1": "1 Hospital Road", "city": "Leeds", "postal_code": "LS1 1AA"},
            "metadata": {"application_id": "app_1"},
        }
    )


def sent_invoice(
    client: stripe.StripeClient,
    clock: Clock,
    *,
    amount: int = 20000,
    key: str = "k",
    **extra: Unpack[InvoiceCreateParams],
) -> stripe.Invoice:
    """An invoice as the booking system issues one: draft, item, finalized, sent."""
    customer = billed_customer(client)
    draft = client.v1.invoices.create(
        {
            "customer": customer.id,
            "collection_method": "send_invoice",
            "due_date": int(clock.now) + 30 * DAY,
            "currency": "gbp",
            "custom_fields": [{"name": "PO number", "value": "PO-12345"}],
            "metadata": {"application_id": "app_1", "course_id": "course_9"},
            **extra,
        },
        options={"idempotency_key": f"{key}-invoice"},
    )
    client.v1.invoice_items.create(
        {
            "customer": customer.id,
            "invoice": draft.id,
            "amount": amount,
            "currency": "gbp",
            "description": "Compassionate Leadership: Ada Lovelace",
        }
    )
    client.v1.invoices.finalize_invoice(draft.id)
    return client.v1.invoices.send_invoice(draft.id)


def test_an_invoice_is_drafted_finalized_and_sent_with_stripes_full_shape(
    client: stripe.StripeClient, clock: Clock, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)

    assert invoice.status == "open"
    assert invoice.id.startswith("in_")
    assert invoice.number is not None
    assert invoice.number.endswith("-0001")
    assert invoice.hosted_invoice_url == f"{BASE}/_local/stripe/invoices/{invoice.id}"
    assert invoice.collection_method == "send_invoice"
    assert invoice.due_date == int(clock.now) + 30 * DAY
    assert invoice.amount_due == invoice.amount_remaining == invoice.total == 20000
    assert invoice.currency == "gbp"
    assert invoice.customer_name == "St Elsewhere NHS Foundation Trust"
    assert invoice.customer_email == "accounts@example.nhs.uk"
    assert [(f.name, f.value) for f in invoice.custom_fields or []] == [("PO number", "PO-12345")]
    (line,) = invoice.lines.data
    assert line.description == "Compassionate Leadership: Ada Lovelace"
    assert line.amount == 20000
    # Every field but those Stripe gives only when asked for (``wire.as_answered``).
    assert set(invoice.to_dict()) == fixture_keys("invoice") - {"amount_paid_off_stripe"}
    assert webhooks.types == [
        "customer.created",
        "invoice.created",
        "invoiceitem.created",
        "invoice.finalized",
        "invoice.sent",
    ]
    sent = json.loads(webhooks.payloads[-1])["data"]["object"]
    assert set(sent) == fixture_keys("invoice") - {"amount_paid_off_stripe"}
    assert sent["metadata"] == {"application_id": "app_1", "course_id": "course_9"}


def test_paying_on_the_hosted_page_records_the_payment_and_sends_stripes_events(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)
    before = len(webhooks.events)

    paid = local_json(standin, "POST", f"/invoices/{invoice.id}/pay")

    assert paid["invoice"]["status"] == "paid"
    assert paid["invoice"]["amount_paid"] == 20000
    assert paid["invoice"]["amount_remaining"] == 0
    assert webhooks.types[before:] == [
        "invoice_payment.paid",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    assert paid["event_id"] == webhooks.events[before + 1]["id"]
    assert paid["webhook_status"] == 200
    payments = client.v1.invoice_payments.list({"invoice": invoice.id, "status": "paid"})
    (payment,) = payments.data
    assert set(payment.to_dict()) == fixture_keys("invoice_payment")
    assert payment.amount_paid == 20000
    intent_id = payment.payment.payment_intent
    assert isinstance(intent_id, str)
    assert client.v1.payment_intents.retrieve(intent_id).amount == 20000
    assert standin.money_taken() == {"app_1": 20000}

    # The payment can be refunded like any other, with Stripe's refund events.
    client.v1.refunds.create({"payment_intent": intent_id})
    assert webhooks.types[-2:] == ["refund.created", "charge.refunded"]
    assert standin.money_taken() == {"app_1": 0}

    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.void_invoice(invoice.id)  # a paid invoice cannot be voided


def test_an_invoice_includes_its_payments_only_when_expanded(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    """As Stripe's: ``payments`` is left out of an invoice unless asked for with ``expand``."""
    invoice = sent_invoice(client, clock)
    assert "payments" not in client.v1.invoices.retrieve(invoice.id).to_dict()
    unpaid = client.v1.invoices.retrieve(invoice.id, {"expand": ["payments"]})
    assert unpaid.payments is not None
    assert (unpaid.status, unpaid.payments.data) == ("open", [])

    local_json(standin, "POST", f"/invoices/{invoice.id}/pay")
    paid = client.v1.invoices.retrieve(invoice.id, {"expand": ["payments"]})
    assert paid.payments is not None
    (payment,) = paid.payments.data
    listed = client.v1.invoice_payments.list({"invoice": invoice.id})
    assert (paid.status, payment.id, payment.status) == ("paid", listed.data[0].id, "paid")
    assert "payments" not in client.v1.invoices.retrieve(invoice.id).to_dict()


def test_a_voided_invoice_cannot_be_paid(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)

    voided = local_json(standin, "POST", f"/invoices/{invoice.id}/void")

    assert voided["invoice"]["status"] == "void"
    assert voided["invoice"]["status_transitions"]["voided_at"] == int(clock.now)
    assert webhooks.types[-1] == "invoice.voided"
    refused = local(standin, "POST", f"/invoices/{invoice.id}/pay")
    assert refused.status == 400
    assert json.loads(refused.body)["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.pay(invoice.id)
    assert standin.money_taken() == {}


def test_an_uncollectible_invoice_can_still_be_paid(
    client: stripe.StripeClient, clock: Clock, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)

    marked = client.v1.invoices.mark_uncollectible(invoice.id)
    assert marked.status == "uncollectible"
    assert webhooks.types[-1] == "invoice.marked_uncollectible"

    paid = client.v1.invoices.pay(invoice.id, {"paid_out_of_band": True})
    assert paid.status == "paid"
    # amount_paid counts what was paid out of band (API 2025-03-31), as any payment.
    assert (paid.amount_paid, paid.amount_remaining) == (20000, 0)
    assert webhooks.types[-2:] == ["invoice.paid", "invoice.payment_succeeded"]
    # What was paid outside Stripe is given only when asked for, and never in an event.
    assert "amount_paid_off_stripe" not in paid.to_dict()
    expanded = client.v1.invoices.retrieve(invoice.id, {"expand": ["amount_paid_off_stripe"]})
    assert expanded.amount_paid_off_stripe == 20000
    assert "amount_paid_off_stripe" not in json.loads(webhooks.payloads[-2])["data"]["object"]
    listed = client.v1.invoices.list({"expand": ["data.amount_paid_off_stripe"]})
    assert {i.id: i.amount_paid_off_stripe for i in listed.data}[invoice.id] == 20000


def test_paying_out_of_band_an_invoice_no_longer_open_is_refused(
    client: stripe.StripeClient, clock: Clock
) -> None:
    voided = sent_invoice(client, clock, key="voided")
    client.v1.invoices.void_invoice(voided.id)
    paid = sent_invoice(client, clock, key="paid")
    client.v1.invoices.pay(paid.id, {"paid_out_of_band": True})
    for invoice_id, status in ((voided.id, "void"), (paid.id, "paid")):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            client.v1.invoices.pay(invoice_id, {"paid_out_of_band": True})
        assert refused.value.http_status == 400
        assert status in str(refused.value.user_message)
        assert client.v1.invoices.retrieve(invoice_id).status == status


def test_an_invoice_past_its_due_date_is_reported_overdue_once(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)
    assert standin.expire_due() == []

    clock.now += 30 * DAY
    assert standin.expire_due() == [invoice.id]
    assert standin.expire_due() == []
    assert webhooks.types.count("invoice.overdue") == 1
    assert json.loads(webhooks.payloads[-1])["data"]["object"]["id"] == invoice.id
    # Overdue is not the end: the billing contact may still pay.
    assert local_json(standin, "POST", f"/invoices/{invoice.id}/pay")["invoice"]["status"] == (
        "paid"
    )


def test_an_invoice_for_nothing_is_paid_as_it_is_finalized(
    client: stripe.StripeClient, clock: Clock, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock, amount=0)
    assert invoice.status == "paid"
    assert webhooks.types[webhooks.types.index("invoice.finalized") + 1] == "invoice.paid"


def test_the_hosted_invoice_page_shows_the_po_and_the_amount_and_escapes_what_it_shows(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn
) -> None:
    customer = client.v1.customers.create({"name": "<b>Trust</b>", "email": "a@example.org"})
    draft = client.v1.invoices.create(
        {
            "customer": customer.id,
            "collection_method": "send_invoice",
            "days_until_due": 30,
            "custom_fields": [{"name": "PO number", "value": "<script>x</script>"}],
        }
    )
    client.v1.invoice_items.create(
        {"customer": customer.id, "invoice": draft.id, "amount": 20000, "currency": "gbp"}
    )
    client.v1.invoices.finalize_invoice(draft.id)

    page = local(standin, "GET", f"/invoices/{draft.id}", headers={"accept": "text/html"})
    text = page.body.decode()

    assert page.status == 200
    assert "&lt;b&gt;Trust&lt;/b&gt;" in text
    assert "<b>Trust" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    assert "£200.00" in text
    assert f'action="/_local/stripe/invoices/{draft.id}/pay"' in text
    assert "Leave unpaid" in text
    left = local(standin, "GET", f"/invoices/{draft.id}", query={"left": ["1"]})
    assert "Left unpaid" in left.body.decode()

    paid = local(standin, "POST", f"/invoices/{draft.id}/pay", headers={"accept": "text/html"})
    assert paid.status == 303
    assert paid.headers["Location"] == f"{BASE}/_local/stripe/invoices/{draft.id}"
    after = local(standin, "GET", f"/invoices/{draft.id}").body.decode()
    assert "has been paid" in after
    assert "/pay" not in after


def test_a_draft_has_no_hosted_page_and_unknown_invoices_are_404(
    client: stripe.StripeClient, standin: StripeStandIn
) -> None:
    customer = client.v1.customers.create({"name": "Trust"})
    draft = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 7}
    )
    assert local(standin, "GET", f"/invoices/{draft.id}").status == 404
    assert local(standin, "POST", "/invoices/in_nope/pay").status == 404
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve("in_nope")
    assert caught.value.code == "resource_missing"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"collection_method": "send_invoice"}, "days_until_due"),
        ({"collection_method": "send_invoice", "due_date": 1}, "due_date"),
        ({"collection_method": "send_invoice", "days_until_due": 3, "due_date": 2**40}, "due_date"),
        (
            {
                "collection_method": "send_invoice",
                "days_until_due": 3,
                "custom_fields": [{"name": f"n{i}", "value": "v"} for i in range(5)],
            },
            "custom_fields",
        ),
        ({"collection_method": "send_invoice", "days_until_due": 3, "sned": "x"}, "sned"),
    ],
)
def test_bad_invoice_parameters_are_refused_as_stripe_refuses_them(
    client: stripe.StripeClient, params: dict[str, Any], param: str
) -> None:
    customer = client.v1.customers.create({"name": "Trust"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.create({"customer": customer.id, **params})  # type: ignore[arg-type]
    assert caught.value.param == param


def test_items_go_only_on_drafts_of_the_same_customer_and_currency(
    client: stripe.StripeClient, clock: Clock
) -> None:
    invoice = sent_invoice(client, clock)
    customer = invoice.customer
    assert isinstance(customer, str), "an invoice names its customer by id unless expanded"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(
            {"customer": customer, "invoice": invoice.id, "amount": 1, "currency": "gbp"}
        )
    assert caught.value.param == "invoice"
    other = client.v1.customers.create({"name": "Other"})
    draft = client.v1.invoices.create(
        {"customer": other.id, "collection_method": "send_invoice", "days_until_due": 3}
    )
    with pytest.raises(stripe.InvalidRequestError, match="another customer") as caught:
        client.v1.invoice_items.create(
            {"customer": customer, "invoice": draft.id, "amount": 1, "currency": "gbp"}
        )
    assert caught.value.param == "invoice"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(
            {"customer": other.id, "invoice": draft.id, "amount": 1, "currency": "eur"}
        )
    assert caught.value.param == "currency"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.send_invoice(draft.id)  # a draft is not sent


def test_a_replayed_invoice_creation_answers_the_same_invoice_and_sends_nothing_again(
    client: stripe.StripeClient, webhooks: Recorder
) -> None:
    customer = client.v1.customers.create({"name": "Trust"})
    params: Any = {
        "customer": customer.id,
        "collection_method": "send_invoice",
        "days_until_due": 3,
    }
    first = client.v1.invoices.create(params, options={"idempotency_key": "same"})
    again = client.v1.invoices.create(params, options={"idempotency_key": "same"})
    assert again.id == first.id
    assert webhooks.types.count("invoice.created") == 1


def test_a_deleted_customer_answers_stripes_deleted_shape_and_takes_no_new_invoice(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    invoice = sent_invoice(client, clock)
    local_json(standin, "POST", f"/invoices/{invoice.id}/void")
    customer_id = str(invoice.customer)

    deleted = client.v1.customers.delete(customer_id)

    assert (deleted.id, deleted.object, deleted.deleted) == (customer_id, "customer", True)
    assert webhooks.types[-1] == "customer.deleted"
    again = client.v1.customers.retrieve(customer_id)
    assert again.to_dict() == {"id": customer_id, "object": "customer", "deleted": True}
    with pytest.raises(stripe.InvalidRequestError) as twice:
        client.v1.customers.delete(customer_id)
    assert twice.value.code == "resource_missing"
    # The void invoice keeps its own copy of the contact, as Stripe's finalized invoices do.
    kept = client.v1.invoices.retrieve(invoice.id)
    assert (kept.status, kept.customer, kept.customer_name) == (
        "void",
        customer_id,
        "St Elsewhere NHS Foundation Trust",
    )
    # Nothing more is done with a deleted customer: Stripe's 404, never a crash.
    for attempt in (
        lambda: client.v1.invoices.create({"customer": customer_id, "currency": "gbp"}),
        lambda: client.v1.invoice_items.create(
            {"customer": customer_id, "amount": 100, "currency": "gbp"}
        ),
    ):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            attempt()
        assert refused.value.code == "resource_missing"


def test_a_draft_whose_customer_was_deleted_is_not_finalized(
    client: stripe.StripeClient, clock: Clock
) -> None:
    customer = billed_customer(client)
    draft = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.customers.delete(customer.id)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.invoices.finalize_invoice(draft.id)
    assert refused.value.code == "resource_missing"


def test_an_invoice_past_its_step_is_refused_as_stripe_refuses_it(
    client: stripe.StripeClient, clock: Clock
) -> None:
    """Finalized again, an item added once it is finalized, marked uncollectible twice: each
    refused with Stripe's words, the invoice's id and its status in them."""
    invoice = sent_invoice(client, clock)
    customer = invoice.customer
    assert isinstance(customer, str), "an invoice names its customer by id unless expanded"
    client.v1.invoices.mark_uncollectible(invoice.id)
    refusals: list[tuple[Callable[[], object], str, str | None, str | None]] = [
        (
            lambda: client.v1.invoices.finalize_invoice(invoice.id),
            "This invoice is already finalized, you can't re-finalize a non-draft invoice. "
            f"({invoice.id} is uncollectible)",
            "invoice_not_editable",
            None,
        ),
        (
            lambda: client.v1.invoice_items.create(
                {"customer": customer, "invoice": invoice.id, "amount": 100, "currency": "gbp"}
            ),
            f"You can only add invoice items to draft invoices; {invoice.id} is uncollectible.",
            None,
            "invoice",
        ),
        (
            lambda: client.v1.invoices.mark_uncollectible(invoice.id),
            f"You can only mark open invoices as uncollectible; {invoice.id} is uncollectible.",
            None,
            "invoice",
        ),
    ]
    for attempt, message, code, param in refusals:
        with pytest.raises(stripe.InvalidRequestError) as refused:
            attempt()
        assert (refused.value.user_message, refused.value.code, refused.value.param) == (
            message,
            code,
            param,
        )


def test_a_bank_debit_is_processing_until_its_bank_confirms_it(
    client: stripe.StripeClient, clock: Clock, standin: StripeStandIn, webhooks: Recorder
) -> None:
    """As Stripe's: a bank debit started on the hosted page leaves the invoice open, its
    payment ``open`` and its intent ``processing`` (``payment_intent.processing``), read with
    the invoice when expanded; the bank's success pays the invoice, its failure leaves it open."""
    invoice = sent_invoice(client, clock)
    before = len(webhooks.events)

    started = local_json(standin, "POST", f"/invoices/{invoice.id}/pay", body=b"async=true")

    assert (started["invoice"]["status"], started["invoice"]["amount_paid"]) == ("open", 0)
    assert webhooks.types[before:] == ["payment_intent.processing"]
    expand = ["payments", "payments.data.payment.payment_intent"]
    read = client.v1.invoices.retrieve(invoice.id, {"expand": expand})
    assert read.payments is not None
    (payment,) = read.payments.data
    intent = payment.payment.payment_intent
    assert not isinstance(intent, str)
    assert intent is not None
    assert (payment.status, intent.status) == ("open", "processing")
    again = local(standin, "POST", f"/invoices/{invoice.id}/pay", body=b"async=true")
    assert again.status == 400  # one payment at a time
    # Nor voided under the debit (as integrators report Stripe refusing it).
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.invoices.void_invoice(invoice.id)
    assert refused.value.http_status == 400
    assert client.v1.invoices.retrieve(invoice.id).status == "open"

    failed = local_json(standin, "POST", f"/invoices/{invoice.id}/async", body=b"result=failed")
    assert failed["invoice"]["status"] == "open"
    assert webhooks.types[-1] == "invoice.payment_failed"

    local_json(standin, "POST", f"/invoices/{invoice.id}/pay", body=b"async=true")
    paid = local_json(standin, "POST", f"/invoices/{invoice.id}/async", body=b"result=succeeded")
    assert (paid["invoice"]["status"], paid["invoice"]["amount_paid"]) == ("paid", 20000)
    assert webhooks.types[-3:] == [
        "invoice_payment.paid",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    assert paid["event_id"] == webhooks.events[-2]["id"]


def test_customers_are_listed_by_email_and_when_made_as_stripe_filters_them(
    client: stripe.StripeClient, clock: Clock
) -> None:
    first = billed_customer(client)
    clock.now += 60
    second = billed_customer(client)
    email = "accounts@example.nhs.uk"
    made = int(clock.now)

    def listed(created: Any) -> list[str]:
        found = client.v1.customers.list({"email": email, "created": created})
        return [c.id for c in found.data]

    assert listed({"lte": made - 60}) == [first.id]
    assert listed({"gt": made - 60}) == [second.id]
    assert listed({"gte": made - 60, "lte": made}) == [second.id, first.id]
    assert listed(made) == [second.id]
    with pytest.raises(stripe.InvalidRequestError) as refused:
        listed({"before": made})
    assert refused.value.param == "created[before]"
