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

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from booking.domain.emails import OutgoingEmail
from booking.services.ports import EmailSendError, Ports

__all__ = [
    "SEND_LEASE",
    "SES_CALL_LIMIT",
    "can_still_call_ses",
    "send_in_lease",
    "sending_under_lease",
    "wait_for_sends",
]

# An erasure waits at most this long, for a mailer that died holding a lease (the API's
# functions time out after 15 s).
SEND_LEASE = timedelta(seconds=8)
SES_CALL_LIMIT = timedelta(seconds=5)
# How often an erasure looks again at the leases it waits for.
LEASE_POLL = timedelta(milliseconds=50)


def can_still_call_ses(ports: Ports, until: datetime) -> bool:
    """Whether an SES call started now ends within a lease lasting ``until``."""
    return ports.clock() + SES_CALL_LIMIT <= until


@contextmanager
def sending_under_lease(ports: Ports, job_id: str, about: str) -> Iterator[None]:
    """The steps of a send whose lease on ``about`` (an application or a group booking, by id)
    is granted: a send that fails in them marks the job failed (its message goes again when
    the queue delivers the job again), and the lease ends with them, whatever happens."""
    try:
        yield
    except EmailSendError:
        ports.repository.finish_email(job_id, "failed", ports.clock())
        raise
    finally:
        ports.repository.release_send(about, job_id)


def send_in_lease(ports: Ports, message: OutgoingEmail, until: datetime) -> None:
    """Hand ``message`` to SES, if its call can still end within the lease lasting ``until``;
    otherwise raise ``EmailSendError`` without calling."""
    if not can_still_call_ses(ports, until):
        raise EmailSendError("too late in the send's lease to call SES")
    ports.sender.send(message)


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
