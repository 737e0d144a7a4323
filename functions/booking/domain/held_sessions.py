"""A cohort's core sessions as its attendees hold them: what the "Changed dates" message tells
each of them, and the one move of a core session nobody could follow.

What an attendee holds is recorded **per person**, as a follow-up's is (``TOLD#`` items, written
by the mailer as each message goes: ``services.mailer._record_told``), not per cohort on the
course record: attendees are sent their sessions at different times (a confirmation goes when
each one pays, maybe between two saves of the file), and a message can fail or be skipped for
one of them, so no one record of the cohort says what every calendar holds. The ledger keeps
what the message itself put in the calendar, so it cannot drift from it.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from booking.domain.invitations import Told
from booking.domain.schedule_changes import ScheduleChanges
from booking.domain.sessions import ScheduledSession, SessionKind, retitled

# When a session starts and ends (a calendar's times, without its title).
StartEnd = tuple[datetime, datetime]


def _start_end(told: Told) -> StartEnd:
    # A record may also carry the title the calendar entry was given (a follow-up's own title,
    # ``domain.invitations.Told``); a core session's entry is titled for the calendar, not as
    # the file names it, so only its times are compared here.
    return (told.start, told.end)


def session_about(course_id: str, key: str) -> str:
    """How the record of whom a cohort's own session was sent to names it."""
    return f"SESSION#{course_id}#{key}"


def session_named(about: str) -> tuple[str, str] | None:
    """(course id, session key) of a record named by ``session_about``; None for another."""
    parts = about.split("#")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "SESSION" else None


def moved_on(
    sent: Mapping[str, Told], schedule: Iterable[ScheduledSession], now: datetime
) -> ScheduleChanges | None:
    """What the cohort's file says now (``schedule``) that a message just sent did not put in
    the calendar (``sent``: session key -> what it put in): a save made while the message was
    being composed and sent, which that save's own "Changed dates" may have judged already
    told. Each core session still to come not put in as the file now has it,
    and each put in that the file no longer lists. None when the message sent the file as
    it is."""
    listed = {s.key: s for s in schedule if s.kind is SessionKind.CORE}
    news = {k: _put_in_as(s, sent.get(k)) for k, s in listed.items() if s.start > now}
    changed = tuple(k for k, word in news.items() if word is not None)
    removed = tuple(k for k in sent if k not in listed)
    if not (changed or removed):
        return None
    moved = "retimed" in news.values() or bool(removed)
    return ScheduleChanges(changed=changed, removed=removed, renamed_only=not moved)


def _put_in_as(session: ScheduledSession, sent: Told | None) -> str | None:
    # "retimed" (not put in, or at another time), "renamed", or None (put in as it is).
    if sent is None or _start_end(sent) != (session.start, session.end):
        return "retimed"
    return "renamed" if retitled(sent.title or session.title, session.title) else None


def dates_as_held(
    dates: ScheduleChanges,
    before: Iterable[ScheduledSession],
    after: Iterable[ScheduledSession],
    held: Mapping[str, Told],
    now: datetime,
) -> ScheduleChanges | None:
    """``dates`` (the "Changed dates" message of a save: ``domain.programme.changed_dates``) as
    one attendee sees it: each core session still to come counted as changed from the start and
    end their calendar was last sent (``held``: session key -> span, where recorded), not from
    the file saved before, which may be a slip nobody was told of. Where nothing is recorded
    (a message from before the record was kept), the files' change stands. None when it leaves
    everything they hold as it is: sessions moved back to where they hold them are no news.

    ``before``, ``after``: the cohort's sessions before and after the save."""
    was = {s.key: s for s in before}
    core = [s for s in after if s.kind is SessionKind.CORE and s.start > now]
    news = {s.key: _news(s, was.get(s.key), held.get(s.key), dates) for s in core}
    follow_ups = _follow_ups_changed(dates, core, was.values())
    return _worded(dates, news, tuple(follow_ups), dates.removed)


def _follow_ups_changed(
    dates: ScheduleChanges, core: Iterable[ScheduledSession], before: Iterable[ScheduledSession]
) -> list[str]:
    # The save's changes that are not the cohort's own sessions (its follow-ups): the file's
    # change stands for them (their own notices count from each calendar: services.follow_ups).
    keys = {s.key for s in core} | {s.key for s in before if s.kind is SessionKind.CORE}
    return [k for k in dates.changed if k not in keys]


def _news(
    session: ScheduledSession,
    old: ScheduledSession | None,
    told: Told | None,
    dates: ScheduleChanges,
) -> str | None:
    """What ``session`` (still to come) is to one attendee: "retimed" (not where their calendar
    holds it), "renamed" (where they hold it, under a new title), or None (no news)."""
    if told is None and session.key not in dates.changed:
        return None
    span = _start_end(told) if told is not None else (old.start, old.end) if old else None
    if span != (session.start, session.end):
        return "retimed"
    if old is not None and (old.start, old.end) == span and retitled(old.title, session.title):
        # Titles are not compared from the record: the file before says the one they hold
        # where its time agrees with their calendar (a slip's titles, numbered by time, were
        # never sent).
        return "renamed"
    return None


def update_as_held(
    queued: ScheduleChanges,
    schedule: Iterable[ScheduledSession],
    held: Mapping[str, Told],
    holds: Mapping[str, bool],
    now: datetime,
    *,
    link: str | None = None,
) -> ScheduleChanges | None:
    """A queued "Changed dates" (``queued``: what its save changed, counted then) worded as the
    mailer sends it, against what the person's calendar holds then: a later save
    may have put back what this one changed before either message went. Each core session
    still to come in ``schedule`` (the cohort's sessions now) is news when not where their
    calendar holds it (``held``: key -> what was last sent), or back after a message took it
    out; one taken out of the file is news only to someone holding it (``holds``: key -> in
    their calendar, False: taken out, for every key sent them). None when nothing differs.

    The follow-ups the message carries stand as queued (their own notices count from each
    calendar: ``services.follow_ups``). With nothing recorded for the person (a calendar sent
    before the record was kept), the message stands as queued."""
    if not holds:
        return queued
    listed = {s.key: s for s in schedule}
    if queued.relinked and link is not None:
        # ``link``: the cohort's joining link now; news only where a session still to come
        # was last sent with another, or its link was not recorded (a link
        # changed and put back before either message went told "has changed" to the link
        # they had).
        queued = replace(queued, relinked=_link_news(listed.values(), held, link, now))
    news = _core_news(listed.values(), held, holds, queued, now)
    own = set(news) | set(queued.removed)
    follow_ups = tuple(k for k in queued.changed if k not in own and k in listed)
    removed = tuple(k for k in queued.removed if k not in listed and holds.get(k))
    return _worded(queued, news, follow_ups, removed)


def _link_news(
    sessions: Iterable[ScheduledSession], held: Mapping[str, Told], link: str, now: datetime
) -> bool:
    """Whether ``link`` is news to one person: a core session still to come whose calendar
    entry was sent with another link, or with none recorded."""
    return any(
        (told := held.get(s.key)) is None or told.link != link
        for s in sessions
        if s.kind is SessionKind.CORE and s.start > now
    )


def _core_news(
    sessions: Iterable[ScheduledSession],
    held: Mapping[str, Told],
    holds: Mapping[str, bool],
    queued: ScheduleChanges,
    now: datetime,
) -> dict[str, str | None]:
    """Each core session still to come (in the schedule's order) -> its news to one person."""
    return {
        s.key: _as_sent(s, held.get(s.key), holds.get(s.key), queued)
        for s in sessions
        if s.kind is SessionKind.CORE and s.start > now
    }


def _worded(
    queued: ScheduleChanges,
    news: Mapping[str, str | None],
    follow_ups: tuple[str, ...],
    removed: tuple[str, ...],
) -> ScheduleChanges | None:
    """``queued`` (a "Changed dates" message) as it stands for one person: ``news``, each
    core session still to come (in the schedule's order) -> what it is to them (None: no
    news); the follow-ups and the sessions it still changes and removes for them. None when
    nothing differs for them."""
    ordered = tuple(key for key, word in news.items() if word is not None)
    if not (ordered or follow_ups or removed or queued.removed_follow_ups or queued.relinked):
        return None
    moved = "retimed" in news.values() or bool(removed or queued.removed_follow_ups)
    return ScheduleChanges(
        changed=tuple(dict.fromkeys((*ordered, *follow_ups))),
        removed=removed,
        removed_follow_ups=queued.removed_follow_ups,
        # Renamed only when nothing they hold moved, came or went.
        renamed_only=bool(ordered or follow_ups)
        and not moved
        and (queued.renamed_only or not follow_ups),
        relinked=queued.relinked,
    )


def _as_sent(
    session: ScheduledSession, told: Told | None, holds: bool | None, queued: ScheduleChanges
) -> str | None:
    """What ``session`` (still to come) is to one person as the message goes: "retimed" (not
    where their calendar holds it, or not in it), "renamed" (where they hold it, under another
    title than the one sent), or None (no news)."""
    if told is None:
        # Taken out since (a removal told), or never sent: news when the save put it there.
        return "retimed" if holds is False or session.key in queued.changed else None
    if _start_end(told) != (session.start, session.end):
        return "retimed"
    if told.title is not None:
        return "renamed" if retitled(told.title, session.title) else None
    # A record from before titles were kept: the save's own word on it.
    return "renamed" if session.key in queued.changed and queued.renamed_only else None
