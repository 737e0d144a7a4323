"""Relay emails from the outbox to the email queue.

A state change writes the emails it decided into the outbox in its own transaction (see
``Repository.save``); the table's stream hands each new outbox item to the relay function, which
queues it and then forgets it. If the queue is down the items stay and the stream retries; if the
stream gives up, the scheduled sweep relays what is still waiting. Queueing a job twice is
harmless: the mailer claims each job id before sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.emails import EmailJob
from booking.services.ports import Ports

logger = Logger(child=True)
# The stream normally relays within a second; the sweep only takes what it has left for longer.
RELAY_GRACE = timedelta(minutes=5)


def relay_emails(ports: Ports, jobs: Sequence[EmailJob]) -> None:
    """Queue ``jobs`` (raises ``QueueUnavailable``: they stay in the outbox), then forget them."""
    if not jobs:
        return
    ports.email_queue.send(jobs)
    ports.repository.emails_relayed([job.job_id for job in jobs])


def relay_pending_emails(ports: Ports, now: datetime) -> int:
    """The sweep's share: relay what the stream left behind. Returns how many were relayed."""
    jobs = ports.repository.pending_emails(now - RELAY_GRACE)
    if jobs:
        relay_emails(ports, jobs)
        logger.warning("emails relayed by the sweep", extra={"jobs": len(jobs)})
    return len(jobs)
