"""The deployment guide names exactly the Stripe events the webhook acts on: an event left out
of the endpoint's list never arrives (an invoice paid would never confirm its booking)."""

from __future__ import annotations

import re
from pathlib import Path

from booking.adapters.stripe_disputes import HANDLED_DISPUTE_EVENTS
from booking.adapters.stripe_gateway import HANDLED_CHECKOUT_EVENTS, HANDLED_REFUND_EVENTS
from booking.adapters.stripe_invoicing import HANDLED_INVOICE_EVENTS

GUIDE = Path(__file__).resolve().parents[2] / "infra" / "DEPLOY.md"


def test_the_webhook_endpoint_is_registered_for_every_event_the_webhook_handles() -> None:
    listed = re.findall(r"enabled_events\[\]=([a-z_.]+)", GUIDE.read_text(encoding="utf-8"))
    assert len(listed) == len(set(listed))
    handled = HANDLED_CHECKOUT_EVENTS | HANDLED_REFUND_EVENTS | HANDLED_DISPUTE_EVENTS
    assert set(listed) == handled | set(HANDLED_INVOICE_EVENTS)
