"""The scheduled run (``scheduled_run``): every reminder that is due queued, exactly once,
first; then the sweep and what erasures still owe at Stripe (``services.sweep``), which may
wait on Stripe while no reminder must.

The reminders, per run (``dispatch_reminders``):

1. Re-queue reminders a crashed run claimed but never queued (a sparse index, normally empty).
   A run still at work between its claims and its queueing looks the same: runs at the same
   moment may queue one job two or three times, under one id, which the mailer claims before
   SES is called, so it is sent once (tests/integration/test_overlapping_runs_send_once.py).
2. Read the sessions starting within the planning window from the SESSIONS index (no scan),
   plan each course's due reminders (``domain.reminders``), and for each recipient claim the
   reminder with a conditional put *before* queueing it. A claim that already exists means
   another run (a duplicated or retried tick) owns it: skip.
3. Queue the claimed jobs in batches of 10, then mark them ``queued``. A crash between claim and
   queue leaves them ``claimed`` for step 1 of the next run; a crash between queue and mark
   re-queues a job the mailer then de-duplicates by job id. Either way no reminder is lost and
   none is sent twice.

Who gets what: a core session's reminders go to its course's confirmed attendees, one per
booking. A follow-up is the programme's event (``domain.programme``), however many cohorts list
it: its invitation and reminders go to the programme's graduates, one per person, with the host
cohort's details, at the offsets of each person's own cohort. Every claim and job names what it
is about: the course or programme event, the session by its stable key and its start, the
person and the offset; a moved session is reminded
again at its new time unless that offset's reminder already went in time for it
(``domain.reminders.still_reminds``: the ledger refuses the claim). An invitation's claim names
no start: one per person and event wherever it moves (those already invited hear of a move from
``services.follow_ups``, not a second invitation). An invitation that goes when a reminder of
its event is due (invited late: their cohort just ended, or the runs were out) is that
reminder: it says how soon, its job is claimed for both (``services.reminder_claims``, the rule
*Invite now* claims by too), and queued once; a graduate is never reminded before being
invited, nor twice, nor missed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, SessionKind
from booking.domain.emails import EmailJob
from booking.domain.programme import (
    FollowUpEvent,
    follow_up_events,
    graduates,
    programme_of,
)
from booking.domain.reminders import (
    MAX_LOOKAHEAD,
    due_reminders,
    invitation_due,
)
from booking.domain.run_time import refuse_if_ahead
from booking.services.ports import Ports, QueueUnavailable, ReminderMarker
from booking.services.reminder_claims import ReminderClaims
from booking.services.sweep import erasures_at_provider, sweep  # every run: loaded at init

logger = Logger(child=True)
# Jobs are queued in groups of this many (SQS takes at most 10 per batch call).
QUEUE_BATCH = 10


def scheduled_run(ports: Ports, now: datetime) -> dict[str, int]:
    """What the schedule (every 15 minutes) does: the reminders due are queued first, then
    the sweep (holds whose time is up released, their seats offered to the waiting list, acts
    left half done completed), then the reminders the sweep made due, then what erasures still
    owe at Stripe. The sweep and the erasures may wait on Stripe (a lapsed hold's checkout is
    expired there first), and no reminder due before them must wait on it: reminders go to
    confirmed bookings only, which the sweep never takes a place from (the mailer reads each
    booking again before it sends). A booking the sweep confirms or moves onto another course
    is reminded in the same run, after it (:func:`remind_swept`): the next run may come after
    its session has begun. Stripe is asked briefly (``Ports.brief_at_the_provider``: a short
    timeout, and nothing more once it is silent), so a Stripe that hangs costs the run
    seconds, not its Lambda timeout. A time ahead of the ports' clock is refused before
    anything is read (``domain.run_time``): the schedule may run late, never early."""
    refuse_if_ahead(now, ports.clock())
    # Everything this run decides is decided as of the event's time.
    ports = ports.at(now).brief_at_the_provider()
    dispatched = Counter(dispatch_reminders(ports, now))
    swept = sweep(ports, now)
    dispatched.update(remind_swept(ports, now, swept.saved))
    return {
        **dispatched,
        "holds_released": swept.holds_released,
        "emails_relayed": swept.emails_relayed,
        "offers_made": swept.offers_made,
        "waits_ended": swept.waits_ended,
        "stripe_searches_made": erasures_at_provider(ports, now),
    }


def dispatch_reminders(ports: Ports, now: datetime) -> dict[str, int]:
    """One scheduled run at ``now`` (the event's time). Returns counts for the logs."""
    summary: Counter[str] = Counter()
    repo = ports.repository

    to_queue: list[ReminderMarker] = []
    for leftover in repo.claimed_reminders():
        if leftover.session_start > now:
            to_queue.append(leftover)
            summary["requeued"] += 1
        else:
            repo.mark_reminder_queued(leftover, now, state="abandoned")
            summary["abandoned"] += 1

    rows = repo.sessions_starting(now, now + MAX_LOOKAHEAD)
    planner = _Planner(ports, now, summary)
    to_queue.extend(planner.claims_on(row.course_id for row in rows))
    summary["sessions_in_window"] = len(rows)

    _queue(ports, to_queue, now, summary)
    logger.info("reminder run", extra={"now": now.isoformat(), **summary})
    return dict(summary)


def remind_swept(ports: Ports, now: datetime, saved: Mapping[str, Application]) -> dict[str, int]:
    """The reminders due at ``now`` that the sweep made due: those of the bookings it saved
    confirmed (``saved``, as stored: a seat given with nothing to pay, a waiting move made
    onto another course, an act completed), claimed and queued as any run's. Reminders
    already claimed (theirs before the sweep, or another run's) are not claimed again. The
    bookings are taken as the sweep stored them, not from the by-course index, which may not
    show its writes yet. Counts for the logs (none when the sweep booked nobody)."""
    booked = {
        a.application_id: a for a in saved.values() if a.status is ApplicationStatus.CONFIRMED
    }
    if not booked:
        return {}
    summary: Counter[str] = Counter()
    planner = _Planner(ports, now, summary, saved=saved)
    courses = (a.course_id for a in booked.values())
    _queue(ports, planner.claims_on(courses, among=booked.keys()), now, summary)
    logger.info("reminders the sweep made due", extra={"now": now.isoformat(), **summary})
    return dict(summary)


class _Planner:
    """One run's decisions, reading each course and each course's bookings once."""

    def __init__(
        self,
        ports: Ports,
        now: datetime,
        summary: Counter[str],
        saved: Mapping[str, Application] | None = None,
    ) -> None:
        self._ports = ports
        self._now = now
        self._summary = summary
        # Applications as just stored (the sweep's), over what the by-course index shows.
        self._saved: Mapping[str, Application] = saved or {}
        self._courses: dict[str, Course | None] = {}
        self._confirmed: dict[str, list[Application]] = {}
        self._all_courses: list[Course] | None = None
        self._claims = ReminderClaims(ports, now, summary)

    def course(self, course_id: str) -> Course | None:
        if course_id not in self._courses:
            self._courses[course_id] = self._ports.repository.get_course(course_id)
        return self._courses[course_id]

    def claims_on(
        self, course_ids: Iterable[str], among: Collection[str] | None = None
    ) -> list[ReminderMarker]:
        """The reminders due now on these courses' sessions, and on the follow-ups of their
        programmes, claimed; a core session's only for the bookings ``among`` (None: all)."""
        claimed: list[ReminderMarker] = []
        programmes: dict[str, None] = {}
        for course_id in dict.fromkeys(course_ids):
            course = self.course(course_id)
            if course is None:
                continue
            claimed.extend(self.core_claims(course, among))
            if any(s.kind is SessionKind.FOLLOW_UP for s in course.schedule):
                programmes[programme_of(course)] = None
        for programme in programmes:
            claimed.extend(self.follow_up_claims(programme))
        return claimed

    def core_claims(
        self, course: Course, among: Collection[str] | None = None
    ) -> list[ReminderMarker]:
        core = [s for s in course.schedule if s.kind is SessionKind.CORE]
        claimed: list[ReminderMarker] = []
        for due in due_reminders(core, course.definition.reminder_offsets_hours, self._now):
            about = f"COURSE#{course.course_id}#{due.session.key}"
            for application in self._confirmed_on(course.course_id):
                if among is not None and application.application_id not in among:
                    continue
                if application.is_erased:
                    # Kept confirmed for the books, but nothing may be sent: not queued, and
                    # said as skipped (follow-ups leave the erased out in ``graduates``).
                    self._summary["skipped_erased"] += 1
                    continue
                job = EmailJob.session_reminder(
                    application.application_id,
                    course.course_id,
                    due.session.key,
                    due.session.start,
                    due.offset_hours,
                    planned_at=self._now,
                )
                claimed += self._claims.claim_due(about, due, application.application_id, job)
        return claimed

    def follow_up_claims(self, programme: str) -> list[ReminderMarker]:
        courses = [c for c in self._programme_courses() if programme_of(c) == programme]
        bookings = [(c, a) for c in courses for a in self._confirmed_on(c.course_id)]
        cohort_of = {a.application_id: c for c, a in bookings}
        claimed: list[ReminderMarker] = []
        for event in follow_up_events(courses):
            session = event.session
            if not self._now < session.start <= self._now + MAX_LOOKAHEAD:
                continue
            people = graduates(event, bookings, self._now)
            for person, application in people.items():
                # Each graduate is reminded at their own cohort's offsets (the booking the
                # messages are about), never at whichever file hosts the event.
                offsets = cohort_of[application.application_id].definition.reminder_offsets_hours
                claimed += self._graduate_claims(event, person, application, offsets)
        return claimed

    def _graduate_claims(
        self, event: FollowUpEvent, person: str, application: Application, offsets: list[int]
    ) -> list[ReminderMarker]:
        """What ``event`` owes ``person`` now, claimed: their invitation once due, and the
        reminder due now. An invitation that goes when a reminder is due is that reminder
        (``services.reminder_claims``)."""
        due = self._claims.due(event, offsets)
        invited = due is not None and person in self._claims.invited(event)
        if invitation_due(event.session, self._now) and not invited:
            return self._claims.invite(event, person, application, offsets)
        return self._claims.remind(event, person, application, due)

    def _programme_courses(self) -> list[Course]:
        if self._all_courses is None:
            self._all_courses = self._ports.repository.list_courses()
            for course in self._all_courses:
                self._courses.setdefault(course.course_id, course)
        return self._all_courses

    def _confirmed_on(self, course_id: str) -> list[Application]:
        if course_id not in self._confirmed:
            listed = [
                a
                for a in self._ports.repository.list_applications(course_id)
                if a.application_id not in self._saved
            ]
            fresh = [a for a in self._saved.values() if a.course_id == course_id]
            self._confirmed[course_id] = [
                a for a in listed + fresh if a.status is ApplicationStatus.CONFIRMED
            ]
        return self._confirmed[course_id]


def _queue(
    ports: Ports, markers: list[ReminderMarker], now: datetime, summary: Counter[str]
) -> None:
    """Queue each claimed job once, and mark its claims queued: an invitation that is the
    reminder due as it goes is the job of both claims."""
    for batch in _chunks(_by_job(markers), QUEUE_BATCH):
        jobs = [same[0].job for same in batch if same[0].job is not None]
        try:
            ports.email_queue.send(jobs)
        except QueueUnavailable:
            # Left "claimed": the next run re-queues them.
            logger.warning("reminder jobs not queued", extra={"job_ids": [j.job_id for j in jobs]})
            summary["queue_failures"] += len(batch)
            continue
        for marker in (marker for same in batch for marker in same):
            ports.repository.mark_reminder_queued(marker, now)
        summary["queued"] += len(batch)


def _by_job(markers: list[ReminderMarker]) -> list[list[ReminderMarker]]:
    """The claims, those of one job together (in the order their jobs were first claimed)."""
    claims: dict[str, list[ReminderMarker]] = {}
    for marker in markers:
        if marker.job is not None:
            claims.setdefault(marker.job.job_id, []).append(marker)
    return list(claims.values())


def _chunks(items: list[list[ReminderMarker]], size: int) -> Iterable[list[list[ReminderMarker]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
