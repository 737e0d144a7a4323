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

Once SES has answered, what it did is recorded first (``send_leased``): the job ``sent`` (or
``failed``), and only then the lease released, as best effort: a lease left behind lapses by
itself at its ``until``, which is all an erasure then waits. A record that fails after SES
took the message is tried again a few times and then given up without failing the delivery:
the queue is told the record was handled, so it is not delivered (and sent) again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.emails import OutgoingEmail
from booking.domain.errors import DependencyUnavailable
from booking.services.ports import EmailSendError, Ports

__all__ = [
    "SEND_LEASE",
    "SES_CALL_LIMIT",
    "can_still_call_ses",
    "send_leased",
    "wait_for_sends",
]

logger = Logger(child=True)

# An erasure waits at most this long, for a mailer that died holding a lease (the API's
# functions time out after 15 s).
SEND_LEASE = timedelta(seconds=8)
SES_CALL_LIMIT = timedelta(seconds=5)
# How often an erasure looks again at the leases it waits for.
LEASE_POLL = timedelta(milliseconds=50)
# After SES took a message: how often, and how far apart, its record is tried.
RECORD_TRIES = 3
RECORD_PAUSE = timedelta(milliseconds=200)


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


def send_leased(
    ports: Ports,
    job_id: str,
    about: str,
    message: OutgoingEmail,
    until: datetime,
    first: Callable[[], None] = lambda: None,
) -> None:
    """Send a claimed job's message under its lease (held until ``until`` on ``about``): do
    ``first``, call SES if the call can still end within the lease, then record what SES did
    before releasing the lease. Raises EmailSendError (the job recorded ``failed``) when SES
    refused it or it was too late to call; nothing raised once SES has taken the message."""
    repo = ports.repository
    try:
        first()
        if not can_still_call_ses(ports, until):
            raise EmailSendError("too late in the send's lease to call SES")
        ports.sender.send(message)
    except EmailSendError:
        try:
            repo.finish_email(job_id, "failed", ports.clock())
        finally:
            _release(ports, about, job_id)
        raise
    except BaseException:
        _release(ports, about, job_id)
        raise
    _record_ses_took(ports, job_id)
    _release(ports, about, job_id)


def _record_ses_took(ports: Ports, job_id: str) -> None:
    """Record the job ``sent``, first thing after SES took it. The write is idempotent, so it
    is tried again on a blip; if it still fails, the delivery is not failed for it (a queue
    retry would send the message again): the claim stays ``sending`` and is logged."""
    for attempt in range(RECORD_TRIES):
        try:
            ports.repository.finish_email(job_id, "sent", ports.clock())
            return
        except DependencyUnavailable:
            if attempt + 1 < RECORD_TRIES:
                ports.pause(RECORD_PAUSE.total_seconds())
    logger.error("SES took the message but it could not be recorded sent", extra={"job_id": job_id})


def _release(ports: Ports, about: str, job_id: str) -> None:
    """Release a send's lease, as best effort: one left behind lapses by itself."""
    try:
        ports.repository.release_send(about, job_id)
    except DependencyUnavailable:
        logger.warning("send lease left to lapse", extra={"job_id": job_id})
