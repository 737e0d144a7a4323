"""Send one queued email job: look the people up now, claim the job, send, record.

Delivery is at-least-once end to end, made as close to exactly-once as SES allows:

* The job id is claimed with a conditional put (``sending``) *before* SES is called, so a job
  queued twice, or redelivered after it was sent, is sent once.
* SES throttling or rejection marks the claim ``failed`` and raises: the SQS record is retried
  (and after 5 receives parked in the DLQ), and the retry may claim the job again.
* Once SES has taken the message, the job is recorded ``sent`` before anything else, and
  nothing after that fails the delivery (``services.send_leases.send_leased``): a DynamoDB
  blip releasing the lease, or even recording ``sent``, must not have the queue deliver (and
  send) the job again.
* A delivery that dies between claim and SES leaves a ``sending`` claim. Once it is older than
  the queue's visibility timeout the redelivered record takes it over and sends: SES was never
  called, so nobody gets it twice. A ``sending`` claim younger than the timeout is a concurrent
  delivery of the same job: this record is retried later and then finds ``sent``.
* Just before SES is called the claim says so (``sent_unconfirmed``), and no delivery ever
  takes such a claim over: if recording ``sent`` fails after SES took the message, a copy of
  the job queued later, however much later, is not sent again. The one loss we accept for it:
  a delivery that dies inside the SES call itself leaves a message that may not have gone
  (``services.email_claims.SENT_UNCONFIRMED`` says why that trade).

A message about an employer's invoice or the money it paid (a cancellation, a refund, an invoice
that ended) goes to the person alone; its billing contact's own (``domain.payer.billing_notice``)
is sent after it from the same queued job, under its own job id and claim, so a redelivery sends
whichever of the two did not go, and neither twice.

People are read at send time, and checked again as the last step before SES, under a lease
an erasure waits for (``services.send_leases``): once an erasure has answered, nothing about
the person is sent (a job whose person was erased meanwhile is skipped). A reminder goes only
to someone still confirmed, and the joining link only ever to a confirmed attendee. A message
queued for a cohort the booking has left since (a reminder, an update, a confirmation retried
after a move) is not sent, or is composed for the cohort held: one table says which
(``domain.emails_as_queued.WHEN_COHORT_LEFT``).
A reminder is
checked against the session as it is now: one planned for a start the organiser has since moved
is not sent (the new start has reminders of its own), unless it still reminds in time for the
new start: then it is that offset's reminder, worded for the new time. A message about a
programme's follow-up event is checked against the event as the cohorts' files give it now
(``services.follow_ups``) and carries its host's details now: an invitation or a change notice
decided before a later move is not sent (the later move's notice is), nor a removal's after the
event was listed again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession
from booking.domain.dispute_told import BankDid, bank_did, of_a_dispute
from booking.domain.emails import (
    CERTIFICATE_HELD,
    GROUP_KINDS,
    EmailJob,
    EmailKind,
    OutgoingEmail,
)
from booking.domain.emails_as_queued import (
    MOVE_COPIES,
    CohortLeft,
    move_undone,
    of_a_move,
    still_asks,
    superseded,
    when_cohort_left,
)
from booking.domain.errors import DependencyUnavailable
from booking.domain.former_contacts import billing_contact_named
from booking.domain.payer import billing_notice, erased_persons_notice, told_of
from booking.domain.programme import event_about, person_key
from booking.domain.recipients import recipient_of
from booking.domain.register import certificate_code
from booking.domain.reminders import still_reminds
from booking.domain.timeline import email_sent
from booking.services.calendars import (
    CalendarFiles,
    follow_ups_withdrawn,
)
from booking.services.closing_news import closing_news_overtaken, told_earlier_after_send
from booking.services.cohort_told import cohort_told
from booking.services.email_claims import EmailInFlight
from booking.services.email_composing import composed, manager_named
from booking.services.email_context import ATTENDEE_KINDS, SESSION_KINDS, job_session
from booking.services.facilitators_copies import copies_held, copy_mailed, record_copy
from booking.services.follow_ups import current_event, worded_as_held
from booking.services.moves_told import as_told, move_told
from booking.services.ports import EmailClaim, Ports
from booking.services.send_leases import SEND_LEASE, lease_unused, send_leased
from booking.services.sessions_told import check_after_send, dates_worded_as_held, record_told
from booking.services.suppression import still_mailed

__all__ = ["EmailInFlight", "SendOutcome", "send_email_job"]

logger = Logger(child=True)
S = ApplicationStatus


class SendOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already sent (or a concurrent delivery holds it)
    SKIPPED_GONE = "skipped_gone"  # application or course no longer exists / erased
    SKIPPED_NOT_CONFIRMED = "skipped_not_confirmed"
    SKIPPED_STARTED = "skipped_started"  # the session has begun: a reminder would be noise
    SKIPPED_MOVED = "skipped_moved"  # planned for a start the session no longer has
    SKIPPED_NO_RECIPIENT = "skipped_no_recipient"  # no facilitators, or every address suppressed
    SKIPPED_NOT_HELD = "skipped_not_held"  # a change to an event the person's calendar lacks
    SKIPPED_TOLD = "skipped_told"  # a change notice that would tell what the calendar holds
    SKIPPED_NO_LINK = "skipped_no_link"  # a group place's end, to a colleague never sent a link


def send_email_job(ports: Ports, job: EmailJob) -> SendOutcome:
    now = ports.clock()
    if job.kind in GROUP_KINDS:
        # About a manager's group booking, not an application: its own people and words, and
        # its own module, loaded by the first group email (it loads the groups' models).
        from booking.services.group_dispute_told import tell_group_dispute
        from booking.services.group_emails import GroupEmailOutcome, send_group_email

        disputed = job.kind is EmailKind.GROUP_DISPUTED  # to the facilitators, of its payment
        outcome = (tell_group_dispute if disputed else send_group_email)(ports, job, now)
        if outcome is GroupEmailOutcome.IN_FLIGHT:
            raise EmailInFlight(job.job_id)
        return SendOutcome(outcome.value)
    found = _still_to_send(ports, job, now)
    if isinstance(found, SendOutcome):
        return found
    application, course = found
    if application.is_erased and _dispute_copy(job):
        # The facilitators' copy of a dispute of an erased person's payment: the dispute's
        # own message naming nobody, under the copy's job id (so still once per dispute).
        job = job.model_copy(update={"kind": EmailKind.ERASED_DISPUTED})
    worded = worded_as_held(ports, job, application)
    worded = None if worded is None else dates_worded_as_held(ports, worded, application, course)
    if worded is None or not move_told(ports, job, application):
        return _told_already(ports, job)
    job = as_told(ports, worded, application)
    erased_notice = erased_persons_notice(job, application) if application.is_erased else None
    if erased_notice is not None:  # nothing to the person; their employer's money still told
        return _send_to_whom_it_is_for(ports, erased_notice, application, course, now)
    persons = _send_to_whom_it_is_for(ports, job, application, course, now)
    notice = billing_notice(job, application)
    if notice is None:
        return persons
    # The billing contact's own message, claimed by its own id: a retry of this record finds
    # the person's sent (a duplicate) and sends this one if it did not go.
    theirs = _send_to_whom_it_is_for(ports, notice, application, course, now)
    return persons if persons in (SendOutcome.SENT, SendOutcome.DUPLICATE) else theirs


def _told_already(ports: Ports, job: EmailJob) -> SendOutcome:
    """A change notice that would tell the person only what their calendar holds (or a move's
    message, only what its reader was told: ``services.moves_told``): not sent, and its job
    done (claimed and finished), so a copy of it delivered again is not weighed afresh against
    what a later message changed."""
    now = ports.clock()
    if not _claimed(ports, job, now):
        return SendOutcome.DUPLICATE
    ports.repository.finish_email(job.job_id, SendOutcome.SKIPPED_TOLD.value, now)
    return SendOutcome.SKIPPED_TOLD


def _claimed(ports: Ports, job: EmailJob, now: datetime) -> bool:
    """Whether this delivery claimed ``job`` (False: sent or skipped already, a duplicate);
    ``EmailInFlight`` while another delivery's claim holds it (a ``sending`` claim older than
    ``Ports.email_claim_timeout`` died before calling SES and is taken over)."""
    claim = ports.repository.claim_email(job.job_id, now, now - ports.email_claim_timeout)
    if claim is EmailClaim.IN_FLIGHT:
        raise EmailInFlight(job.job_id)
    return claim is not EmailClaim.DONE


def _send_to_whom_it_is_for(
    ports: Ports, job: EmailJob, application: Application, course: Course, now: datetime
) -> SendOutcome:
    recipients = still_mailed(ports, _addresses(ports, job, application, course))
    if not recipients:
        return SendOutcome.SKIPPED_NO_RECIPIENT
    named = manager_named(ports, application)  # read before composing: see _send_once
    # Composed before claiming: a template error must not leave a claim behind.
    message, calendar = composed(ports, job, application, course, recipients, now=now)
    return _send_once(
        ports, job, application, message, calendar, now=now, cohort=course, named=named
    )


def _still_to_send(
    ports: Ports, job: EmailJob, now: datetime
) -> tuple[Application, Course] | SendOutcome:
    """The application and the course the message comes from, as they are now; or why the
    message is no longer to be sent."""
    repo = ports.repository
    application = repo.get_application(job.application_id)
    if application is None or (application.is_erased and not _told_though_erased(job, application)):
        return SendOutcome.SKIPPED_GONE
    course = repo.get_course(job.course_id)
    if course is None:
        return SendOutcome.SKIPPED_GONE
    if job.kind in ATTENDEE_KINDS and application.status is not S.CONFIRMED:
        return SendOutcome.SKIPPED_NOT_CONFIRMED
    if job.kind is EmailKind.FOLLOW_UPS_WITHDRAWN and (
        application.status is not S.CONFIRMED
        or not follow_ups_withdrawn(ports, application, course)
    ):
        # A non-completer whose calendar holds no follow-up: nothing to take out, nor to say.
        return SendOutcome.SKIPPED_NOT_HELD
    if job.reason in MOVE_COPIES and application.status is not S.CONFIRMED:
        # A move's copies go with the person's own message of it, or not at all: a booking
        # that ended before the move was told (a refund at Stripe in the move's second).
        return SendOutcome.SKIPPED_NOT_CONFIRMED
    left = when_cohort_left(job, application)
    if left is CohortLeft.NOT_SENT:
        # About a cohort the booking has left since it was queued (moved before the mailer
        # reached it): the move's email took its sessions out of the calendar.
        return SendOutcome.SKIPPED_MOVED
    if left is CohortLeft.FOR_COHORT_HELD:
        held = repo.get_course(application.course_id)
        if held is None:
            return SendOutcome.SKIPPED_GONE
        course = held
    told = cohort_told(ports, job, application, course)
    if told is None or _overtaken(ports, job, application):
        return SendOutcome.SKIPPED_GONE
    if closing_news_overtaken(ports, job, application, course, now):
        return SendOutcome.SKIPPED_GONE
    host = _programme_host(ports, job, told, now)
    if isinstance(host, SendOutcome):
        return host
    moved = _session_moved_or_started(job, host, now)
    return (application, host) if moved is None else moved


def _told_though_erased(job: EmailJob, application: Application) -> bool:
    """The messages about an erased person's application that still go, naming nobody: the
    facilitators asked to delete their copy, the billing contact told of its money."""
    asked = job.kind is EmailKind.DELETE_YOUR_COPY or _dispute_copy(job)
    return asked or erased_persons_notice(job, application) is not None


def _dispute_copy(job: EmailJob) -> bool:
    """The facilitators' one message about a payer's bank's dispute (``services.disputes``):
    the money and the evidence's deadline are told, the person erased or not."""
    return job.kind is EmailKind.FACILITATOR_COPY and of_a_dispute(job.occasion)


def _overtaken(ports: Ports, job: EmailJob, application: Application) -> bool:
    """Whether what the message carries is gone or told by a newer one since it was queued."""
    if job.kind is EmailKind.DELETE_YOUR_COPY:
        # Only to a list a copy went to: one taken up as the erasure read it may be refused since.
        return job.course_id not in copies_held(ports, application)
    if job.kind is EmailKind.CERTIFICATE:
        # No certificate to send (none is ever made afresh), or reissued before it went: the
        # reissue's email has it.
        return certificate_code(application) is None or _held_news_stale(ports, job, application)
    if job.kind is EmailKind.MOVE_PAYMENT_DUE and not still_asks(application, job):
        # The move ended before its link went (paid, withdrawn, lapsed, the booking cancelled):
        # the message of how it ended is the person's; a link to nothing is not sent.
        return True
    return superseded(application, job)  # overtaken before it went: the newer one is told


def _programme_host(
    ports: Ports, job: EmailJob, course: Course, now: datetime
) -> Course | SendOutcome:
    """A programme's event: as the files give it now, with its host's details now."""
    if job.programme is None or job.session_key is None:
        return course
    event = current_event(ports, job.programme, job.session_key)
    if not job.removed_follow_ups:
        return course if event is None else event.host
    if event is not None:
        return SendOutcome.SKIPPED_MOVED  # listed again since: that is told instead
    if job.session_start is None or now >= job.session_start:
        return SendOutcome.SKIPPED_STARTED
    return course


def _session_moved_or_started(job: EmailJob, course: Course, now: datetime) -> SendOutcome | None:
    """Why a message about one session is not for the session as it is now, if it is not."""
    if job.kind not in SESSION_KINDS or job.removed_follow_ups:
        return None
    session = job_session(course, job)
    if session is None or not _still_for(job, session):
        return SendOutcome.SKIPPED_MOVED
    if now >= session.start:
        return SendOutcome.SKIPPED_STARTED
    return None


def _addresses(ports: Ports, job: EmailJob, application: Application, course: Course) -> list[str]:
    if job.kind is EmailKind.DELETE_YOUR_COPY:
        # Whoever that cohort's copies went to, not its list as it is now.
        return list(copies_held(ports, application).get(job.course_id, ()))
    if job.kind is EmailKind.FACILITATOR_COPY:
        return copy_mailed(ports, job, application, course)  # as the pages promise it
    if job.kind is EmailKind.ERASED_DISPUTED:  # names nobody: the cohort's list as it is
        return course.definition.facilitator_addresses()
    # The person; the billing contact alone for its own message (``domain.payer``).
    return told_of(job, application)


def _billing_contact_erased_since(
    ports: Ports, job: EmailJob, message: OutgoingEmail, application: Application
) -> bool:
    """Whether the billing contact a message was composed for (``_addresses``) was erased
    since ``application`` was read. Asked once the send is leased: an erasure saved after
    this read waits for the lease (``services.send_leases``), so none can slip in between."""
    contact = billing_contact_named(job, application)
    if contact is None or contact not in {a.lower() for a in message.to}:
        return False
    now = ports.repository.get_application(application.application_id)
    return now is None or billing_contact_named(job, now) != contact


def _move_undone_since(ports: Ports, job: EmailJob, application: Application) -> bool:
    """Whether a move's message, composed from the booking as moved, is about a move undone
    since (``domain.emails_as_queued.move_undone``). Read again after the claim, under the
    send's lease: a refund's webhook that finds the claim leaves the move standing (it may be
    told: ``services.settle._latest_move_claim``); one that undid the move before the claim is
    seen here; one that read no claim and saves after it loses that save (it holds on the
    claim as read) and leaves the move standing. One consistent read, a move's messages alone."""
    if not of_a_move(job):
        return False
    now = ports.repository.get_application(application.application_id)
    return now is not None and move_undone(now, job)


def _not_held_now(ports: Ports, job: EmailJob, application: Application) -> bool:
    """Whether a change notice reaches someone whose calendar does not hold the event as the
    mailer sends it: told since that it was taken out (a move's cancel.ics,
    sent after the change was decided), or never sent it. Its invite.ics would put back what
    they do not hold. Read after the claim, from the TOLD records the mailer writes before
    each send. A notice that a cancelled event is listed again (``added``) is for those told
    it was taken out."""
    if (
        job.kind is not EmailKind.FOLLOW_UP_CHANGED
        or job.follow_up_change == "added"
        or job.programme is None
        or job.session_key is None
    ):
        return False
    told = ports.repository.told_of(event_about(job.programme, job.session_key))
    return told.get(person_key(application.answers.email)) is not True


def _send_once(
    ports: Ports,
    job: EmailJob,
    application: Application,
    message: OutgoingEmail,
    calendar: CalendarFiles,
    *,
    now: datetime,
    cohort: Course,
    named: bool = False,
) -> SendOutcome:
    """Claim the job, send it and record the outcome (the module's docstring says why so).
    ``named``: the message may name the group booking's manager (``manager_named``)."""

    def first() -> None:  # just before SES: whom a facilitators' copy reached, what was told
        record_copy(ports, job, cohort, message)
        record_told(ports, application, calendar, now)

    repo = ports.repository
    if not _claimed(ports, job, now):
        return SendOutcome.DUPLICATE
    until = ports.clock() + SEND_LEASE
    about = application.application_id  # what the send's lease is on
    if not repo.hold_send(about, job.job_id, until, erased_read=application.is_erased):
        # Erased since it was read: nothing about the person goes out.
        repo.finish_email(job.job_id, SendOutcome.SKIPPED_GONE.value, ports.clock())
        return SendOutcome.SKIPPED_GONE
    if _move_undone_since(ports, job, application):
        lease_unused(ports, about, job.job_id, SendOutcome.SKIPPED_NOT_CONFIRMED.value)
        return SendOutcome.SKIPPED_NOT_CONFIRMED
    if _not_held_now(ports, job, application):
        lease_unused(ports, about, job.job_id, SendOutcome.SKIPPED_NOT_HELD.value)
        return SendOutcome.SKIPPED_NOT_HELD
    if _billing_contact_erased_since(ports, job, message, application) or (
        named and not manager_named(ports, application)
    ):
        # Composed for a billing contact erased since, or naming a group's manager erased
        # since (a colleague's copy whose list their erasure did not ask, as it was not yet
        # sent): composed again for whom is left, without them.
        lease_unused(ports, about, job.job_id, "failed")
        raise EmailInFlight(job.job_id)
    send_leased(
        ports,
        job.job_id,
        about,
        message,
        until,
        first=first,
    )
    sent_at = ports.clock()
    # A dispute's message: what it said the bank did, kept as it went (the dispute moves on).
    did = bank_did(job.occasion, application.disputes)
    _record_sent(ports, job, len(message.to), sent_at, did)
    check_after_send(ports, job, application, calendar.put_in)
    told_earlier_after_send(ports, job, application)
    return SendOutcome.SENT


def _still_for(job: EmailJob, session: ScheduledSession) -> bool:
    """Whether a message decided for the session as it was is still right for it as it is: it
    was decided for this start, or it is a reminder that still reminds in time for the new
    start (claimed within its offset of it: the ledger then gives that offset no other)."""
    if job.session_start is None or job.session_start == session.start:
        return True
    return (
        job.kind is EmailKind.SESSION_REMINDER
        and job.offset_hours is not None
        and job.planned_at is not None
        and still_reminds(job.planned_at, session.start, job.offset_hours)
    )


def _record_sent(
    ports: Ports, job: EmailJob, recipients: int, at: datetime, did: BankDid | None
) -> None:
    """Add the message to its application's history. Best effort, after the send is recorded:
    failing here must not make the queue deliver the job again (it would be sent twice)."""
    try:
        ports.repository.add_to_timeline(
            job.application_id,
            email_sent(at, job.kind, recipients, job.job_id, recipient_of(job), job.reason, did),
        )
    except DependencyUnavailable:
        logger.warning("email sent but not added to the history", extra={"job_id": job.job_id})


def _held_news_stale(ports: Ports, job: EmailJob, application: Application) -> bool:
    """A held certificate's news ("it will follow") whose certificate was reissued since."""
    from booking.services.register import printable  # as email_composing: a cycle otherwise

    return job.occasion == CERTIFICATE_HELD and printable(ports, application)
