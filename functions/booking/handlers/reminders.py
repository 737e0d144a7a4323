"""Scheduled reminder run: an EventBridge Scheduler "Scheduled Event" every 15 minutes.

*Now* is the event's ``time`` (the scheduled time), never the wall clock: a retried or delayed
invocation plans for the tick it belongs to. A time ahead of the function's clock is refused
and nothing is done (``domain.run_time``): the local tick moves the local stack's clock instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from booking import bootstrap
from booking.bootstrap import ports
from booking.services.reminders import scheduled_run

logger = Logger(service="booking-reminders")
bootstrap.at_cold_start()


def event_time(event: dict[str, Any]) -> datetime:
    raw = event.get("time")
    if not isinstance(raw, str) or not raw:
        raise ValueError("scheduled event has no 'time'")
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("scheduled event 'time' must carry a UTC offset")
    return moment.astimezone(UTC)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = event_time(event)
    logger.append_keys(scheduled_time=now.isoformat(), schedule_event_id=event.get("id"))
    return {"time": now.isoformat().replace("+00:00", "Z"), **scheduled_run(ports(), now)}
