"""The scheduled run: queue every reminder that is due, exactly once, and nothing else.

Per run:

1. Re-queue reminders a crashed run claimed but never queued (a sparse index, normally empty).
2. Read the sessions starting within the planning window from the SESSIONS index (no scan),
   plan each course's due reminders (``domain.reminders``), and for each recipient claim the
   reminder with a conditional put *before* queueing it. A claim that already exists means
   another run (a duplicated or retried tick) owns it: skip.
3. Queue the claimed jobs in batches of 10, then mark them ``queued``. A crash between claim and
   queue leaves them ``claimed`` for step 1 of the next run; a crash between queue and mark
   re-queues a job the mailer then de-duplicates by job id. Either way no reminder is lost and
   none is sent twice.

Who gets what: a core session's reminders go to the course's confirmed attendees (one per
booking); a follow-up session's reminders, and the invitation to the follow-ups, go to the
programme's graduates (everyone with a confirmed booking on any course of the programme), one per
person however many cohorts they booked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.people import address_digest
from booking.domain.reminders import (
    INVITATION,
    MAX_LOOKAHEAD,
    due_reminders,
    invitation_session,
)
from booking.services.ports import Ports, QueueUnavailable, ReminderMarker

logger = Logger(child=True)
# Jobs are queued in groups of this many (SQS takes at most 10 per batch call).
QUEUE_BATCH = 10

Recipient = tuple[str, Application]  # (marker recipient key, the booking the job is about)


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
    for course_id in dict.fromkeys(row.course_id for row in rows):
        to_queue.extend(planner.claims_for(course_id))
    summary["sessions_in_window"] = len(rows)

    _queue(ports, to_queue, now, summary)
    logger.info("reminder run", extra={"now": now.isoformat(), **summary})
    return dict(summary)


class _Planner:
    def __init__(self, ports: Ports, now: datetime, summary: Counter[str]) -> None:
        self._ports = ports
        self._now = now
        self._summary = summary
        self._confirmed: dict[str, list[Application]] = {}
        self._graduates: dict[str, list[Recipient]] = {}

    def claims_for(self, course_id: str) -> list[ReminderMarker]:
        course = self._ports.repository.get_course(course_id)
        if course is None:
            return []
        schedule = course.schedule
        claimed: list[ReminderMarker] = []
        for due in due_reminders(schedule, course.definition.reminder_offsets_hours, self._now):
            session = due.session
            for key, application in self._recipients(course, session):
                # Superseded first: once the nearer reminder is claimed, no delayed tick
                # carrying an older time may send the farther one.
                for hours in due.superseded:
                    marker = self._marker(course, session, f"h{hours}", key)
                    if self._ports.repository.supersede_reminder(marker, self._now):
                        self._summary["superseded"] += 1
                job = EmailJob.about(
                    EmailKind.SESSION_REMINDER,
                    application.application_id,
                    course.course_id,
                    session_index=session.index,
                    offset_hours=due.offset_hours,
                )
                marker = self._marker(course, session, f"h{due.offset_hours}", key, job)
                claimed += self._claim(marker)
        first_follow_up = invitation_session(schedule, self._now)
        if first_follow_up is not None:
            for key, application in self._graduates_of(course):
                job = EmailJob.about(
                    EmailKind.FOLLOW_UP_INVITATION,
                    application.application_id,
                    course.course_id,
                    occasion=course.course_id,
                    session_index=first_follow_up.index,
                )
                claimed += self._claim(self._marker(course, first_follow_up, INVITATION, key, job))
        return claimed

    def _claim(self, marker: ReminderMarker) -> list[ReminderMarker]:
        if self._ports.repository.claim_reminder(marker, self._now):
            self._summary["claimed"] += 1
            return [marker]
        self._summary["already_claimed"] += 1
        return []

    @staticmethod
    def _marker(
        course: Course,
        session: ScheduledSession,
        offset: str,
        recipient: str,
        job: EmailJob | None = None,
    ) -> ReminderMarker:
        return ReminderMarker(
            course_id=course.course_id,
            session_index=session.index,
            offset=offset,
            recipient=recipient,
            session_start=session.start,
            job=job,
        )

    def _recipients(self, course: Course, session: ScheduledSession) -> list[Recipient]:
        if session.kind is SessionKind.FOLLOW_UP:
            return self._graduates_of(course)
        return [(a.application_id, a) for a in self._confirmed_on(course.course_id)]

    def _confirmed_on(self, course_id: str) -> list[Application]:
        if course_id not in self._confirmed:
            self._confirmed[course_id] = [
                a
                for a in self._ports.repository.list_applications(course_id)
                if a.status is ApplicationStatus.CONFIRMED
            ]
        return self._confirmed[course_id]

    def _graduates_of(self, course: Course) -> list[Recipient]:
        """Confirmed bookings on any course of the programme, one per person.

        A course without a programme is its own programme. The person's own booking on this
        course is preferred, else their earliest, so the job is about the booking they know.
        """
        programme = course.definition.programme or course.course_id
        if programme not in self._graduates:
            courses = [
                c
                for c in self._ports.repository.list_courses()
                if (c.definition.programme or c.course_id) == programme
            ]
            bookings = [a for c in courses for a in self._confirmed_on(c.course_id)]
            bookings.sort(key=lambda a: (a.course_id != course.course_id, a.created_at))
            people: dict[str, Application] = {}
            for application in bookings:
                if application.is_erased:
                    continue  # no one left to invite
                people.setdefault(f"P{address_digest(application.answers.email)}", application)
            self._graduates[programme] = list(people.items())
        return self._graduates[programme]


def _queue(
    ports: Ports, markers: list[ReminderMarker], now: datetime, summary: Counter[str]
) -> None:
    for batch in _chunks(markers, QUEUE_BATCH):
        jobs = [m.job for m in batch if m.job is not None]
        try:
            ports.email_queue.send(jobs)
        except QueueUnavailable:
            # Left "claimed": the next run re-queues them.
            logger.warning("reminder jobs not queued", extra={"job_ids": [j.job_id for j in jobs]})
            summary["queue_failures"] += len(batch)
            continue
        for marker in batch:
            ports.repository.mark_reminder_queued(marker, now)
        summary["queued"] += len(batch)


def _chunks(items: list[ReminderMarker], size: int) -> Iterable[list[ReminderMarker]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
