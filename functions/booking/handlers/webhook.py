"""Stripe webhook: verify the raw body, apply the event, answer 2xx only once it is stored."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.domain.disputes import DisputeEvent
from booking.domain.errors import BookingError, DependencyUnavailable, InvalidInput
from booking.domain.invoices import InvoiceEvent
from booking.domain.payments import CheckoutEvent, RefundEvent
from booking.handlers.json_answers import api_gateway_json, error_payload, unexpected_error
from booking.handlers.logged_errors import log_unexpected
from booking.services.disputes import apply_dispute_event
from booking.services.payments import apply_checkout_event, apply_invoice_event, apply_refund_event
from booking.services.ports import Ports

if TYPE_CHECKING:
    from booking.services.ports import PaymentEvent

logger = Logger(service="booking-webhook")
# Without its signing secret this function fails its init: it never accepts events signed
# with a secret anyone knows. What a booking's own payment events read and write (who owns the
# event's object, the application, who else recorded its payment, its course); a group's store,
# its models and the other stores load with the first event that calls them (a group's, a
# refund nobody holds).
bootstrap.at_cold_start(
    "webhook_events",
    repository_calls=(
        "owner_of",
        "get_application",
        "recorders_of_payment",
        "save",
        "get_course",
    ),
)
if bootstrap.taking_snapshot():
    # The reader of Stripe's events (and with it Stripe's SDK, which checks their signatures)
    # made into the snapshot: the first event after a restore waits for none of it. No secret
    # is read here (the reader reads it on each delivery).
    _ = bootstrap.ports().webhook_events
    # A group's money too, which a booking's own events never load (services.payments).
    from booking.services import group_payments  # noqa: F401

    # Last: every model those loaded, built into the snapshot.
    bootstrap.snapshot_builds_every_model()
# The one use case for each kind of event this system acts on.
APPLY: dict[type, Callable[[Ports, Any], Any]] = {
    CheckoutEvent: apply_checkout_event,
    InvoiceEvent: apply_invoice_event,
    RefundEvent: apply_refund_event,
    DisputeEvent: apply_dispute_event,
}


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    # API Gateway may base64-encode the body; the signature covers the original bytes.
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("undecodable body") from exc
    return str(body).encode("utf-8")


def _busy(exc: DependencyUnavailable) -> dict[str, Any]:
    # Stripe retries non-2xx answers with backoff for up to three days.
    return api_gateway_json(
        503,
        error_payload(exc.code, exc.message),
        {"Retry-After": str(exc.retry_after_seconds)},
    )


def _apply(the_ports: Ports, event: PaymentEvent) -> dict[str, Any]:
    try:
        outcome = APPLY[type(event)](the_ports, event)
    except DependencyUnavailable as exc:
        return _busy(exc)
    except BookingError as exc:
        logger.error("webhook could not be applied", extra={"code": exc.code})
        return api_gateway_json(500, error_payload(exc.code, exc.message))
    return api_gateway_json(
        200, {"received": True, "action": outcome.action, "status": outcome.status}
    )


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    try:
        the_ports = bootstrap.require("webhook_events")
        delivery = the_ports.webhook_events.read(_raw_body(event), headers.get("stripe-signature"))
    except InvalidInput as exc:
        logger.warning("webhook refused", extra={"reason": exc.message})
        return api_gateway_json(400, error_payload("invalid_webhook", exc.message, exc.fields))
    except DependencyUnavailable as exc:
        # The signing secret could not be read (Secrets Manager busy or unreachable, or the
        # secret empty: logged as not configured): nothing is read or written, and Stripe
        # delivers the event again later.
        logger.warning("webhook not read", extra={"code": exc.code})
        return _busy(exc)
    logger.append_keys(stripe_event_id=delivery.event_id, stripe_event_type=delivery.event_type)
    if delivery.event is None:
        return api_gateway_json(
            200, {"received": True, "action": "ignore", "reason": "event type not used"}
        )
    try:
        return _apply(the_ports, delivery.event)
    except Exception as error:
        # Nothing was acknowledged, so Stripe will redeliver; the state change either
        # committed whole or not at all (one transaction).
        log_unexpected(logger, "webhook failed", error)
        return api_gateway_json(500, unexpected_error())
