"""Addresses never to mail again: a permanent bounce or a complaint reported by SES."""

from __future__ import annotations

from booking.services.ports import Ports


def suppress_addresses(ports: Ports, addresses: list[str], reason: str) -> None:
    """Never mail these addresses again (only a digest of each is kept)."""
    now = ports.clock()
    for address in addresses:
        ports.repository.suppress_address(address, reason, now)
