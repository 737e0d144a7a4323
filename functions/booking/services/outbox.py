"""Queue the emails an application's last state change decided, then forget them."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.adapters.email_queue import EmailQueueError
from booking.domain.application import Application
from booking.services.ports import Ports

logger = Logger(child=True)


def flush_outbox(ports: Ports, application: Application) -> bool:
    """True when every pending email is queued. On failure the jobs stay on the item, and
    the next write or the scheduled sweep queues them; the mailer sends each job id once."""
    if not application.outbox:
        return True
    try:
        ports.email_queue.send(application.outbox)
    except EmailQueueError:
        logger.warning(
            "email jobs left in outbox", extra={"application_id": application.application_id}
        )
        return False
    ports.repository.clear_outbox(application)
    return True
