"""Whether a queued email of a closing (applications closed, the list reopened, a closing
brought earlier) still says what holds as the mailer reaches it (hostile23 F7): decided by
``domain.offer_ends.closing_news_stale`` from the application and its course as they are now,
and from the last such news the person's history says went before it."""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.emails import EmailJob
from booking.domain.offer_ends import CLOSING_NEWS, closing_news_stale
from booking.domain.timeline import EntryKind
from booking.services.emails_gone import went_for
from booking.services.ports import Ports


def closing_news_overtaken(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> bool:
    """Whether ``job``, news of a closing, is no longer to go: a save or a sweep since made
    it untrue, or it would repeat what the person was last told. A job that went already is
    left to the mailer's claim (a redelivery is a duplicate, as any other)."""
    if job.kind not in CLOSING_NEWS:
        return False
    _, history = went_for(ports, application)
    news = sorted(
        (e for e in history if e.kind is EntryKind.EMAIL and e.email in CLOSING_NEWS),
        key=lambda entry: entry.at,
    )
    if any(entry.job_id == job.job_id for entry in news):
        return False
    return closing_news_stale(job, application, course, now, news[-1].email if news else None)
