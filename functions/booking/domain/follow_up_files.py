"""What saving a cohort's file does to the programme's follow-ups that the organiser should
hear of before, or as, it is saved: a follow-up without an ``id`` that the file seems to move
(saved, and warned of), a time zone change that would move the follow-ups the cohort shares
with others (refused: ``zone_change_refusal``), and a save that would silently give a shared
follow-up another joining link (refused: ``link_change_refusal``), and one that sends the
replies to a shared follow-up's messages to another address (said: ``replies_moved``).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking.domain.course import Course, CourseDefinition, ScheduledSession, SessionKind
from booking.domain.programme import FollowUpEvent, follow_up_events, programme_of, same_form
from booking.domain.wording import cohort_name, session_when

# A follow-up without an id taken out of a file and one without an id put in closer than this
# look like one moved (they are monthly): without an id it became another event.
MOVE_WITHOUT_ID_WINDOW = timedelta(days=28)


def moved_without_id(before: CourseDefinition, after: CourseDefinition) -> list[ScheduledSession]:
    """The follow-ups without an ``id`` that ``after`` seems to move: each taken out of the
    file with one (also without an id) put in within :data:`MOVE_WITHOUT_ID_WINDOW` of it,
    paired nearest first. Known by its start, such a follow-up cannot move: the new start is
    a new event (and the old one, if no other file lists it, is cancelled). Soonest first."""
    old = {s.key: s for s in _unnamed_follow_ups(before)}
    new = {s.key: s for s in _unnamed_follow_ups(after)}
    dropped = [s for key, s in old.items() if key not in new]
    added = [s for key, s in new.items() if key not in old]
    moved = []
    for session in sorted(dropped, key=lambda s: s.start):
        near = [s for s in added if abs(s.start - session.start) <= MOVE_WITHOUT_ID_WINDOW]
        if near:
            added.remove(min(near, key=lambda s: abs(s.start - session.start)))
            moved.append(session)
    return moved


def _unnamed_follow_ups(definition: CourseDefinition) -> list[ScheduledSession]:
    named = {s.id for s in definition.sessions if s.id}
    return [
        s for s in definition.schedule() if s.kind is SessionKind.FOLLOW_UP and s.key not in named
    ]


def zone_change_refusal(
    course: Course, definition: CourseDefinition, others: Iterable[Course]
) -> tuple[str, str] | None:
    """Why ``definition`` may not replace ``course``'s file, as (what the organiser reads, what
    is said beside ``timezone``), or None.

    A file's times are read in its time zone, and a follow-up the cohort shares with other
    cohorts of the programme is one event with one time: saved in another zone with the same
    wall-clock times, the cohort's listing would move it for every cohort (the latest word
    wins), worded in a clock none of them chose. So a zone change that moves a
    shared follow-up the file keeps listing is refused; one whose shared follow-ups are given
    in the new zone at the same moments (or taken out of the file) moves nothing and is saved.
    The cohort's own sessions, and follow-ups no other cohort lists, are its own to move."""
    was, now = course.definition.timezone, definition.timezone
    if was == now:
        return None
    shared = _shared(definition.programme or course.course_id, course.course_id, others)
    before = {s.key: s for s in course.schedule if s.kind is SessionKind.FOLLOW_UP}
    before = {key: s for key, s in before.items() if key in shared}
    moved = [
        before[s.key]
        for s in definition.schedule()
        if s.key in before and (s.start, s.end) != (before[s.key].start, before[s.key].end)
    ]
    if not moved:
        return None
    return _zone_refusal(moved, was, now)


def _zone_refusal(moved: list[ScheduledSession], was: str, now: str) -> tuple[str, str]:
    """The refusal's words: each shared follow-up's time in ``now``, if the file can state it
        there; one that would cross midnight there cannot be written (a session's end is on its
        start's day), so it is to be taken out of this file, the other cohorts still listing it
    ."""
    fits = [s for s in moved if _on_one_day(s, now)]
    crossing = [s for s in moved if s not in fits]
    ways = [f"Keep the time zone {was}"]
    if fits:
        said = "; ".join(
            f"{s.title}, {session_when(s, was)}, is {_wall_clock(s, now)} in {now}" for s in fits
        )
        ways.append(f"give them their times in {now} so that they stay where they are ({said})")
    if crossing:
        said = "; ".join(f"{s.title}, {session_when(s, was)}" for s in crossing)
        ways.append(
            f"take out of this cohort's file the follow-ups that would cross midnight in {now}, "
            f"which no file in that zone can state (the other cohorts still list them: {said})"
        )
    short = [f"keep {was}"]
    if fits:
        short.append(f"give the shared follow-ups their times in {now}")
    if crossing:
        short.append(f"take out of this file the ones crossing midnight in {now}")
    return (
        f"this cohort's file lists follow-ups other cohorts of the programme share, and a "
        f"file's times are read in its time zone: saved in {now} as they are, they would move "
        f"for every cohort. {', or '.join(ways)}",
        ", or ".join(short),
    )


def _on_one_day(session: ScheduledSession, timezone: str) -> bool:
    """Whether a file in ``timezone`` can state ``session``: it starts and ends on one day
    there (an end at midnight is the next day's, which the format refuses)."""
    zone = ZoneInfo(timezone)
    return session.start.astimezone(zone).date() == session.end.astimezone(zone).date()


def _shared(programme: str, course_id: str, others: Iterable[Course]) -> set[str]:
    """The keys of the follow-ups another cohort of ``programme`` lists."""
    return {
        s.key
        for other in others
        if other.course_id != course_id and programme_of(other) == programme
        for s in other.schedule
        if s.kind is SessionKind.FOLLOW_UP
    }


def _wall_clock(session: ScheduledSession, timezone: str) -> str:
    """ "23 September 2027, 11:00-12:00": a session's day and times in ``timezone``."""
    zone = ZoneInfo(timezone)
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    return f"{start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M}"


def link_change_refusal(
    saved: Course, previous: Course | None, others: Iterable[Course], now: datetime
) -> tuple[str, str] | None:
    """Why ``saved`` (a cohort's file as it would be saved over ``previous``) may not be saved,
    as (what the organiser reads, what is said beside ``joining_url``), or None.

    A follow-up shared by cohorts is one meeting, so one joining link: its host's
    (``domain.programme``), which its people's emails and calendars carry. A save that leaves
    the follow-up as it was but makes this cohort its host in another's place (an earlier
    cohort added: the host is the first-started) would move everyone's calendar entry to this
    cohort's link without a word. So where the link would change that way before the
    follow-up has ended (a meeting under way is being joined by its link: a cohort joining it
    a minute after its start took it over), the save is refused, naming the follow-up and the
    cohort whose link stands. A change the
    save makes to the follow-up itself (moved, renamed) is told to everyone holding it, with
    its link as it is then; a host changing its own link is its own to change. Not refused: a
    cohort's file that stops listing a follow-up it hosted (the next cohort hosts it, with its
    link: README *Shared follow-ups: one link*)."""
    others = list(others)
    was_listed = [*others, previous] if previous else others
    before = {(e.programme, e.key): e for e in follow_up_events(was_listed)}
    for event in follow_up_events([*others, saved]):
        was = before.get((event.programme, event.key))
        # Refused until the meeting has ended: one under way is being joined by its link.
        if was is None or event.host.course_id != saved.course_id or event.session.end <= now:
            continue
        if _link_moved(was, event):
            return _link_refusal(was, event)
    return None


def _link_moved(was: FollowUpEvent, now: FollowUpEvent) -> bool:
    """Whether ``now`` (the event as a save leaves it) carries another link than ``was`` only
    because another cohort hosts it."""
    if was.host.course_id == now.host.course_id or not same_form(was.session, now.session):
        return False
    link = was.host.definition.joining_url
    return link is not None and str(link) != str(now.host.definition.joining_url or "")


def _link_refusal(was: FollowUpEvent, now: FollowUpEvent) -> tuple[str, str]:
    link = str(was.host.definition.joining_url)
    timezone = was.host.definition.timezone
    shared = (
        f"The follow-up {was.session.title}, {session_when(was.session, timezone)}, is shared "
        f"with {cohort_name(was.host)}, whose joining link {link} its people hold"
    )
    ways = f"give this course the joining link {link}, or give the follow-up an id of its own"
    return (
        f"{shared}: a shared follow-up is one meeting with one link, and saved as it is, "
        f"this course would give it {_link_of(now)} for everyone. {ways[0].upper()}{ways[1:]} "
        "(a meeting of its own)",
        f"{shared}: {ways}",
    )


def _link_of(event: FollowUpEvent) -> str:
    link = event.host.definition.joining_url
    return f"the link {link}" if link else "no link"


def replies_moved(
    saved: Course, previous: Course | None, others: Iterable[Course], now: datetime
) -> list[FollowUpEvent]:
    """The follow-ups, not ended yet, whose invitations and reminders a save gives another
    Reply-To, soonest first: their host's enquiries address. A cohort that takes over hosting
    a shared follow-up (started earlier, with the same joining link: another link is refused,
    ``link_change_refusal``), one that stops listing a follow-up it hosted, or a host changing
    its own address each send every graduate's replies elsewhere, which nothing else says; so
    the save says it (:func:`replies_moved_said`), never refusing it: a reply is not a
    meeting under way, and the messages already sent keep the address they went with."""
    others = list(others)
    was_listed = [*others, previous] if previous else others
    before = {(e.programme, e.key): e for e in follow_up_events(was_listed)}
    return [
        event
        for event in follow_up_events([*others, saved])
        if (was := before.get((event.programme, event.key))) is not None
        and event.session.end > now
        and _replies_to(was) != _replies_to(event)
    ]


def _replies_to(event: FollowUpEvent) -> str:
    return str(event.host.definition.enquiries_email or "").lower()


def replies_moved_said(event: FollowUpEvent) -> str:
    """ "Replies to the invitations and reminders for the follow-up ... will now go to ...":
    what a save that moved them says (:func:`replies_moved`), naming the cohort hosting it."""
    host = event.host.definition
    follow_up = f"{event.session.title}, {session_when(event.session, host.timezone)}"
    where = (
        f"{host.enquiries_email}, the enquiries address of {cohort_name(event.host)}, which "
        "hosts it"
        if host.enquiries_email
        else f"the address they are sent from: {cohort_name(event.host)}, which hosts it, "
        "has no enquiries address"
    )
    return (
        f"Replies to the invitations and reminders for the follow-up {follow_up}, will now go "
        f"to {where}."
    )


def joining_rows(definition: CourseDefinition, previous: Course | None) -> list[int]:
    """The rows of ``definition`` that name an event the cohort's file as stored
    (``previous``; None for a cohort being added) does not list as a follow-up: rows joining
    an event, never the cohort's own word about one it lists. A row names an event by its id,
    or, a follow-up without one, by its start (as the programme knows it: a new cohort's
    follow-up listed without an id at another cohort's follow-up's start, with another end
    or title, moved and renamed it for that cohort's people, unwarned)."""
    listed = (
        {s.key for s in previous.schedule if s.kind is SessionKind.FOLLOW_UP} if previous else set()
    )
    keys = row_keys(definition)
    return [
        n
        for n, s in enumerate(definition.sessions)
        if (s.id or s.kind is SessionKind.FOLLOW_UP) and keys[n] not in listed
    ]


def row_keys(definition: CourseDefinition) -> list[str]:
    """Each row's key (``CourseDefinition.schedule``), in the file's order: the schedule is
    the rows put in time by their date and start, in a stable sort."""
    rows = definition.sessions
    in_time = sorted(range(len(rows)), key=lambda n: (rows[n].date, rows[n].start_time))
    keys = [""] * len(rows)
    for n, scheduled in zip(in_time, definition.schedule(), strict=True):
        keys[n] = scheduled.key
    return keys


def with_event_titles(
    course_id: str, definition: CourseDefinition, others: Iterable[Course], previous: Course | None
) -> CourseDefinition:
    """``definition`` with each follow-up row that joins an event (``joining_rows``) and has
    no title given the event's title: left empty, it took the default "Follow-up session"
    and renamed the event for every cohort listing it. The one rule for every save."""
    events = _events(definition.programme or course_id, others)
    sessions = list(definition.sessions)
    keys = row_keys(definition)
    for n in joining_rows(definition, previous):
        row = sessions[n]
        event = events.get(keys[n])
        if event is not None and row.kind is SessionKind.FOLLOW_UP and not row.title:
            sessions[n] = row.model_copy(update={"title": event.session.title})
    if sessions == list(definition.sessions):
        return definition
    return definition.model_copy(update={"sessions": sessions})


def _events(programme: str, others: Iterable[Course]) -> dict[str, FollowUpEvent]:
    return {e.key: e for e in follow_up_events(others) if e.programme == programme}


def joining_refusal(
    course_id: str,
    definition: CourseDefinition,
    others: Iterable[Course],
    previous: Course | None = None,
) -> tuple[str, dict[str, str]] | None:
    """Why a cohort's file (``definition``, saved under ``course_id`` over ``previous``, None
    for a cohort being added) may not be saved, as (what the organiser reads, what is said
    beside each refused field, ``sessions.<n>.<field>``), or None.

    A follow-up listed by its id is the programme's event: the latest word about it moves or
    renames it for every cohort and emails their people (``domain.programme``). A cohort
    joining such an event (being added, or an existing cohort's file given its id) joins it
    as it is, never changes it (*Add the next cohort* with a follow-up typed an hour out moved
    the earlier cohort's session and emailed its people, unwarned; an existing cohort's row
    given its id renamed it and took it over as its host, its messages then without the
    link). So a joining row naming an event with another date, times or title is refused,
    naming the cohorts that list it and the event as it is; moving or renaming it is done on
    one of those cohorts' *Change this course*, which says before how many people it emails.
    A joining core row naming such an event is refused beside its kind. A cohort's own save
    of a follow-up its file lists is its own word. The one rule for the console and the API."""
    events = _events(definition.programme or course_id, others)
    keys = row_keys(definition)
    joining = {keys[n]: n for n in joining_rows(definition, previous)}
    fields: dict[str, str] = {}
    for session in definition.schedule():
        event = events.get(session.key)
        if event is None or session.key not in joining:
            continue
        row = joining[session.key]
        if session.kind is not SessionKind.FOLLOW_UP:
            # The event's id on a core row would run the cohort until the follow-up's day,
            # its people graduating only then, and join nothing.
            fields[f"sessions.{row}.kind"] = _core_said(event)
        elif not same_form(event.session, session):
            field = _differing(event.session, session, definition.timezone)
            named = definition.sessions[row].id is not None
            said = _joining_said(event, others, definition.timezone, named=named)
            fields[f"sessions.{row}.{field}"] = said
    if not fields:
        return None
    return "; ".join(fields.values()), fields


def _core_said(event: FollowUpEvent) -> str:
    return (
        f'This row\'s id {event.key} is the follow-up "{event.session.title}" of the '
        "programme, but the row is a core session: set its Kind to Follow-up to join it, or "
        "clear the id to make a core session of this cohort's own."
    )


def _differing(held: ScheduledSession, typed: ScheduledSession, timezone: str) -> str:
    """The field a row differing from the event it names is refused beside."""
    if held.local_start(timezone).date() != typed.local_start(timezone).date():
        return "date"
    if held.start != typed.start:
        return "start_time"
    return "end_time" if held.end != typed.end else "title"


def _joining_said(
    event: FollowUpEvent, others: Iterable[Course], timezone: str, *, named: bool
) -> str:
    """Why a joining row differing from ``event`` is refused; ``named``: the row gives the
    event's id, else it is known by its start, as a follow-up without an id is."""
    listing = [
        c
        for c in others
        if programme_of(c) == event.programme
        and any(s.key == event.key for s in c.definition.schedule())
    ]
    cohorts = " and ".join(cohort_name(c) for c in listing) or cohort_name(event.host)
    when = session_when(event.session, timezone)
    if named:
        which = f"This follow-up's id {event.key} is the follow-up"
        own = "clear the id"
    else:
        which = (
            "This follow-up has no id, so it is known by its start, and it starts with the "
            "follow-up"
        )
        own = "give the row an id of its own"
    return (
        f'{which} "{event.session.title}" of {cohorts}, on {when} as it is now. A cohort '
        "joins it as it is: give this row that date, those times and that title (a title "
        f"left empty takes it), or {own} to make a meeting of this cohort's own. Moving or "
        f"renaming it is done on the Change this course page of {cohorts}, which says before "
        "how many people it emails"
    )
