"""How the system refers to a person without naming them."""

from __future__ import annotations

import hashlib


def address_digest(address: str) -> str:
    """A stable pseudonym for an email address: lookups, suppression and "one reminder per
    person" work on it, so indexes and markers never store the address itself."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()
