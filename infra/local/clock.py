"""The local stack's clock: the one its functions read (their ports' ``clock``).

Deployed, a function's clock is the wall clock, and the scheduled run refuses a time ahead of it
(``booking.domain.run_time``). Under ``make run`` a person may want the schedule as of a later
day (README step 6: an unpaid invoice past its due day). That time travel is the local stack's
alone, in front of the handlers: for the run ``POST /_local/scheduler/tick`` makes, the clock
the functions read says the tick's time, so the run is on time by its own clock. Only the
thread making that run sees the moved time: requests served meanwhile, the mailer and the
Stripe stand-in keep the wall clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


class LocalClock:
    """The wall clock (or ``base``: the tests' clock), except inside :meth:`reading` in the
    thread that entered it."""

    def __init__(self, base: Callable[[], datetime] | None = None) -> None:
        self._base = base or (lambda: datetime.now(UTC))
        self._moved = threading.local()

    def __call__(self) -> datetime:
        moment: datetime | None = getattr(self._moved, "moment", None)
        return moment if moment is not None else self._base()

    @contextmanager
    def reading(self, moment: datetime) -> Iterator[None]:
        """While inside, this thread's reads of the clock say ``moment``."""
        before = getattr(self._moved, "moment", None)
        self._moved.moment = moment.astimezone(UTC)
        try:
            yield
        finally:
            self._moved.moment = before
