"""A waiting move whose end has passed, before the sweep ends it (``domain.waiting_moves``).

A move waiting on a full cohort's waiting list is over once either cohort begins
(``WaitingMove.ends_at``); the sweep then ends it and tells the person, up to a quarter of an
hour later. Meanwhile it is over as read: the person's page no longer shows it, the console says
in words that the wait has ended (and offers no withdrawal), and a withdrawal asked for it is
refused in the same words, since there is no wait left to withdraw. Pure rules, no I/O.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application
from booking.domain.errors import Conflict
from booking.domain.waiting_moves import wait_over, waiting_on
from booking.domain.wording import moment_when

WAIT_ENDED = "wait_ended"


def wait_ended_said(application: Application, to_name: str, timezone: str, now: datetime) -> str:
    """What the organiser reads of the booking's waiting move for the cohort ``to_name`` when
    its end has passed at ``now`` ("" when it waits still, or none waits)."""
    move = waiting_on(application)
    if move is None or not wait_over(application, now):
        return ""
    return (
        f"the wait for a place on {to_name} ended on {moment_when(move.ends_at, timezone)}, "
        "when a cohort began, with no place come free: the booking stays where it is and the "
        "person is told shortly, so there is nothing left to withdraw"
    )


def refuse_withdrawing_an_ended_wait(
    application: Application, to_name: str, timezone: str, now: datetime
) -> None:
    """A withdrawal of a waiting move whose end has passed is refused (409 ``wait_ended``), in
    the words the console shows for it."""
    said = wait_ended_said(application, to_name, timezone, now)
    if said:
        raise Conflict(said, code=WAIT_ENDED)
