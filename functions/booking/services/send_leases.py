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

The claim says the SES call is made before it is made: ``sent_unconfirmed``
(``SENT_UNCONFIRMED``), a state no later delivery takes over, however old. Once SES has
answered, what it did is recorded first (``send_leased``): the job ``sent`` (or ``failed``,
which a retry may claim again), and only then the lease released, as best effort: a lease left
behind lapses by itself at its ``until``, which is all an erasure then waits. A record that
fails after SES took the message is tried again a few times and then given up without failing
the delivery: the queue is told the record was handled, so it is not delivered again, and the
claim left ``sent_unconfirmed`` keeps any copy of the job queued later, however much later,
from sending it again (a ``sending`` claim is taken over once older than the claim's timeout,
180 s, and it alone was left before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.emails import OutgoingEmail
from booking.domain.errors import DependencyUnavailable
from booking.services.email_claims import SENT_UNCONFIRMED
from booking.services.ports import EmailSendError, Ports

__all__ = [
    "SEND_LEASE",
    "SENT_UNCONFIRMED",
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
# After SES answered: how often, and how far apart, its record is tried.
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
    ``first``, call SES if the call can still end within the lease (the claim marked
    ``sent_unconfirmed`` just before), then record what SES did before releasing the lease.
    Raises EmailSendError (the job recorded ``failed``) when SES refused it or it was too late
    to call; nothing raised once SES has taken the message."""
    repo = ports.repository
    calling = False
    try:
        first()
        repo.finish_email(job_id, SENT_UNCONFIRMED, ports.clock())
        calling = True
        # Checked after the mark, so a slow write cannot push the call past the lease.
        if not can_still_call_ses(ports, until):
            raise EmailSendError("too late in the send's lease to call SES")
        ports.sender.send(message)
    except EmailSendError:
        try:
            if not _record(ports, job_id, "failed"):
                # Marked sent_unconfirmed and never reopened: not sent again by itself.
                logger.error("SES refused the message and it could not be recorded failed")
        finally:
            _release(ports, about, job_id)
        raise
    except BaseException:
        try:
            if calling:
                # Not an answer from SES (the adapter turns each into EmailSendError): the
                # message was not taken, so the job may be claimed again.
                _record(ports, job_id, "failed")
        finally:
            _release(ports, about, job_id)
        raise
    if not _record(ports, job_id, "sent"):
        logger.error(
            "SES took the message but it could not be recorded sent; its claim stays "
            "sent_unconfirmed, so it is not sent again",
            extra={"job_id": job_id},
        )
    _release(ports, about, job_id)


def lease_unused(ports: Ports, about: str, job_id: str, state: str) -> None:
    """A send leased (``Repository.hold_send``) that is not to go out after all: the lease
    released at once, as nothing is being sent, then the job recorded ``state``."""
    ports.repository.release_send(about, job_id)
    ports.repository.finish_email(job_id, state, ports.clock())


def _record(ports: Ports, job_id: str, state: str) -> bool:
    """Record what SES did with the job, first thing after its answer: whether it could be.
    The write is idempotent, so it is tried again on a blip."""
    for attempt in range(RECORD_TRIES):
        try:
            ports.repository.finish_email(job_id, state, ports.clock())
            return True
        except DependencyUnavailable:
            if attempt + 1 < RECORD_TRIES:
                ports.pause(RECORD_PAUSE.total_seconds())
    return False


def _release(ports: Ports, about: str, job_id: str) -> None:
    """Release a send's lease, as best effort: one left behind lapses by itself."""
    try:
        ports.repository.release_send(about, job_id)
    except DependencyUnavailable:
        logger.warning("send lease left to lapse", extra={"job_id": job_id})
