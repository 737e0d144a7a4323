"""Optimistic updates: read, decide, write conditionally; on a lost race, do it all again.

Every write of an application expects the version it read (``Repository.save`` raises
``StaleWrite`` otherwise). Whoever loses re-reads and decides afresh, so concurrent requests,
webhooks and sweeps converge on one outcome. This is the one loop that does it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from booking.domain.application import Application
from booking.domain.errors import Conflict, DependencyUnavailable, NotFound, StaleWrite
from booking.services.ports import Ports

T = TypeVar("T")
MAX_ATTEMPTS = 5


def concurrent_update() -> Exception:
    """For people: the thing they asked about kept changing under them; retrying will do."""
    return Conflict("this application changed meanwhile; please retry", code="concurrent_update")


def busy_for_stripe() -> Exception:
    """For webhooks: answer 5xx, so Stripe redelivers the event later."""
    return DependencyUnavailable("the application is being updated concurrently; retry")


def retried(
    step: Callable[[], T],
    *,
    attempts: int = MAX_ATTEMPTS,
    exhausted: Callable[[], Exception] = concurrent_update,
) -> T:
    """Run ``step`` (which reads, decides and writes) until its write does not lose a race."""
    for _ in range(attempts):
        try:
            return step()
        except StaleWrite:
            continue
    raise exhausted()


def load_application(ports: Ports, application_id: str) -> Application:
    application = ports.repository.get_application(application_id) if application_id else None
    if application is None:
        raise NotFound(f"no application {application_id!r}")
    return application
