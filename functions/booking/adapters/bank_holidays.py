"""England and Wales' bank holidays, from the `holidays` package (its rules for Easter, the
Monday holidays and the weekday a holiday falling at a weekend moves to, kept up to date by
its maintainers with one-off days such as a coronation).

The centre that runs the courses is in England, so its accounts teams keep these days; the
due-date rule (``domain.billing.invoice_due``) is given them as a plain ``day in calendar``.
Imported only when a due date is worked out (about 100 ms), never at cold start.
"""

from __future__ import annotations

import threading
from datetime import date

import holidays


class EnglandAndWalesBankHolidays:
    def __init__(self) -> None:
        # Years are filled in on first use; a lock because the local stack serves threads.
        self._days = holidays.country_holidays("GB", subdiv="ENG")
        self._lock = threading.Lock()

    def __contains__(self, day: object, /) -> bool:
        if not isinstance(day, date):
            return False
        with self._lock:
            return day in self._days
