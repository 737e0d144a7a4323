"""What a person on a reopened list was last told of the closing:

* those told the list reopened ("The dates have moved ... Applications now close on X") are
  told again, once per change, when a later save brings the closing earlier than X before it
  passes; nothing when it moves later again, or back to X;
* a closing told again after the dates moved later and back is an email of its own, never
  swallowed by the mailer's claim of the first telling of that closing; a redelivery of one
  job still sends nothing.

Through the real handlers, the mailer's claims in moto, the clock frozen (time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from booking.domain.emails import EmailKind
from booking.domain.wording import moment_when
from booking.services.lifecycle import sweep
from booking.services.mailer import SendOutcome, send_email_job
from tests.support.closing import (
    CLOSED,
    EARLIER,
    REOPENED,
    WAITING,
    queued,
    saved_closing,
    small_course_moved,
    told_by_address,
    told_closed,
    two_waiting,
)
from tests.support.system import System


def test_a_reopened_list_is_told_once_of_each_closing_brought_earlier_than_it_was_told(
    system: System,
) -> None:
    start, closes = told_closed(system)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        said = saved_closing(system, small_course_moved(system, start, 7))
        reopened = told_by_address(system, REOPENED)
        assert sorted(reopened) == sorted(WAITING)
        zone = system.course("small")["timezone"]
        assert f"Applications now close on {moment_when(said, zone)}" in " ".join(
            reopened[WAITING[0]][0].text.split()
        )
        # Brought earlier than they were told, not passed: told once, the new closing said.
        sooner = saved_closing(system, small_course_moved(system, start, 3))
        told = told_by_address(system, EARLIER)
        assert {a: len(m) for a, m in told.items()} == dict.fromkeys(WAITING, 1)
        text = " ".join(told[WAITING[0]][0].text.split())
        assert f"now close sooner than before, on {moment_when(sooner, zone)}" in text
        assert "You are on its waiting list (you are number 1)" in text
        # Saved again unchanged, moved later, then back to what they were told: nothing.
        saved_closing(system, small_course_moved(system, start, 3))
        saved_closing(system, small_course_moved(system, start, 5))
        saved_closing(system, small_course_moved(system, start, 3))
        assert told_by_address(system, "The dates have moved") == {}
        # Earlier again than the closing they were last told: told once more.
        soonest = saved_closing(system, small_course_moved(system, start, 2))
        told = told_by_address(system, EARLIER)
        assert {a: len(m) for a, m in told.items()} == dict.fromkeys(WAITING, 1)
        assert moment_when(soonest, zone) in " ".join(told[WAITING[1]][0].text.split())
        # Two saves before the mailer runs: the date that holds is the one said, once.
        saved_closing(system, small_course_moved(system, start, 1))
        last = saved_closing(
            system, small_course_moved(system, start, 1) | {"sessions": [_at(start, 1, "12:00")]}
        )
        told = told_by_address(system, "The dates have moved")
        assert {a: len(m) for a, m in told.items()} == dict.fromkeys(WAITING, 1)
        assert moment_when(last, zone) in " ".join(told[WAITING[0]][0].text.split())


def _at(start: datetime, days: int, start_time: str) -> dict[str, str]:
    day = (start + timedelta(days=days)).date().isoformat()
    return {"date": day, "start_time": start_time, "end_time": "17:00"}


def test_a_closing_told_again_after_the_dates_moved_later_and_back_is_sent_once_more(
    system: System,
) -> None:
    """Told at a closing, reopened by a later date, then the first dates back (the
    closing passed again): the sweep's second telling of that closing is sent, though the
    first went under the same closing within the mailer's 30-day claim; the same job
    delivered again sends nothing."""
    start, closes, first, _ = two_waiting(system)
    first_back = system.one_session_file(
        programme="compassionate-leadership",
        facilitators=["facilitator@example.org"],
        offer_valid_hours=48,
    )
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        assert sorted(told_by_address(system, CLOSED)) == sorted(WAITING)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        assert sorted(told_by_address(system, REOPENED)) == sorted(WAITING)
        assert saved_closing(system, first_back) == closes  # the first closing holds again, passed
        assert system.status_of(first)["wait_ended"] is True
        assert sweep(system.ports, closes + timedelta(minutes=5)).waits_ended == 2
        jobs = queued(system, EmailKind.WAIT_ENDED)
        assert len(jobs) == 2, [job.job_id for job in jobs]
        told = told_by_address(system, CLOSED)
        assert {a: len(m) for a, m in told.items()} == dict.fromkeys(WAITING, 1)
        # Delivered again: the claim holds it.
        assert send_email_job(system.ports, jobs[-1]) is SendOutcome.DUPLICATE
        assert told_by_address(system, CLOSED) == {}
