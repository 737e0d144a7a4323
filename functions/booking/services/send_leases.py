"""Leases on sends past their last check: what makes an erasure and a send exclude each other.

The mailer's last step before SES leases the send, in one transaction with its check on what
the message is about: for an application, that its person is not erased
(``Repository.hold_send``); for a group booking, that the group is as it was read
(``GroupStore.hold_group_send``: an erasure changes it, and the job is read again later). An
erasure saved first refuses the lease; one saved after it waits (``wait_for_sends``) for the
lease to end before it answers: its send has had SES's answer, or the lease lapsed. The SES
call is only started while it can end within the lease (``can_still_call_ses``), and the SES
client's timeouts keep a call within SES_CALL_LIMIT (bootstrap). So once an erasure has
answered, nothing about the person is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from booking.services.ports import Ports

__all__ = ["SEND_LEASE", "SES_CALL_LIMIT", "can_still_call_ses", "wait_for_sends"]

# An erasure waits at most this long, for a mailer that died holding a lease (the API's
# functions time out after 15 s).
SEND_LEASE = timedelta(seconds=8)
SES_CALL_LIMIT = timedelta(seconds=5)
# How often an erasure looks again at the leases it waits for.
LEASE_POLL = timedelta(milliseconds=50)


def can_still_call_ses(ports: Ports, until: datetime) -> bool:
    """Whether an SES call started now ends within a lease lasting ``until``."""
    return ports.clock() + SES_CALL_LIMIT <= until


def wait_for_sends(ports: Ports, about: Iterable[str]) -> None:
    """Return once no send about these applications or group bookings (by id) is past its
    last check. Called after their erasure is saved, when no new lease can be granted: each
    lease ends when SES has answered its send, or lapses (its mailer died, or could no longer
    start the call)."""
    ids = list(about)
    # Bounded by the lease whatever the leases say: a lease is never held longer.
    for _ in range(int(SEND_LEASE / LEASE_POLL) + 1):
        now = ports.clock()
        if not any(until > now for one in ids for until in ports.repository.sends_held(one)):
            return
        ports.pause(LEASE_POLL.total_seconds())
