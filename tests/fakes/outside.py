"""Fakes of the services outside: the email queue, the payment provider, the mail service."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from booking.domain.application import CheckoutRef
from booking.domain.billing import (
    AppliedDiscount,
    BillingDetails,
    InvoiceRef,
    PromotionCode,
    PromotionCodeState,
    applied_discount,
)
from booking.domain.disputes import DisputeEvent
from booking.domain.emails import EmailJob, OutgoingEmail
from booking.domain.errors import Conflict, DependencyUnavailable, UnknownToProvider
from booking.domain.payments import RefundEvent
from booking.services.ports import (
    PAID_ALREADY,
    CheckoutAtStripe,
    CheckoutRequest,
    DiscountCodeRequest,
    EmailSendError,
    InvoiceAtStripe,
    InvoiceRequest,
    QueueUnavailable,
    RefundAtStripe,
    RefundMade,
)


@dataclass
class FakeEmailQueue:
    jobs: list[EmailJob] = field(default_factory=list)
    down: bool = False

    def send(self, jobs: Sequence[EmailJob]) -> None:
        if self.down:
            raise QueueUnavailable(f"could not queue {len(jobs)} email jobs")
        self.jobs.extend(jobs)


@dataclass
class FakeSession:
    request: CheckoutRequest
    status: str = "open"  # open | complete | expired
    payment_intent: str | None = None  # the payment it was confirmed with
    payment_status: str = "unpaid"  # paid once the money is taken


Kept = TypeVar("Kept")


def _made(found: Kept | None, what: str) -> Kept:
    """``found`` by the id asked for; none, as the provider answers an id it never made."""
    if found is None:
        raise Conflict(f"no such {what}", code="payment_state_conflict")
    return found


@dataclass
class FakeInvoice:
    request: InvoiceRequest
    amount_due: int
    status: str = "open"  # open | paid | void
    payment_intent: str | None = None
    sends: int = 1
    customer_deleted: bool = False  # its customer (the billing contact) deleted by erasure
    number: str = ""  # given as it is made
    processing: bool = False  # a bank debit of it started, its bank yet to confirm it
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # its customer's too
    # When it was finalized and sent (Stripe's ``status_transitions.finalized_at``).
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))


@dataclass
class FakePaymentGateway:
    """Checkout sessions, invoices, promotion codes and refunds as Stripe keeps them, with
    idempotency keys honoured."""

    sessions: dict[str, FakeSession] = field(default_factory=dict)
    refunds: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # key -> (pi, amount)
    payments_taken: dict[str, int] = field(default_factory=dict)  # pi -> amount, set by tests
    # Refunds made on Stripe's dashboard (not asked from here), set by tests: pi -> refunds.
    made_at_stripe: dict[str, list[RefundAtStripe]] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)  # payment intent -> application id
    invoices: dict[str, FakeInvoice] = field(default_factory=dict)
    codes: dict[str, PromotionCode] = field(default_factory=dict)  # lower-case code -> code
    coupons: dict[str, DiscountCodeRequest] = field(default_factory=dict)  # id -> what it takes
    # Promotion code id -> whether it is active and how many payments redeemed it.
    code_states: dict[str, PromotionCodeState] = field(default_factory=dict)
    disputes: dict[str, DisputeEvent] = field(default_factory=dict)  # id -> as held, by tests
    down: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def brief(self) -> FakePaymentGateway:
        return self  # answers at once, or ``down``: never hangs

    def create_checkout(self, request: CheckoutRequest) -> CheckoutRef:
        self._check()
        session_id = f"cs_test_{next(self._ids)}"
        self.sessions[session_id] = FakeSession(request)
        off = self._takes_off(request.discount, request.price.amount)
        return CheckoutRef(
            session_id=session_id,
            url=f"https://checkout.test/{session_id}",
            expires_at=request.expires_at,
            attempt=request.attempt,
            amount=request.price.amount - off,
            currency=request.price.currency,
            product_name=request.product_name,
        )

    def expire_checkout(self, session_id: str) -> str:
        self._check()
        session = self.sessions.get(session_id)
        if session is None:
            raise Conflict("no such checkout session", code="payment_state_conflict")
        if session.status == "open":
            session.status = "expired"
        return session.status

    def refund(
        self, payment_intent: str, *, amount: int | None, idempotency_key: str
    ) -> RefundMade:
        self._check()
        self.refunds.setdefault(idempotency_key, (payment_intent, amount))
        # What is left of a payment the fake never took: what a test says it paid.
        left = self.payments_taken.get(payment_intent, 0)
        made = amount if amount is not None else left
        return RefundMade(f"re_{idempotency_key}", made, succeeded=True)

    def refunds_at_stripe(self, payment_intent: str) -> tuple[RefundAtStripe, ...]:
        self._check()
        known = {*self.payments_taken, *self.intents, *self.made_at_stripe}
        known |= {intent for intent, _ in self.refunds.values()}
        known |= {
            session.payment_intent
            for session in self.sessions.values()
            if session.payment_intent is not None  # a session not yet paid has taken no payment
        }
        if payment_intent not in known:
            raise UnknownToProvider("no such payment", code="payment_state_conflict")
        left = self.payments_taken.get(payment_intent, 0)
        asked = tuple(
            RefundAtStripe(f"re_{key}", amount if amount is not None else left, "succeeded")
            for key, (intent, amount) in self.refunds.items()
            if intent == payment_intent
        )
        return (*self.made_at_stripe.get(payment_intent, []), *asked)

    def dispute_at_stripe(self, dispute_id: str) -> DisputeEvent | None:
        self._check()
        held = self.disputes.get(dispute_id)
        if held is None:
            raise UnknownToProvider("no such dispute", code="payment_state_conflict")
        return held

    def refunds_held(self, payment_intent: str) -> tuple[RefundEvent, ...]:
        self._check()
        left = self.payments_taken.get(payment_intent, 0)
        return tuple(
            RefundEvent(
                event_id=f"re_{key}",
                payment_intent=payment_intent,
                refund_id=f"re_{key}",
                refund_amount=amount if amount is not None else left,
            )
            for key, (intent, amount) in self.refunds.items()
            if intent == payment_intent
        )

    def application_of_payment(self, payment_intent: str) -> str | None:
        self._check()
        return self.intents.get(payment_intent)

    def checkout_at_stripe(self, session_id: str) -> CheckoutAtStripe:
        self._check()
        session = self.sessions.get(session_id)
        if session is None:
            raise UnknownToProvider("no such checkout session", code="payment_state_conflict")
        return CheckoutAtStripe(session.payment_intent, session.status, session.payment_status)

    def pay_checkout(self, session_id: str, payment_intent: str, *, paid: bool = True) -> None:
        """The person pays the checkout with ``payment_intent`` (a test's hand, not a port
        method). ``paid`` False: confirmed but not taken (declined, or still processing)."""
        session = _made(self.sessions.get(session_id), "checkout session")
        session.status = "complete"
        session.payment_intent = payment_intent
        session.payment_status = "paid" if paid else "unpaid"

    # -- invoices ----------------------------------------------------------------------------

    def create_invoice(
        self, request: InvoiceRequest, drafted: Callable[[str], None] | None = None
    ) -> InvoiceRef:
        self._check()
        invoice_id = f"in_test_{next(self._ids)}"
        if drafted is not None:
            drafted(invoice_id)  # raising, nothing is made
        off = self._takes_off(request.discount, request.amount.amount)
        number = f"TEST-{len(self.invoices) + 1:04d}"
        invoice = FakeInvoice(request, amount_due=request.amount.amount - off, number=number)
        self.invoices[invoice_id] = invoice
        return InvoiceRef(
            invoice_id=invoice_id,
            url=f"https://invoice.test/{invoice_id}",
            number=number,
            due_at=request.due_at,
            amount_due=invoice.amount_due,
            currency=request.amount.currency,
            attempt=request.attempt,
        )

    def void_invoice(self, invoice_id: str) -> str:
        invoice = self._invoice(invoice_id)
        if invoice.status == "open":
            invoice.status = "void"
        return invoice.status

    def pay_invoice_off_stripe(self, invoice_id: str) -> str:
        invoice = self._invoice(invoice_id)
        if invoice.status == "open" and not invoice.processing:
            invoice.status = "paid"
            return invoice.status
        return PAID_ALREADY if invoice.status == "paid" else invoice.status

    def resend_invoice(self, invoice_id: str) -> None:
        invoice = self._invoice(invoice_id)
        if invoice.status != "open" and invoice.status != "paid":
            raise Conflict("only open or paid invoices are sent", code="payment_state_conflict")
        invoice.sends += 1

    def invoice_at_stripe(
        self, invoice_id: str, *, a_person_waits: bool = False
    ) -> InvoiceAtStripe:
        self._check()
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise UnknownToProvider("no such invoice", code="payment_state_conflict")
        paid = invoice.amount_due if invoice.status == "paid" else 0
        currency = invoice.request.amount.currency
        return InvoiceAtStripe(
            invoice.status,
            invoice.payment_intent,
            paid,
            currency,
            number=invoice.number,
            payment_processing=invoice.processing,
            sent_at=invoice.sent_at,
            url=f"https://invoice.test/{invoice_id}",
            due_at=invoice.request.due_at,
            amount_due=invoice.amount_due,
        )

    def pay_invoice_slowly(self, invoice_id: str) -> None:
        """The billing contact starts paying by a bank debit (a test's hand, not a port
        method): processing until the bank confirms it."""
        invoice = self._invoice(invoice_id)
        assert invoice.status == "open", invoice.status
        invoice.processing = True

    def pay_invoice(self, invoice_id: str) -> str:
        """The billing contact pays (a test's hand, not a port method)."""
        invoice = self._invoice(invoice_id)
        assert invoice.status == "open", invoice.status
        invoice.status, invoice.processing = "paid", False
        invoice.payment_intent = f"pi_invoice_{next(self._ids)}"
        return invoice.payment_intent

    def invoice_addressee(self, invoice_id: str) -> BillingDetails | None:
        self._check()
        invoice = self.invoices.get(invoice_id)
        if invoice is None or invoice.customer_deleted:
            return None
        # As the provider's customer holds the address: its first line, the rest on one.
        billing = invoice.request.billing
        first, *rest = billing.address_lines()
        printed = "\n".join(line for line in (first, ", ".join(rest)) if line)
        return billing.model_copy(update={"billing_address": printed})

    def invoices_no_longer_payable_to(
        self, email: str, spellings: Sequence[str] = (), made_by: datetime | None = None
    ) -> tuple[str, ...]:
        self._check()
        # As the provider's filter: the address as the customer holds it, case and all; made
        # by then to the second, as the provider keeps when.
        asked = {email, email.lower(), *spellings}
        by = None if made_by is None else int(made_by.timestamp())
        return tuple(
            invoice_id
            for invoice_id, invoice in self.invoices.items()
            if invoice.status != "open"
            and not invoice.customer_deleted
            and invoice.request.billing.billing_email in asked
            and (by is None or int(invoice.made_at.timestamp()) <= by)
        )

    def forget_invoice_customer(self, invoice_id: str) -> None:
        self._check()
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            return
        if invoice.status == "open":
            raise Conflict("the invoice can still be paid", code="invoice_open")
        invoice.customer_deleted = True

    def _invoice(self, invoice_id: str) -> FakeInvoice:
        self._check()
        return _made(self.invoices.get(invoice_id), "invoice")

    # -- promotion codes -----------------------------------------------------------------------

    def create_promotion_code(self, request: DiscountCodeRequest) -> PromotionCode:
        self._check()
        definition = request.definition
        same = self.codes.get(definition.code.lower())
        if same is not None and self.code_states[same.promotion_code_id].active:
            # As the provider: only an active code's letters are taken.
            raise Conflict("already in use", code="discount_code_exists")
        coupon_id = f"coupon_test_{next(self._ids)}"
        self.coupons[coupon_id] = request
        code = PromotionCode(
            promotion_code_id=f"promo_test_{next(self._ids)}",
            coupon_id=coupon_id,
            code=definition.code,
        )
        self.codes[definition.code.lower()] = code
        self.code_states[code.promotion_code_id] = PromotionCodeState(active=True, times_redeemed=0)
        return code

    def promotion_code_state(self, promotion_code_id: str) -> PromotionCodeState:
        self._check()
        return _made(self.code_states.get(promotion_code_id), "promotion code")

    def deactivate_promotion_code(self, promotion_code_id: str) -> PromotionCodeState:
        state = self.promotion_code_state(promotion_code_id)
        self.code_states[promotion_code_id] = state.model_copy(update={"active": False})
        return self.code_states[promotion_code_id]

    def _takes_off(self, discount: AppliedDiscount | None, amount: int) -> int:
        """What the provider takes off ``amount`` for the coupon it is asked to apply."""
        if discount is None:
            return 0
        definition = _made(self.coupons.get(discount.coupon_id or ""), "coupon").definition
        return applied_discount(definition).takes_off(amount)

    def _check(self) -> None:
        if self.down:
            raise DependencyUnavailable(
                "the payment provider is unavailable; please try again shortly",
                code="payment_provider_unavailable",
            )


@dataclass
class FakeEmailSender:
    sent: list[OutgoingEmail] = field(default_factory=list)
    refuse: bool = False

    def send(self, message: OutgoingEmail) -> str:
        if self.refuse:
            raise EmailSendError("the mail service refused the message")
        self.sent.append(message)
        return f"msg-{len(self.sent)}"
