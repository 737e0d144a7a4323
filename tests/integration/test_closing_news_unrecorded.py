"""News of a closing that went but whose history entry was never written: the
mailer adds a sent email to the application's history as best effort, after SES took it and
its claim was recorded, so a "closed" (or a reopen) may go with no entry. The mailer's check of
the next such news reads "went" from the claim as well as the history, so a "closed" that went
unrecorded is answered by the reopen when the dates move later, and a reopen that went
unrecorded is followed by the "closed" of the later closing; while the "closed" is being sent,
the reopen waits for it. Through the real handlers, the
mailer's claims in moto, the history write failing at the repository's seam, the clock frozen
(time-machine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from booking.domain.emails import EmailKind
from booking.domain.offer_ends import CLOSING_NEWS
from booking.domain.timeline import EntryKind, TimelineEntry
from booking.services.email_claims import EmailInFlight
from booking.services.lifecycle import sweep
from booking.services.mailer import send_email_job
from booking.services.ports import EmailClaim
from tests.support.closing import (
    CLOSED,
    REOPENED,
    WAITING,
    counted,
    queued,
    saved_closing,
    small_course_moved,
    told_by_address,
    two_waiting,
)
from tests.support.system import System
from tests.support.throttled import throttled


def _closing_news(application_id: str, entry: TimelineEntry) -> bool:
    return entry.email in CLOSING_NEWS


@contextmanager
def closing_news_unrecorded(system: System, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While held, every send of news of a closing is left out of the history, as DynamoDB
    throttling the mailer's best-effort write would leave it (other entries are written)."""
    repository = system.ports.repository
    add = throttled(repository.add_to_timeline, _closing_news)
    with monkeypatch.context() as patched:
        patched.setattr(repository, "add_to_timeline", add)
        yield


def recorded_news(system: System, *waiting: Any) -> list[list[EmailKind | None]]:
    """The news of a closing each of ``waiting`` has in their application's history."""
    read = system.ports.repository.application_with_timeline
    histories = [read(application["application_id"])[1] for application in waiting]
    return [
        [e.email for e in history if e.kind is EntryKind.EMAIL and e.email in CLOSING_NEWS]
        for history in histories
    ]


def test_a_closed_that_went_unrecorded_is_answered_by_the_reopen(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, closes, *waiting = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        with closing_news_unrecorded(system, monkeypatch):
            assert counted(told_by_address(system, CLOSED)) == dict.fromkeys(WAITING, 1)
        assert recorded_news(system, *waiting) == [[], []]
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        assert counted(told_by_address(system, REOPENED)) == dict.fromkeys(WAITING, 1)


def test_a_reopen_that_went_unrecorded_is_followed_by_the_later_closed(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, closes, *waiting = two_waiting(system)
    first = waiting[0]
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        assert counted(told_by_address(system, CLOSED)) == dict.fromkeys(WAITING, 1)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        later = saved_closing(system, small_course_moved(system, start, 1))
        with closing_news_unrecorded(system, monkeypatch):
            assert counted(told_by_address(system, REOPENED)) == dict.fromkeys(WAITING, 1)
        closed_only = [EmailKind.WAIT_ENDED]
        assert recorded_news(system, *waiting) == [closed_only, closed_only]
    with time_machine.travel(later, tick=False):
        assert sweep(system.ports, later).waits_ended == 2
        assert counted(told_by_address(system, CLOSED)) == dict.fromkeys(WAITING, 1)
        assert system.status_of(first)["wait_ended"] is True


def test_a_reopen_waits_while_its_closed_is_being_sent_and_neither_goes_if_it_died(
    system: System,
) -> None:
    """The "closed" claimed by a delivery at work (``sending``) when the reopen is reached: the
    reopen is put back on the queue, not dropped. That delivery died before SES (its claim is
    older than the mailer's claim timeout by the next try): neither goes, as for a reopen that
    overtook its "closed" (the person still waits on a list open, as they last heard)."""
    start, closes, first, _ = two_waiting(system)
    with time_machine.travel(closes, tick=False):
        assert sweep(system.ports, closes).waits_ended == 2
        closed = queued(system, EmailKind.WAIT_ENDED)
        assert len(closed) == 2
        for job in closed:  # a delivery at work on each, before SES
            claim = system.ports.repository.claim_email(job.job_id, closes, closes)
            assert claim is EmailClaim.CLAIMED
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        reopens = queued(system, EmailKind.WAIT_REOPENED)
        assert len(reopens) == 2
        for job in reopens:
            with pytest.raises(EmailInFlight):
                send_email_job(system.ports, job)
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        told = told_by_address(system, "")  # every job done: none put back on the queue
        assert [address for address in told if address in WAITING] == []
        assert system.status_of(first)["wait_ended"] is False
