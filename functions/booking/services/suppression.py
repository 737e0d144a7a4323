"""Addresses never to mail again: a permanent bounce or a complaint reported by SES."""

from __future__ import annotations

from collections.abc import Iterable

from booking.services.ports import Ports


def suppress_addresses(ports: Ports, addresses: list[str], reason: str) -> None:
    """Never mail these addresses again (only a digest of each is kept)."""
    now = ports.clock()
    for address in addresses:
        ports.repository.suppress_address(address, reason, now)


def still_mailed(ports: Ports, addresses: Iterable[str]) -> list[str]:
    """Those of ``addresses`` still mailed (not suppressed: never bounced or marked as spam),
    in their order: whom a message is sent to."""
    return [a for a in addresses if not ports.repository.is_suppressed(a)]
