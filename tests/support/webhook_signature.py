"""The ``Stripe-Signature`` header Stripe puts on a webhook, made by hand so a test can sign a
body of its own (forged, replayed, stale or from the future) as Stripe would."""

from __future__ import annotations

import hashlib
import hmac
import time


def stripe_signature(body: bytes, secret: str, at: int | None = None) -> str:
    """``body`` signed with ``secret`` at ``at`` (seconds since the epoch; now if not given)."""
    timestamp = at if at is not None else int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
