"""The queue, payment and mail ports: each fake held to the real adapter's behaviour (SQS and
SES on moto, Stripe through the real SDK against the local stand-in)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from booking.adapters.email_queue import SqsEmailQueue
from booking.adapters.ses_sender import SesSender
from booking.adapters.stripe_gateway import StripeGateway
from booking.domain.billing import (
    AppliedDiscount,
    DiscountCodeDefinition,
    applied_discount,
)
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.errors import Conflict, UnknownToProvider
from booking.services.ports import (
    PAID_ALREADY,
    DiscountCodeRequest,
    EmailQueue,
    EmailSender,
    EmailSendError,
    InvoiceAtStripe,
    PaymentGateway,
    QueueUnavailable,
)
from infra.local.stripe_standin import StripeStandIn
from tests.fakes import FakeEmailQueue, FakeEmailSender, FakePaymentGateway
from tests.support.stripe_client import InProcessHTTPClient, stripe_client
from tests.support.stripe_requests import checkout_request, invoice_request

REGION = "eu-west-2"
SENDER = "courses@example.org"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


# -- the email queue ------------------------------------------------------------------------


@pytest.fixture(params=["fake", "sqs"])
def queue_pair(request: pytest.FixtureRequest, aws: None) -> tuple[EmailQueue, EmailQueue]:
    """(a working queue, the same queue unreachable) and a way to read what was queued."""
    if request.param == "fake":
        return FakeEmailQueue(), FakeEmailQueue(down=True)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="emails")["QueueUrl"]
    gone = url.replace("/emails", "/no-such-queue")
    return SqsEmailQueue(sqs, url), SqsEmailQueue(sqs, gone)


def test_every_job_is_queued_or_the_queue_says_it_is_unavailable(
    queue_pair: tuple[EmailQueue, EmailQueue],
) -> None:
    working, unreachable = queue_pair
    jobs = [EmailJob.about(EmailKind.APPLICATION_RECEIVED, f"a{n}", "c1") for n in range(23)]
    working.send(jobs)  # more than one SQS batch
    working.send([])
    with pytest.raises(QueueUnavailable):
        unreachable.send(jobs[:1])


# -- payments -----------------------------------------------------------------------------------


def _answering_standin() -> StripeStandIn:
    """The Stripe stand-in, its webhooks received (200) and nothing more: the contract is about
    what the API answers."""
    return StripeStandIn(
        webhook_url="http://booking.test/webhooks/stripe",
        webhook_secret="whsec_contract",
        public_base_url="http://booking.test",
        deliver=lambda url, body, headers: 200,
    )


@pytest.fixture(params=["fake", "stripe"])
def gateway(request: pytest.FixtureRequest) -> PaymentGateway:
    if request.param == "fake":
        return FakePaymentGateway()
    standin = _answering_standin()
    client = stripe_client(InProcessHTTPClient(standin))
    return StripeGateway(client)


def test_a_checkout_is_opened_with_its_expiry_and_can_be_expired_once(
    gateway: PaymentGateway,
) -> None:
    request = checkout_request()
    opened = gateway.create_checkout(request)
    assert opened.url.startswith("http")
    assert opened.expires_at == request.expires_at
    assert opened.attempt == 1
    assert (opened.amount, opened.currency) == (20000, "gbp")  # what a payment must match
    assert gateway.expire_checkout(opened.session_id) == "expired"
    assert gateway.expire_checkout(opened.session_id) == "expired"  # asking again is harmless
    another = gateway.create_checkout(checkout_request(attempt=2))
    assert another.session_id != opened.session_id


def test_an_unknown_checkout_is_a_conflict_not_an_outage(gateway: PaymentGateway) -> None:
    with pytest.raises(Conflict):
        gateway.expire_checkout("cs_test_unknown")


def test_an_unknown_payment_belongs_to_no_application(gateway: PaymentGateway) -> None:
    assert gateway.application_of_payment("pi_unknown") is None


def test_an_open_checkout_was_paid_with_nothing_and_an_unknown_one_is_unknown(
    gateway: PaymentGateway,
) -> None:
    opened = gateway.create_checkout(checkout_request())
    held = gateway.checkout_at_stripe(opened.session_id)
    assert (held.payment_intent, held.status, held.payment_status) == (None, "open", "unpaid")
    assert not held.paid_with("pi_anything")
    with pytest.raises(UnknownToProvider):
        gateway.checkout_at_stripe("cs_test_unknown")


def test_the_refunds_of_an_unknown_payment_are_unknown(gateway: PaymentGateway) -> None:
    """What a refund event's word is weighed against (``services.believed``): a payment the
    provider does not hold is unknown, never a payment with no refunds."""
    with pytest.raises(UnknownToProvider):
        gateway.refunds_at_stripe("pi_unknown")


def test_an_unknown_dispute_is_unknown(gateway: PaymentGateway) -> None:
    """What a dispute event's word is weighed against (``services.disputes``): a dispute the
    provider does not hold is unknown, never an outage."""
    with pytest.raises(UnknownToProvider):
        gateway.dispute_at_stripe("du_unknown")


# -- sending email ------------------------------------------------------------------------------


@pytest.fixture(params=["fake", "ses"])
def sender_pair(request: pytest.FixtureRequest, aws: None) -> tuple[EmailSender, EmailSender]:
    """(a sender that works, one the mail service refuses)."""
    if request.param == "fake":
        return FakeEmailSender(), FakeEmailSender(refuse=True)
    ses = boto3.client("sesv2", region_name=REGION)
    ses.create_email_identity(EmailIdentity=SENDER)
    # SES refuses a sender whose identity was never verified.
    return SesSender(ses, SENDER), SesSender(ses, "unverified@elsewhere.example")


def test_a_message_is_sent_or_the_refusal_is_reported(
    sender_pair: tuple[EmailSender, EmailSender],
) -> None:
    working, refused = sender_pair
    message = OutgoingEmail(
        to=["ada@example.org"],
        reply_to=[],
        subject="Hello",
        text="Hi",
        html="<p>Hi</p>",
        sender_name="Compassionate Leadership Training",
    )
    assert working.send(message)
    with pytest.raises(EmailSendError):
        refused.send(message)


# -- invoices and discount codes -------------------------------------------------------------


@dataclass
class Billing:
    """A gateway under test, and how its invoices get paid (by hand, as the billing contact)."""

    gateway: PaymentGateway
    pay_invoice: Callable[[str], object]
    pay_slowly: Callable[[str], object]  # a bank debit started, its bank yet to confirm it


@pytest.fixture(params=["fake", "stripe"])
def billing(request: pytest.FixtureRequest) -> Billing:
    if request.param == "fake":
        fake = FakePaymentGateway()
        return Billing(fake, fake.pay_invoice, fake.pay_invoice_slowly)
    standin = _answering_standin()
    client = stripe_client(InProcessHTTPClient(standin))

    def pay(invoice_id: str, body: bytes = b"") -> None:
        headers = {"accept": "application/json"}
        if body:
            headers["content-type"] = "application/x-www-form-urlencoded"
        answer = standin.handle("POST", f"/invoices/{invoice_id}/pay", {}, headers, body)
        assert answer.status == 200, answer.body

    return Billing(StripeGateway(client), pay, lambda invoice_id: pay(invoice_id, b"async=true"))


def test_an_invoice_is_sent_due_when_asked_and_can_be_voided_once(billing: Billing) -> None:
    gateway = billing.gateway
    request = invoice_request()
    invoice = gateway.create_invoice(request)
    assert invoice.url.startswith("http")
    assert invoice.due_at == request.due_at
    assert invoice.amount_due == 20000
    assert invoice.currency == "gbp"
    assert invoice.status == "open"
    gateway.resend_invoice(invoice.invoice_id)
    assert invoice.number  # the number it was sent with, read back
    # Its page, due moment and amount read back as it was sent: what an act that stopped
    # after sending it records as the booking's invoice when the employer paid it.
    held = InvoiceAtStripe(
        "open",
        None,
        0,
        "gbp",
        number=invoice.number,
        url=invoice.url,
        due_at=invoice.due_at,
        amount_due=invoice.amount_due,
    )
    read = gateway.invoice_at_stripe(invoice.invoice_id)
    # When it was sent (finalized), to the second: what a payment recorded as received
    # outside Stripe may not come before.
    assert read.sent_at is not None
    assert abs((read.sent_at - datetime.now(UTC)).total_seconds()) < 5
    assert dataclasses.replace(read, sent_at=None) == held
    assert gateway.void_invoice(invoice.invoice_id) == "void"
    assert gateway.void_invoice(invoice.invoice_id) == "void"  # asking again is harmless
    with pytest.raises(Conflict):
        gateway.void_invoice("in_unknown")


def test_a_paid_invoice_cannot_be_voided_and_names_its_payment(billing: Billing) -> None:
    invoice = billing.gateway.create_invoice(invoice_request())
    billing.pay_invoice(invoice.invoice_id)
    assert billing.gateway.void_invoice(invoice.invoice_id) == "paid"
    held = billing.gateway.invoice_at_stripe(invoice.invoice_id)
    assert held.paid
    assert held.payment_intent is not None
    assert held.payment_intent.startswith("pi_")
    assert (held.amount_paid, held.currency) == (20000, "gbp")  # what was paid, read with it


def test_an_invoice_paid_outside_stripe_is_paid_with_no_payment_at_stripe(
    billing: Billing,
) -> None:
    """An open invoice marked paid out of band (a bank transfer) is paid in
    full, with no payment Stripe could give back; asking again answers that it was paid
    already, not by that request (a second tab's press); a void invoice is
    not marked paid (its status says why)."""
    gateway = billing.gateway
    invoice = gateway.create_invoice(invoice_request())
    assert gateway.pay_invoice_off_stripe(invoice.invoice_id) == "paid"
    assert gateway.pay_invoice_off_stripe(invoice.invoice_id) == PAID_ALREADY
    held = gateway.invoice_at_stripe(invoice.invoice_id)
    assert (held.status, held.paid, held.payment_intent) == ("paid", True, None)
    assert (held.amount_paid, held.currency) == (20000, "gbp")
    voided = gateway.create_invoice(invoice_request(attempt=2))
    assert gateway.void_invoice(voided.invoice_id) == "void"
    assert gateway.pay_invoice_off_stripe(voided.invoice_id) == "void"
    assert not gateway.invoice_at_stripe(voided.invoice_id).paid


def test_an_invoice_being_paid_by_a_bank_debit_is_read_as_processing(billing: Billing) -> None:
    """A payment of the invoice its payer's bank has yet to confirm is read with
    it (the give-up of a group's place then waits for the bank)."""
    gateway = billing.gateway
    invoice = gateway.create_invoice(invoice_request())
    assert not gateway.invoice_at_stripe(invoice.invoice_id).payment_processing
    billing.pay_slowly(invoice.invoice_id)
    held = gateway.invoice_at_stripe(invoice.invoice_id)
    assert (held.status, held.paid, held.payment_processing) == ("open", False, True)
    assert held.payment_intent is None  # nothing paid it yet


def test_an_invoice_the_provider_never_made_is_unknown(billing: Billing) -> None:
    with pytest.raises(UnknownToProvider):
        billing.gateway.invoice_at_stripe("in_never_made")


def _made(gateway: PaymentGateway, definition: DiscountCodeDefinition) -> AppliedDiscount:
    made = gateway.create_promotion_code(
        DiscountCodeRequest(course_id="c1", definition=definition, currency="gbp")
    )
    assert made.code == definition.code
    return applied_discount(definition, made.promotion_code_id, made.coupon_id)


def test_a_discount_code_is_taken_off_an_invoice_whatever_its_limits(billing: Billing) -> None:
    # The code's limits are the system's: the provider is asked for the coupon, which carries
    # none, so a promise made with it is kept however many used it since.
    expires = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    half = _made(
        billing.gateway,
        DiscountCodeDefinition(code="Half-Price", percent_off=50, max_uses=1, expires_at=expires),
    )
    for attempt in (1, 2, 3):
        invoice = billing.gateway.create_invoice(invoice_request(half, attempt=attempt))
        assert invoice.amount_due == 10000


def test_a_code_in_use_cannot_be_made_again(billing: Billing) -> None:
    definition = DiscountCodeDefinition(code="TENOFF", amount_off=1000)
    request = DiscountCodeRequest(course_id="c1", definition=definition, currency="gbp")
    made = billing.gateway.create_promotion_code(request)
    assert made.code == "TENOFF"
    with pytest.raises(Conflict) as caught:
        billing.gateway.create_promotion_code(request)
    assert caught.value.code == "discount_code_exists"


def test_a_checkout_with_a_code_asks_for_the_discounted_amount(billing: Billing) -> None:
    gateway = billing.gateway
    half = _made(gateway, DiscountCodeDefinition(code="HALF-OFF", percent_off=50, max_uses=1))
    for attempt in (1, 2):
        request = dataclasses.replace(checkout_request(attempt=attempt), discount=half)
        opened = gateway.create_checkout(request)
        assert (opened.amount, opened.currency) == (10000, "gbp")
    plain = gateway.create_checkout(checkout_request(attempt=3))
    assert plain.amount == 20000
