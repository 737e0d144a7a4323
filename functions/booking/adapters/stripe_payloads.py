"""Parts of a Stripe payload (a webhook's event, an API answer) held to the shape Stripe always
gives them: anything else is a bad payload, refused where it is read (the webhook answers 400
and writes nothing), never an error further on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeGuard

from booking.domain.errors import InvalidInput


def is_stripe_event(event: object) -> TypeGuard[dict[str, Any]]:
    """An event's envelope as Stripe sends every one: an ``event`` object whose ``id`` and
    ``type`` are text, whose ``data.object`` is an object, and that object's ``metadata`` an
    object when given. A signed body with a ``type`` that is a list, a ``data`` that is a number
    or ``metadata`` that is text is not one (anyone holding the signing secret could send it)."""
    if not isinstance(event, dict) or event.get("object") != "event":
        return False
    data = event.get("data")
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        return False
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return False
    return isinstance(data["object"].get("metadata", {}) or {}, dict)


def whole_amount(obj: Mapping[str, Any], name: str) -> int:
    """A money figure from a Stripe object: minor units, a whole number (missing means 0)."""
    value = obj.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**12:
        raise InvalidInput(f"the event's {name} is not an amount", {name: "a whole number"})
    return value


def as_sent(invoice: Mapping[str, Any]) -> dict[str, Any]:
    """An invoice's hosted page, due moment and whole amount, as it was sent ("", None, 0:
    not said, a draft)."""
    seconds = invoice.get("due_date")
    return {
        "url": str(invoice.get("hosted_invoice_url") or ""),
        "due_at": datetime.fromtimestamp(seconds, UTC) if isinstance(seconds, int) else None,
        "amount_due": whole_amount(invoice, "amount_due"),
    }
