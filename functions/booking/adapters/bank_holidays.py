"""England and Wales' bank holidays, from the `holidays` package (its rules for Easter, the
Monday holidays and the weekday a holiday falling at a weekend moves to, kept up to date by
its maintainers with one-off days such as a coronation).

The centre that runs the courses is in England, so its accounts teams keep these days; the
due-date rule (``domain.billing.invoice_due``) is given them as a plain ``day in calendar``.
Imported only when a due date is worked out (about 100 ms), never at cold start.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import holidays


class EnglandAndWalesBankHolidays:
    def __init__(self) -> None:
        # This year's and the next's days worked out now (a SnapStart init keeps them in its
        # snapshot: ``handlers.api``); later years are filled in on first use. A lock because
        # the local stack serves threads.
        this_year = datetime.now(UTC).year
        self._days = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(this_year, this_year + 2)
        )
        self._lock = threading.Lock()

    def __contains__(self, day: object, /) -> bool:
        if not isinstance(day, date):
            return False
        with self._lock:
            return day in self._days
