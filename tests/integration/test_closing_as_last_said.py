"""A reopened waiting list told the closing that holds from what its last news said: the saves
decide from the closing the last news gone to each person named
(their history), the mailer drops news whose closing no longer holds or whose "earlier" is not
earlier than what they were last told, and after each such news goes the person is told a
closing that is earlier by then. Through the real handlers and the mailer, the clock frozen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from booking.domain.emails import OutgoingEmail
from booking.domain.wording import moment_when
from tests.support.closing import (
    EARLIER,
    REOPENED,
    WAITING,
    saved_closing,
    small_course_moved,
    told_by_address,
    told_closed,
)
from tests.support.races import as_an_email_is_sent
from tests.support.system import System


def _closed_then(system: System) -> tuple[datetime, datetime]:
    """The small course full with two waiting, both told applications closed: its start and
    a moment five minutes after its closing."""
    start, closes = told_closed(system)
    return start, closes + timedelta(minutes=5)


def _names(messages: list[OutgoingEmail], closing: datetime, zone: str) -> bool:
    return all(moment_when(closing, zone) in " ".join(m.text.split()) for m in messages)


def _each_told_once(system: System, subject: str, closing: datetime) -> None:
    """Everyone waiting told of the dates now once, in an email whose subject begins
    ``subject`` and which names ``closing``."""
    zone = system.course("small")["timezone"]
    told = told_by_address(system, "The dates have moved")
    assert {a: len(m) for a, m in told.items()} == dict.fromkeys(WAITING, 1)
    assert all(m[0].subject.startswith(subject) for m in told.values())
    assert all(_names(m, closing, zone) for m in told.values())


def test_a_reopen_overtaken_by_a_later_move_before_the_mailer_names_the_closing_that_holds(
    system: System,
) -> None:
    """Reopened to C2, then moved later to C3 before the mailer ran: the C2 job is
    dropped (its closing no longer holds) and nobody was told C3. Now one reopen, naming C3."""
    start, after = _closed_then(system)
    with time_machine.travel(after, tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        later = saved_closing(system, small_course_moved(system, start, 10))
        _each_told_once(system, REOPENED, later)


def test_a_closing_brought_earlier_then_later_again_before_the_mailer_is_told_as_it_holds(
    system: System,
) -> None:
    """Told the list reopened to C1 and then "close earlier" at C2; a save then
    brought it to C3 and at once another to C4 (C3 < C4 < C2) before the mailer ran: the C3
    news was recorded as told (the C4 save, "later" than it, said nothing) and went after the
    C4 save, naming a closing the course no longer had. Now one email, naming C4."""
    start, after = _closed_then(system)
    with time_machine.travel(after, tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        assert sorted(told_by_address(system, REOPENED)) == sorted(WAITING)
        saved_closing(system, small_course_moved(system, start, 5))
        assert sorted(told_by_address(system, EARLIER)) == sorted(WAITING)
        saved_closing(system, small_course_moved(system, start, 2))
        holds = saved_closing(system, small_course_moved(system, start, 3))
        _each_told_once(system, EARLIER, holds)
        # Later again: nothing said; back to what they hold: nothing.
        saved_closing(system, small_course_moved(system, start, 4))
        saved_closing(system, small_course_moved(system, start, 3))
        assert told_by_address(system, "The dates have moved") == {}


def test_a_closing_brought_earlier_while_a_reopen_is_being_sent_is_told_after_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save lands after the reopen naming C2 went to SES and before it is in the
    person's history: the save decides from what they were told before (closed), queues a
    reopen for the earlier C3, which the mailer drops (a reopen after a reopen); after the C2
    news went, the mailer's own step tells them C3 is earlier ("close earlier")."""
    start, after = _closed_then(system)
    with time_machine.travel(after, tick=False):
        saved_closing(system, small_course_moved(system, start, 7))
        with as_an_email_is_sent(
            monkeypatch,
            lambda: saved_closing(system, small_course_moved(system, start, 4)),
            lambda message: message.subject.startswith(REOPENED),
        ) as fired:
            first = told_by_address(system, "The dates have moved")
        told = told_by_address(system, "The dates have moved")
        zone = system.course("small")["timezone"]
    [sooner] = fired
    for person in WAITING:
        theirs = [*first.get(person, []), *told.get(person, [])]
        assert _names(theirs[-1:], sooner, zone), (person, [m.subject for m in theirs])
        if not _names(theirs[:1], sooner, zone):  # the reopen that went as the save landed
            assert [m.subject.startswith(EARLIER) for m in theirs] == [False, True], person
