"""A queued "Changed dates" worded, as the mailer sends it, from what the person's calendar
holds then (retest13 N4): the cohort's own sessions counted from the TOLD records the mailer
writes as each message goes (``domain.held_sessions.update_as_held``), as a follow-up's change
notice is (``services.follow_ups.worded_as_held``). Two saves before the mailer runs (a date
changed and changed back) leave the first save's message nothing to tell."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.course import Course, ScheduleChanges, SessionKind
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.held_sessions import session_about, update_as_held
from booking.domain.invitations import Told
from booking.domain.programme import person_key
from booking.services.ports import Ports


def dates_worded_as_held(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> EmailJob | None:
    """``job`` as it tells ``application``'s person now, if it is a "Changed dates" of
    ``course`` (the cohort it is sent for); None when it would tell them nothing they do not
    hold. Other messages as they are."""
    if job.kind is not EmailKind.SESSIONS_CHANGED:
        return job
    person = person_key(application.answers.email)
    own = (s.key for s in course.schedule if s.kind is SessionKind.CORE)
    keys = [*own, *job.removed_sessions]
    held: dict[str, Told] = {}
    holds: dict[str, bool] = {}
    for key in dict.fromkeys(keys):
        about = session_about(course.course_id, key)
        sent = ports.repository.told_of(about)
        if person in sent:
            holds[key] = sent[person]
            when = ports.repository.told_when(about).get(person) if sent[person] else None
            if when is not None:
                held[key] = when
    queued = ScheduleChanges(
        changed=job.changed_sessions,
        removed=job.removed_sessions,
        removed_follow_ups=job.removed_follow_ups,
        renamed_only=job.renamed_only,
    )
    now = update_as_held(queued, course.schedule, held, holds, ports.clock())
    if now is None:
        return None
    return job.model_copy(
        update={
            "changed_sessions": now.changed,
            "removed_sessions": now.removed,
            "renamed_only": now.renamed_only,
        }
    )
