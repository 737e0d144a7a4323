"""Whether a queued email of a closing (applications closed, the list reopened, a closing
brought earlier) still says what holds as the mailer reaches it: decided by
``domain.offer_ends.closing_news_stale`` from the application and its course as they are now,
and from the last such news the person's history says went before it; and what that news said
of the closing (``closing_said_to``), which the saves and the mailer's step after each send
tell the person from."""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.email_ids import kind_in_id
from booking.domain.emails import EmailJob, EmailKind, instant_token
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.offer_ends import (
    CLOSING_NEWS,
    closing_named,
    closing_news_stale,
    closing_of,
    earlier_than_said,
    telling_order,
)
from booking.domain.timeline import EntryKind, TimelineEntry
from booking.services.concurrency import retried
from booking.services.email_claims import EmailInFlight, reached_ses
from booking.services.emails_gone import went_for
from booking.services.ports import Ports

logger = Logger(child=True)


def closing_news_overtaken(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> bool:
    """Whether ``job``, news of a closing, is no longer to go: a save or a sweep since made
    it untrue, or it would repeat what the person was last told. A job that went already is
    left to the mailer's claim (a redelivery is a duplicate, as any other). Raises
    EmailInFlight while other news of a closing to them is being sent: decided once it went,
    or did not."""
    if job.kind not in CLOSING_NEWS:
        return False
    news, sending = _closing_news_gone(ports, application)
    if any(entry.job_id == job.job_id for entry in news):
        return False
    if sending - {job.job_id}:
        raise EmailInFlight(job.job_id)
    last = news[-1].email if news else None
    return closing_news_stale(job, application, course, now, last, _said(news))


def closing_said_to(ports: Ports, application: Application) -> str | None:
    """The closing (its token) the last closing news gone to ``application``'s person named,
    when it was of the list open (a reopen, a retold closing); None when it said "closed", or
    none went."""
    return _said(_closing_news_gone(ports, application)[0])


def told_earlier_after_send(ports: Ports, job: EmailJob, application: Application) -> None:
    """After news of the list open naming a closing went: the person told the closing their
    course has now if it is earlier (``domain.offer_ends.earlier_than_said``), as a save while
    it was being sent decided from what was said before it. Best effort: the
    next save or the sweep's pass after a save tells from the history as well."""
    named = closing_named(job) if job.kind is EmailKind.WAIT_REOPENED else None
    if named is None:
        return
    said = instant_token(named)
    course = ports.repository.get_course(application.course_id)
    if course is None:
        return

    def save(current: Application | None) -> Application | None:
        told = None if current is None else earlier_than_said(current, course, ports.clock(), said)
        return None if told is None or current is None else ports.repository.save(told, current)

    try:
        retried(save, lambda: ports.repository.get_application(application.application_id))
    except (DependencyUnavailable, Conflict) as error:
        # Sent: failing here must not fail the delivery into sending it again.
        logger.warning(
            "news of a closing sent, an earlier closing since not told",
            extra={"application_id": application.application_id, "error": type(error).__name__},
        )


def _closing_news_gone(
    ports: Ports, application: Application
) -> tuple[list[TimelineEntry], set[str]]:
    """The news of a closing gone to ``application``'s person, oldest first, by the one
    reading of "went" (``emails_gone``): each its history names, and each queued for them
    (``Application.closing_news``) whose claim the mailer took up, as of when it claimed it
    (the history entry is written after the send, as best effort); and the ids
    of those being sent now (a ``sending`` claim a delivery may still make)."""
    _, history = went_for(ports, application)
    news = [e for e in history if e.kind is EntryKind.EMAIL and e.email in CLOSING_NEWS]
    named = {entry.job_id for entry in news}
    sending: set[str] = set()
    stale_before = ports.clock() - ports.email_claim_timeout
    for job_id in application.closing_news:
        claim = None if job_id in named else ports.repository.email_claim(job_id)
        went = reached_ses(claim, stale_before)
        if claim is None or went is False:
            continue
        if went is None:
            sending.add(job_id)
        news.append(
            TimelineEntry(
                at=claim.claimed_at, kind=EntryKind.EMAIL, email=kind_in_id(job_id), job_id=job_id
            )
        )
    news.sort(key=lambda entry: (entry.at, telling_order(_occasion(entry))))
    return news, sending


def _said(news: list[TimelineEntry]) -> str | None:
    last = news[-1] if news else None
    if last is None or last.email is not EmailKind.WAIT_REOPENED or last.job_id is None:
        return None
    named = closing_of(_occasion(last))
    return instant_token(named) if named is not None else None


def _occasion(entry: TimelineEntry) -> str:
    return (entry.job_id or "").rpartition(":")[2]
