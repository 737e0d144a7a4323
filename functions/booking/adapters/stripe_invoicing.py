"""Invoices to employers and discount codes, through the same ``StripeClient`` as checkouts.

Personal data goes only where Stripe's invoice needs it: the billing contact is the invoice's
customer (name, email, address), the purchase order number a custom field printed on the
invoice, and the line names the course and the applicant. Metadata carries ids only.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import stripe
from aws_lambda_powertools import Logger

from booking.adapters.stripe_calls import call_stripe
from booking.adapters.stripe_payloads import as_sent, whole_amount
from booking.domain.billing import AppliedDiscount, InvoiceRef, PromotionCode, PromotionCodeState
from booking.domain.errors import (
    BookingError,
    Conflict,
    InvalidInput,
    UnknownToProvider,
)
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.services.ports import (
    PAID_ALREADY,
    DiscountCodeRequest,
    InvoiceAtStripe,
    InvoiceRequest,
)

logger = Logger(child=True)

HANDLED_INVOICE_EVENTS = {
    "invoice.paid": InvoiceEventKind.PAID,
    "invoice.voided": InvoiceEventKind.VOIDED,
    "invoice.marked_uncollectible": InvoiceEventKind.UNCOLLECTIBLE,
    "invoice.overdue": InvoiceEventKind.OVERDUE,
    "invoice.payment_failed": InvoiceEventKind.PAYMENT_FAILED,
}
PO_FIELD = "PO number"
CUSTOMER_PREFIX = "cus_"  # Stripe's customers' ids
# An invoice in these states can still be paid by its customer: its customer must stay.
PAYABLE_INVOICE = frozenset({"draft", "open", "uncollectible"})


class StripeInvoicing:
    _client: stripe.StripeClient
    _reader: stripe.StripeClient  # the webhook's reads of what Stripe holds (StripeGateway)

    def create_invoice(
        self, request: InvoiceRequest, drafted: Callable[[str], None] | None = None
    ) -> InvoiceRef:
        """Customer, draft (``drafted`` told its id), its one line, finalized and sent: each
        step with its own key, so the SDK's retries of any one of them cannot make a second."""
        ids = {"application_id": request.application_id, "course_id": request.course_id}
        key = f"invoice-{request.application_id}-{request.attempt}-{request.nonce}"
        customer_id = call_stripe(
            lambda: self._client.v1.customers.create(
                _customer(request, ids),  # type: ignore[arg-type]
                options={"idempotency_key": f"{key}-customer"},
            )
        ).id
        try:
            return self._invoice_to(customer_id, request, ids, key, drafted)
        except BookingError as failed:
            # The customer holds the contact's name, email and address and nothing uses it:
            # deleted now, or left for the caller to record as owed (``sent_invoice``).
            try:
                call_stripe(lambda: self._client.v1.customers.delete(customer_id))
            except BookingError:
                failed.customer_left = customer_id
            raise

    def _invoice_to(
        self,
        customer_id: str,
        request: InvoiceRequest,
        ids: dict[str, str],
        key: str,
        drafted: Callable[[str], None] | None,
    ) -> InvoiceRef:
        """The draft for ``customer_id``, its one line, finalized and sent."""
        invoice_id = call_stripe(
            lambda: self._client.v1.invoices.create(
                _draft(request, ids, customer_id),  # type: ignore[arg-type]
                options={"idempotency_key": f"{key}-invoice"},
            )
        ).id
        self._told_of_draft(invoice_id, drafted)
        item: dict[str, Any] = {
            "customer": customer_id,
            "invoice": invoice_id,
            "amount": request.amount.amount,
            "currency": request.amount.currency,
            "description": request.description,
            "metadata": ids,
        }
        call_stripe(
            lambda: self._client.v1.invoice_items.create(
                item,  # type: ignore[arg-type]
                options={"idempotency_key": f"{key}-item"},
            )
        )
        # auto_advance: Stripe then sends its reminders and marks the invoice overdue.
        call_stripe(
            lambda: self._client.v1.invoices.finalize_invoice(
                invoice_id,
                {"auto_advance": True},
                options={"idempotency_key": f"{key}-finalize"},
            )
        )
        sent = call_stripe(
            lambda: self._client.v1.invoices.send_invoice(
                invoice_id, options={"idempotency_key": f"{key}-send"}
            )
        )
        if not sent.hosted_invoice_url or sent.due_date is None:
            raise Conflict("Stripe sent an invoice without a payment page", code="invoice_unsent")
        return InvoiceRef(
            invoice_id=invoice_id,
            url=sent.hosted_invoice_url,
            number=sent.number,
            due_at=datetime.fromtimestamp(sent.due_date, tz=UTC),
            amount_due=sent.amount_due,
            currency=sent.currency,
            status=str(sent.status or "open"),
            attempt=request.attempt,
        )

    def _told_of_draft(self, invoice_id: str, drafted: Callable[[str], None] | None) -> None:
        """``drafted`` told the draft's id; raising, the draft (then recorded nowhere, so
        nothing would find it) is voided unsent."""
        if drafted is None:
            return
        try:
            drafted(invoice_id)
        except BaseException:
            with contextlib.suppress(BookingError):
                self._void_draft(invoice_id)
            raise

    def void_invoice(self, invoice_id: str) -> str:
        try:
            return str(
                call_stripe(lambda: self._client.v1.invoices.void_invoice(invoice_id)).status
            )
        except Conflict:
            # Not voidable: paid or voided already, a draft, or unknown (which raises
            # Conflict again).
            invoice = call_stripe(lambda: self._client.v1.invoices.retrieve(invoice_id))
            if invoice.status == "draft":
                return self._void_draft(invoice_id)
            return str(invoice.status)

    def _void_draft(self, invoice_id: str) -> str:
        """A draft (recorded ahead by a try stopped before it was finalized) finalized without
        being sent (``auto_advance`` off: Stripe emails nobody) and voided, so its customer
        can be deleted as any void invoice's is; one stopped before its line asks nothing, and
        Stripe holds it paid at 0 once finalized (its status is answered)."""
        final = call_stripe(
            lambda: self._client.v1.invoices.finalize_invoice(invoice_id, {"auto_advance": False})
        )
        if final.status != "open":
            return str(final.status)
        return str(call_stripe(lambda: self._client.v1.invoices.void_invoice(invoice_id)).status)

    def resend_invoice(self, invoice_id: str) -> None:
        call_stripe(lambda: self._client.v1.invoices.send_invoice(invoice_id))

    def pay_invoice_off_stripe(self, invoice_id: str) -> str:
        # One key per press (this call; the SDK's own retries of it reuse it): Stripe saves a
        # key's first answer, a 500 or a refusal too, and replays it for 24 hours, so a key per
        # invoice locked the act out for a day after one failed press. A second
        # press cannot pay twice: Stripe refuses ``pay`` on an invoice no longer open.
        key = f"paid-off-stripe-{invoice_id}-{secrets.token_hex(8)}"
        try:
            paid = call_stripe(
                lambda: self._client.v1.invoices.pay(
                    invoice_id, {"paid_out_of_band": True}, options={"idempotency_key": key}
                ),
                expected="an invoice no longer open is not marked paid",
            )
            # Stripe marks an answer given again to a key's retry (a second tab's press).
            answered = paid.last_response.headers if paid.last_response else {}
            replayed = any(
                k.lower() == "idempotent-replayed" and v == "true" for k, v in answered.items()
            )
            return PAID_ALREADY if replayed and paid.status == "paid" else str(paid.status)
        except UnknownToProvider:
            raise
        except Conflict:
            # Not payable (void, a draft, paid already): what Stripe holds it as says why.
            invoice = call_stripe(lambda: self._client.v1.invoices.retrieve(invoice_id))
            return PAID_ALREADY if invoice.status == "paid" else str(invoice.status)

    def invoice_at_stripe(
        self, invoice_id: str, *, a_person_waits: bool = False
    ) -> InvoiceAtStripe:
        # One read: the invoice with its payments and their intents included (Stripe leaves
        # them out unless expanded). The webhook's, through its reader (a short timeout, no
        # retries): a failure is a 503 that Stripe redelivers. A person's request (a manager
        # giving a place up) through the main client: nobody redelivers it, so a throttled or
        # failed read is retried (safely: it writes nothing) rather than shown as an error.
        client = self._client if a_person_waits else self._reader
        expand = ["payments", "payments.data.payment.payment_intent"]
        invoice = call_stripe(lambda: client.v1.invoices.retrieve(invoice_id, {"expand": expand}))
        paying, processing = None, False
        for payment in invoice.payments.data if invoice.payments else ():
            intent = payment.payment.payment_intent
            if payment.status == "paid" and intent and paying is None:
                paying = intent if isinstance(intent, str) else intent.id
            elif payment.status == "open" and intent and not isinstance(intent, str):
                processing = processing or intent.status == "processing"
        fields = invoice.to_dict()
        return InvoiceAtStripe(
            status=str(invoice.status or ""),
            payment_intent=paying,
            amount_paid=_paid_in_all(fields),
            currency=_currency_of(fields),
            number=str(invoice.number or ""),
            payment_processing=processing,
            sent_at=_moment(fields, "finalized_at"),
            paid_at=_moment(fields, "paid_at"),
            **as_sent(fields),
        )

    def forget_invoice_customer(self, invoice_id: str) -> None:
        # The invoice names its customer (one per invoice, ``_customer``): asked of Stripe
        # rather than recorded, so invoices recorded before erasure reached Stripe are covered.
        if invoice_id.startswith(CUSTOMER_PREFIX):
            self._delete_customer(invoice_id)  # one no invoice was made for
            return
        try:
            invoice = call_stripe(lambda: self._client.v1.invoices.retrieve(invoice_id))
        except UnknownToProvider:
            return
        if invoice.status in PAYABLE_INVOICE:
            raise Conflict(
                "the invoice can still be paid: void it before its customer is deleted",
                code="invoice_open",
            )
        customer = invoice.customer
        customer_id = customer if isinstance(customer, str) or customer is None else customer.id
        if customer_id:
            self._delete_customer(customer_id)

    def _delete_customer(self, customer_id: str) -> None:
        try:
            call_stripe(lambda: self._client.v1.customers.delete(customer_id))
        except UnknownToProvider:
            return  # deleted already (an erasure asked again, or its retry)

    def create_promotion_code(self, request: DiscountCodeRequest) -> PromotionCode:
        definition = request.definition
        metadata = {"course_id": request.course_id}
        # Neither carries a limit: Stripe counts only completed payments, and a limit reached
        # there would refuse the checkout of someone whose price was already promised. The
        # uses and the expiry are this system's to enforce (``booking.domain.limits``).
        coupon: dict[str, Any] = {
            "duration": "once",
            "name": definition.code[:40],
            "metadata": metadata,
        }
        if definition.percent_off is not None:
            coupon["percent_off"] = definition.percent_off
        else:
            coupon |= {"amount_off": definition.amount_off, "currency": request.currency}
        coupon_id = call_stripe(lambda: self._client.v1.coupons.create(coupon)).id  # type: ignore[arg-type]
        promotion: dict[str, Any] = {
            "promotion": {"type": "coupon", "coupon": coupon_id},
            "code": definition.code,
            "metadata": metadata,
        }
        try:
            created = call_stripe(
                lambda: self._client.v1.promotion_codes.create(promotion)  # type: ignore[arg-type]
            )
        except Conflict as refused:
            # Refused (a 4xx): Stripe made none, so the coupon made for it is not left behind
            # at Stripe, unowned.
            self._delete_coupon(coupon_id)
            if not isinstance(refused, UnknownToProvider):
                raise Conflict(
                    f"the code {definition.code!r} is already in use", code="discount_code_exists"
                ) from refused
            raise
        except BookingError:
            # A timeout or 5xx: Stripe may have made it all the same.
            made = self._made_on(coupon_id, definition.code)
            if made is None:
                raise
            created = made
        return PromotionCode(promotion_code_id=created.id, coupon_id=coupon_id, code=created.code)

    def _made_on(self, coupon_id: str, code: str) -> Any:
        """The promotion code ``code`` Stripe made on ``coupon_id`` although its answer was lost,
        if it did (None: it made none, and the coupon is deleted). When Stripe cannot be asked
        either, both are left as they are and the coupon's id is logged (not personal: its name
        is the code's letters) for the organisers: deleting its coupon could leave a live code
        on a deleted coupon, holding the letters in Stripe's one namespace."""
        try:
            found = call_stripe(
                lambda: self._client.v1.promotion_codes.list({"code": code, "limit": 100})
            )
        except BookingError:
            logger.warning("coupon left at Stripe", extra={"coupon_id": coupon_id})
            return None
        made = [p for p in found.data if _coupon_id_of(p) == coupon_id]
        if made:
            return made[0]
        self._delete_coupon(coupon_id)
        return None

    def _delete_coupon(self, coupon_id: str) -> None:
        """Delete a coupon no promotion code was made on; one Stripe no longer knows is gone
        already. When the delete fails too, the coupon's id is logged (not personal: its name is
        the code's letters) for someone to delete it at Stripe, and the first refusal stands."""
        try:
            call_stripe(lambda: self._client.v1.coupons.delete(coupon_id))
        except UnknownToProvider:
            return
        except BookingError:
            logger.warning("coupon left at Stripe", extra={"coupon_id": coupon_id})

    def promotion_code_state(self, promotion_code_id: str) -> PromotionCodeState:
        found = call_stripe(
            lambda: self._client.v1.promotion_codes.retrieve(
                promotion_code_id, {"expand": [_COUPON]}
            )
        )
        return _state_of(found)

    def deactivate_promotion_code(self, promotion_code_id: str) -> PromotionCodeState:
        # Setting the same value again is no error at Stripe, so a retried step is harmless.
        updated = call_stripe(
            lambda: self._client.v1.promotion_codes.update(
                promotion_code_id, {"active": False, "expand": [_COUPON]}
            )
        )
        return _state_of(updated)


_COUPON = "promotion.coupon"


def _state_of(promotion_code: stripe.PromotionCode) -> PromotionCodeState:
    """Whether the code is active, and the payments its coupon took part in: this system asks
    Stripe for the coupon (never the promotion code) on every checkout and invoice, so the
    coupon's count is the code's, and the promotion code's own stays at nought."""
    coupon = promotion_code.promotion.coupon
    redeemed = (
        coupon.times_redeemed
        if isinstance(coupon, stripe.Coupon)
        else promotion_code.times_redeemed
    )
    return PromotionCodeState(active=promotion_code.active, times_redeemed=redeemed)


def _customer(request: InvoiceRequest, ids: dict[str, str]) -> dict[str, Any]:
    """The invoice's customer: the billing contact, as the invoice is addressed."""
    billing = request.billing
    lines = billing.address_lines()
    return {
        "name": billing.billing_name,
        "email": billing.billing_email,
        "address": {"line1": lines[0], "line2": ", ".join(lines[1:])[:200] or None},
        "preferred_locales": ["en-GB"],
        "metadata": ids,
    }


def _draft(request: InvoiceRequest, ids: dict[str, str], customer_id: str) -> dict[str, Any]:
    """The draft invoice: sent for payment by its due date, the PO printed, the code applied."""
    draft: dict[str, Any] = {
        "customer": customer_id,
        "collection_method": "send_invoice",
        "due_date": int(request.due_at.timestamp()),
        "currency": request.amount.currency,
        "pending_invoice_items_behavior": "exclude",
        "metadata": ids,
    }
    if request.billing.po_number:
        draft["custom_fields"] = [{"name": PO_FIELD, "value": request.billing.po_number}]
    if request.discount:
        draft["discounts"] = [discount_param(request.discount)]
    return draft


def discount_param(discount: AppliedDiscount) -> dict[str, str]:
    """How Stripe is asked to apply a promised discount: its coupon, which no limit at Stripe
    can refuse (a code recorded before coupons were kept: its promotion code)."""
    if discount.coupon_id:
        return {"coupon": discount.coupon_id}
    return {"promotion_code": discount.promotion_code_id}


def invoice_event_from(event: dict[str, Any]) -> InvoiceEvent | None:
    """The facts of an invoice event, or ``None`` for events this system does not act on."""
    kind = HANDLED_INVOICE_EVENTS.get(str(event.get("type")))
    if kind is None:
        return None
    invoice = event["data"]["object"]
    if invoice.get("object") != "invoice":
        raise InvalidInput("an invoice event must carry an invoice object")
    application_id = (invoice.get("metadata") or {}).get("application_id")
    if not application_id or not isinstance(application_id, str):
        return None  # an invoice this system did not issue
    return InvoiceEvent(
        event_id=str(event.get("id", "")),
        kind=kind,
        invoice_id=str(invoice.get("id", "")),
        application_id=application_id,
        amount_paid=_paid_in_all(invoice),
        currency=_currency_of(invoice),
        number=str(invoice.get("number") or ""),
        paid_at=_moment(invoice, "paid_at"),
    )


def _paid_in_all(invoice: Mapping[str, Any]) -> int:
    """What an invoice says was paid: through Stripe and outside it alike, as ``amount_paid``
    counts both since API 2025-03-31 ("now reflects out of band payments");
    ``amount_paid_off_stripe``, given only when expanded, is a part of it, never added to it
    (which would count a bank transfer twice and give the booking's payment back as a
    mismatch)."""
    return whole_amount(invoice, "amount_paid")


def _moment(invoice: Mapping[str, Any], transition: str) -> datetime | None:
    """When the invoice made ``transition`` (its ``status_transitions``), None if not said."""
    seconds = (invoice.get("status_transitions") or {}).get(transition)
    return datetime.fromtimestamp(seconds, UTC) if isinstance(seconds, int) else None


def _currency_of(invoice: Mapping[str, Any]) -> str:
    return str(invoice.get("currency") or "gbp")


def _coupon_id_of(promotion_code: Any) -> str | None:
    """The id of the coupon a promotion code gives (expanded or not)."""
    coupon = promotion_code["promotion"]["coupon"]
    return coupon if isinstance(coupon, str) or coupon is None else str(coupon["id"])
