"""Stripe webhook: verify the raw body, apply the event, answer 2xx only once it is stored."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.adapters.stripe_gateway import (
    checkout_event_from,
    refund_event_from,
    verify_webhook,
)
from booking.adapters.stripe_invoicing import invoice_event_from
from booking.bootstrap import ports
from booking.config import settings
from booking.domain.errors import BookingError, DependencyUnavailable, InvalidInput
from booking.handlers import http
from booking.services.payments import apply_checkout_event, apply_invoice_event, apply_refund_event

logger = Logger(service="booking-webhook")
bootstrap.at_cold_start()


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    response = http.json_response(status, body)
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": http.JSON},
        "body": response.body,
    }


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    body = event.get("body") or ""
    try:
        # API Gateway may base64-encode the body; the signature covers the original bytes.
        raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    except ValueError:
        return _response(400, http.error_payload("bad_request", "undecodable body"))
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    try:
        stripe_event = verify_webhook(
            raw, headers.get("stripe-signature"), settings().webhook_secret()
        )
        logger.append_keys(
            stripe_event_id=stripe_event.get("id"), stripe_event_type=stripe_event.get("type")
        )
        checkout_event = checkout_event_from(stripe_event)
        refund_event = refund_event_from(stripe_event)
        invoice_event = invoice_event_from(stripe_event)
    except InvalidInput as exc:
        logger.warning("webhook refused", extra={"reason": exc.message})
        return _response(400, http.error_payload("invalid_webhook", exc.message, exc.fields))
    if checkout_event is None and refund_event is None and invoice_event is None:
        return _response(
            200, {"received": True, "action": "ignore", "reason": "event type not used"}
        )
    try:
        if checkout_event is not None:
            outcome = apply_checkout_event(ports(), checkout_event)
        elif invoice_event is not None:
            outcome = apply_invoice_event(ports(), invoice_event)
        else:
            assert refund_event is not None
            outcome = apply_refund_event(ports(), refund_event)
    except DependencyUnavailable as exc:
        # Stripe retries non-2xx answers with backoff for up to three days.
        return _response(503, http.error_payload(exc.code, exc.message))
    except BookingError as exc:
        logger.error("webhook could not be applied", extra={"code": exc.code})
        return _response(500, http.error_payload(exc.code, exc.message))
    except Exception as exc:
        # Nothing was acknowledged, so Stripe will redeliver; the state change either
        # committed whole or not at all (one transaction).
        logger.exception("webhook failed")
        answer = http.unexpected_response(exc)
        return _response(answer.status_code, json.loads(str(answer.body)))
    return _response(200, {"received": True, "action": outcome.action, "status": outcome.status})
