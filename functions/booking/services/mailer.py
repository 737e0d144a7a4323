"""Send one queued email job: look the people up now, claim the job, send, record.

Delivery is at-least-once end to end, made as close to exactly-once as SES allows:

* The job id is claimed with a conditional put (``sending``) *before* SES is called, so a job
  queued twice, or redelivered after it was sent, is sent once.
* SES throttling or rejection marks the claim ``failed`` and raises: the SQS record is retried
  (and after 5 receives parked in the DLQ), and the retry may claim the job again.
* A delivery that dies between claim and SES (or between SES and recording ``sent``) leaves a
  ``sending`` claim. Once it is older than the queue's visibility timeout the redelivered record
  takes it over and sends. If SES had in fact accepted the first attempt, that person gets the
  message twice: the one duplicate we accept, because the alternative (never retrying a
  ``sending`` claim) would silently lose emails, and a lost confirmation or joining link is worse
  than a repeated one. A ``sending`` claim younger than the timeout is a concurrent delivery of
  the same job: this record is retried later and then finds ``sent``.

People are read at send time, so an erased applicant gets nothing, a reminder goes only to
someone still confirmed, and the joining link only ever to a confirmed attendee. A reminder is
checked against the session as it is now: one planned for a start the organiser has since moved
is not sent (the new start has reminders of its own), unless it still reminds in time for the
new start: then it is that offset's reminder, worded for the new time. A message about a
programme's follow-up event is checked against the event as the cohorts' files give it now
(``services.follow_ups``) and carries its host's details now: an invitation or a change notice
decided before a later move is not sent (the later move's notice is), nor a removal's after the
event was listed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course, ScheduledSession, SessionKind
from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
from booking.domain.errors import DependencyUnavailable
from booking.domain.programme import person_key
from booking.domain.reminders import session_position, still_reminds
from booking.domain.standing import Facts, standing
from booking.domain.timeline import email_sent
from booking.domain.wording import (
    answers_said,
    course_name,
    day_when,
    moment_when,
    money_words,
    session_when,
    status_words,
)
from booking.services.calendars import CalendarFiles, calendar_files
from booking.services.follow_ups import current_event, held_schedule
from booking.services.ports import EmailClaim, EmailSendError, Ports
from booking.services.waitlist import waitlist_position

logger = Logger(child=True)
S = ApplicationStatus
# How long the record that a person was told of a follow-up event is kept after its start (or
# after the message, for one taken out): while the event may still change.
TOLD_KEPT = timedelta(days=365)
# Messages that carry the joining link or are about attending: only for confirmed people.
ATTENDEE_KINDS = frozenset(
    {
        EmailKind.BOOKING_CONFIRMED,
        EmailKind.SESSION_REMINDER,
        EmailKind.FOLLOW_UP_INVITATION,
        EmailKind.SESSIONS_CHANGED,
        EmailKind.FOLLOW_UP_CHANGED,
    }
)
# Messages that list every session of the booking.
LISTS_SESSIONS = frozenset({EmailKind.BOOKING_CONFIRMED, EmailKind.SESSIONS_CHANGED})
SESSION_KINDS = frozenset(
    {EmailKind.SESSION_REMINDER, EmailKind.FOLLOW_UP_INVITATION, EmailKind.FOLLOW_UP_CHANGED}
)

REASON_WORDS = {
    "course_full": (
        "The course filled up while your payment was on its way, so we could not confirm your "
        "place. We are very sorry. If you would like to join the waiting list or a future "
        "course, just reply to this email."
    ),
    "duplicate_payment": (
        "Your place was already paid for, so this second payment was not needed. Your place "
        "is still confirmed."
    ),
    "cancelled_and_refunded": (
        "Your booking was cancelled, and we have refunded what you paid for it."
    ),
    "refunded": (
        "Your booking has been refunded in full, so it is no longer active. If you did not "
        "expect this, just reply to this email."
    ),
    "partial_refund": ("This is a partial refund: your place on the course is still confirmed."),
    "application_cancelled": (
        "Your application had already been cancelled when this payment reached us, so we could "
        "not use it for a place and have refunded it in full."
    ),
    "application_declined": (
        "We had not been able to offer you a place when this payment reached us, so we have "
        "refunded it in full."
    ),
    "application_pending_review": (
        "Your application was still waiting for our facilitators to read it, so we could not "
        "take a payment for it yet and have refunded it in full."
    ),
    "invoice_replaced": (
        "This invoice had been replaced by a newer one, so we have given back what was paid on "
        "it. The newer invoice is the one to pay."
    ),
    "amount_mismatch": (
        "The amount paid was not what the invoice asked for, so we have given it back. Please "
        "reply to this email and we will sort it out with you."
    ),
    "invoice_voided": "The invoice has been cancelled (voided), so nothing is owed on it.",
    "invoice_uncollectible": (
        "The invoice has been marked as one that will not be paid, so the place could not be "
        "held any longer."
    ),
    "invoice_overdue": "The invoice was not paid by its due date.",
    "invoice_not_issued": (
        "We could not send the new invoice for what is left to pay after your bursary, so "
        "the place could not be held for it."
    ),
    "application_awaiting_invoice_payment": (
        "Your place was waiting for your organisation to pay its invoice when this card "
        "payment reached us, so we could not use it and have refunded it in full. The invoice "
        "is still the one to pay."
    ),
}
DEFAULT_REFUND_WORDS = (
    "We were not able to confirm a place for this payment. If you would like to know more, "
    "just reply to this email."
)


class SendOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already sent (or a concurrent delivery holds it)
    SKIPPED_GONE = "skipped_gone"  # application or course no longer exists / erased
    SKIPPED_NOT_CONFIRMED = "skipped_not_confirmed"
    SKIPPED_STARTED = "skipped_started"  # the session has begun: a reminder would be noise
    SKIPPED_MOVED = "skipped_moved"  # planned for a start the session no longer has
    SKIPPED_NO_RECIPIENT = "skipped_no_recipient"  # no facilitators, or every address suppressed


class EmailInFlight(Exception):
    """Another delivery of this job is sending it right now: retry this record later."""


def send_email_job(ports: Ports, job: EmailJob) -> SendOutcome:
    now = ports.clock()
    repo = ports.repository
    application = repo.get_application(job.application_id)
    if application is None or application.is_erased:
        return SendOutcome.SKIPPED_GONE
    course = repo.get_course(job.course_id)
    if course is None:
        return SendOutcome.SKIPPED_GONE
    if job.kind in ATTENDEE_KINDS and application.status is not S.CONFIRMED:
        return SendOutcome.SKIPPED_NOT_CONFIRMED
    if job.programme is not None and job.session_key is not None:
        # A programme's event: as the files give it now, with its host's details now.
        event = current_event(ports, job.programme, job.session_key)
        if job.removed_follow_ups:
            if event is not None:
                return SendOutcome.SKIPPED_MOVED  # listed again since: that is told instead
            if job.session_start is None or now >= job.session_start:
                return SendOutcome.SKIPPED_STARTED
        elif event is not None:
            course = event.host
    if job.kind in SESSION_KINDS and not job.removed_follow_ups:
        session = _session(course, job)
        if session is None or not _still_for(job, session):
            return SendOutcome.SKIPPED_MOVED
        if now >= session.start:
            return SendOutcome.SKIPPED_STARTED

    if job.kind is EmailKind.FACILITATOR_COPY:
        addresses = course.definition.facilitator_addresses()
    elif job.kind is EmailKind.INVOICE_ENDED and application.billing is not None:
        # The billing contact was told of the invoice by Stripe; they hear of its end too.
        addresses = list(
            dict.fromkeys([application.answers.email, application.billing.billing_email])
        )
    else:
        addresses = [application.answers.email]
    recipients = [a for a in addresses if not repo.is_suppressed(a)]
    if not recipients:
        return SendOutcome.SKIPPED_NO_RECIPIENT

    # Composed before claiming: a template error must not leave a claim behind.
    message, calendar = _compose(ports, job, application, course, recipients, now=now)
    claim = repo.claim_email(job.job_id, now, now - ports.email_claim_timeout)
    if claim is EmailClaim.DONE:
        return SendOutcome.DUPLICATE
    if claim is EmailClaim.IN_FLIGHT:
        raise EmailInFlight(job.job_id)
    _record_told(ports, application, calendar, now)
    try:
        ports.sender.send(message)
    except EmailSendError:
        repo.finish_email(job.job_id, "failed", ports.clock())
        raise
    sent_at = ports.clock()
    repo.finish_email(job.job_id, "sent", sent_at)
    _record_sent(ports, job, len(recipients), sent_at)
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


def _record_told(
    ports: Ports, application: Application, calendar: CalendarFiles, now: datetime
) -> None:
    """Record the programme's events this message puts in the person's calendar or takes out,
    before sending it: a change to an event reaches whoever was told of it (a failed send
    recorded here at worst brings them one more notice, never one fewer)."""
    person = person_key(application.answers.email)
    for entries, holds in ((calendar.put_in, True), (calendar.taken_out, False)):
        for entry in entries:
            assert entry.event is not None
            last = max(now, entry.start or now)
            ports.repository.record_told(
                entry.event, person, holds=holds, keep_until=last + TOLD_KEPT, now=now
            )


def _record_sent(ports: Ports, job: EmailJob, recipients: int, at: datetime) -> None:
    """Add the message to its application's history. Best effort, after the send is recorded:
    failing here must not make the queue deliver the job again (it would be sent twice)."""
    try:
        ports.repository.add_to_timeline(
            job.application_id, email_sent(at, job.kind, recipients, job.job_id)
        )
    except DependencyUnavailable:
        logger.warning("email sent but not added to the history", extra={"job_id": job.job_id})


def compose(
    ports: Ports,
    job: EmailJob,
    application: Application,
    course: Course,
    recipients: Sequence[str],
    *,
    now: datetime,
) -> OutgoingEmail:
    return _compose(ports, job, application, course, recipients, now=now)[0]


def _compose(
    ports: Ports,
    job: EmailJob,
    application: Application,
    course: Course,
    recipients: Sequence[str],
    *,
    now: datetime,
) -> tuple[OutgoingEmail, CalendarFiles]:
    context = email_context(
        job,
        application,
        course,
        status_url=ports.status_url(application),
        now=now,
        console_url=ports.console_url(application.application_id),
        # Messages listing every session show the follow-ups as the programme holds them.
        schedule=held_schedule(ports, course) if job.kind in LISTS_SESSIONS else None,
        booked_on=_booked_on(ports, application, course),
    )
    if job.kind in (EmailKind.ALREADY_APPLIED, EmailKind.WAITLISTED):
        context["waitlist_position"] = waitlist_position(ports, application)
    if job.kind is EmailKind.APPLICATION_RECEIVED:
        context["earlier_status"] = _earlier_ended(ports, application)
    context["can_pay"] = (
        application.payment_refusal(now, course_open=course.accepts_applications(now)) is None
    )
    context["standing"] = standing(_facts(application, course, context, now))
    rendered = ports.renderer.render(job.kind, context)
    calendar = calendar_files(ports, job, application, course, recipients, now=now)
    message = OutgoingEmail(
        to=list(recipients),
        reply_to=_reply_to(job, application, course),
        subject=with_reference(rendered.subject, application.reference),
        text=rendered.text,
        html=rendered.html,
        attachments=calendar.attachments,
        # The From header's display name: the course people booked, not a bare address.
        sender_name=course.definition.title,
    )
    return message, calendar


def _booked_on(ports: Ports, application: Application, course: Course) -> str:
    """The name of the cohort the person booked, when the message comes from another one (a
    follow-up's host): their reference belongs to their own booking."""
    if application.course_id == course.course_id:
        return ""
    booked = ports.repository.get_course(application.course_id)
    if booked is None:
        return ""
    definition = booked.definition
    return course_name(definition.title, booked.first_start(), definition.timezone)


def with_reference(subject: str, reference: str | None) -> str:
    """Every subject ends with the application's reference, the one thing a person quotes when
    they reply or ring, and what they search their inbox for."""
    return f"{subject} ({reference})" if reference else subject


def _reply_to(job: EmailJob, application: Application, course: Course) -> list[str]:
    """Who a reply reaches: the facilitators answer the applicant straight from their copy;
    everyone else writes back to the centre's enquiries address."""
    if job.kind is EmailKind.FACILITATOR_COPY:
        return [application.answers.email]
    enquiries = course.definition.enquiries_email
    return [str(enquiries)] if enquiries else []


def _earlier_ended(ports: Ports, application: Application) -> str | None:
    """How the person's last earlier application for this course ended, if one did (a new
    application after a cancellation or refund starts afresh, and says so)."""
    earlier = [
        a
        for a in ports.repository.applications_of_person(application.answers.email)
        if a.course_id == application.course_id
        and a.application_id != application.application_id
        and a.created_at <= application.created_at
        and a.enrolment_ended
    ]
    return max(earlier, key=lambda a: a.created_at).status.value if earlier else None


def _facts(
    application: Application, course: Course, context: dict[str, Any], now: datetime
) -> Facts:
    timezone = course.definition.timezone
    held_until = application.hold_lapses_at()
    invoice = application.invoice
    return Facts(
        status=application.status.value,
        reason=application.status_reason,
        payment_pending=application.payment_pending,
        paid=application.amount_paid,
        booked=application.was_booked,
        nothing_to_pay=bool(context["nothing_to_pay"]),
        can_pay=bool(context["can_pay"]),
        checkout_open=bool(context["pay_url"]),
        price=context["amount_due"] or course.definition.price.display(),
        held_until=moment_when(held_until, timezone) if held_until and held_until > now else None,
        offer_until=context["offer_until"],
        waitlist_position=context["waitlist_position"],
        invoice_due=day_when(invoice.due_at, timezone) if invoice else None,
    )


def email_context(
    job: EmailJob,
    application: Application,
    course: Course,
    *,
    status_url: str,
    now: datetime,
    console_url: str = "",
    schedule: Sequence[ScheduledSession] | None = None,
    booked_on: str = "",
) -> dict[str, Any]:
    """Every value any template may use, for every kind (StrictUndefined catches typos).
    ``console_url``: the application's page in the organisers' console (facilitators' copy);
    ``schedule``: the sessions to show, when not the course's own list; ``booked_on``: the
    name of the cohort the person booked, when the message is from another (a follow-up's
    host)."""
    definition = course.definition
    timezone = definition.timezone
    schedule = course.schedule if schedule is None else schedule
    open_checkout = application.has_open_checkout(now) and application.checkout is not None
    session = _session(course, job) if job.kind in SESSION_KINDS else None
    one_event = job.kind in (EmailKind.FOLLOW_UP_INVITATION, EmailKind.FOLLOW_UP_CHANGED)
    listed = ([session] if session else []) if one_event else schedule
    # A change notice about a follow-up no cohort lists any more: when it would have been.
    removed_when = (
        moment_when(job.session_start, timezone)
        if job.kind is EmailKind.FOLLOW_UP_CHANGED and job.removed_follow_ups and job.session_start
        else None
    )
    changed = set(job.changed_sessions)
    currency = definition.price.currency
    price = application.price_or(definition.price)
    reason = job.reason or application.status_reason
    attendee = job.kind in ATTENDEE_KINDS and application.status is S.CONFIRMED
    return {
        "course": {
            "title": definition.title,
            # The title with its first day: which cohort the message is about.
            "name": course_name(definition.title, course.first_start(), timezone),
            "organisation": definition.organisation or "",
            "enquiries_email": str(definition.enquiries_email or ""),
            "price": definition.price.display(),
        },
        "name": application.answers.name,
        # Quoted on the phone and in replies; every message carries it.
        "reference": application.reference or "",
        "console_url": console_url if job.kind is EmailKind.FACILITATOR_COPY else "",
        "status_url": status_url,
        "pay_url": application.checkout.url if open_checkout and application.checkout else None,
        "approval_required": definition.approval_required,
        "paid": application.status is S.CONFIRMED,
        "was_paid": application.amount_paid > 0,
        "was_booked": application.was_booked,
        "status": application.status.value,
        "status_reason": application.status_reason,
        "payment_pending": application.payment_pending,
        "reason": reason,
        "waitlist_position": None,
        "earlier_status": None,
        "offer_reason": job.reason if job.kind is EmailKind.OFFER else None,
        "applicant_status": status_words(application.status.value),
        "submitted": moment_when(application.created_at, timezone),
        "answers": answers_said(application.answers),
        "amount_paid": _money(application.amount_paid, currency) or definition.price.display(),
        "amount_refunded": _money(application.amount_refunded, currency),
        "sessions": [_session_view(schedule, s, timezone, s.key in changed) for s in listed],
        "sessions_removed": bool(job.removed_sessions or job.removed_follow_ups),
        "removed_when": removed_when,
        # A changed follow-up: what changed, and when and what it was before.
        "change": job.follow_up_change or "moved",
        "was_when": moment_when(job.was_start, timezone) if job.was_start else None,
        "was_title": job.was_title,
        # The cohort the person booked (and their reference belongs to), where it is not the
        # one the message is from: a follow-up's host may be another cohort.
        "booked_on": booked_on,
        "session": _session_view(schedule, session, timezone) if session else None,
        # A programme's follow-up event, sent to a graduate of any of its cohorts.
        "for_graduate": job.person is not None,
        # The joining link is never public: only confirmed attendees see it.
        "joining_url": _joining_url(course) if attendee else None,
        "reason_text": REASON_WORDS.get(reason or "", DEFAULT_REFUND_WORDS)
        if job.kind is EmailKind.PAYMENT_REFUNDED
        else (REASON_WORDS.get(reason or "") if reason else None),
        "offer_until": moment_when(application.offer_expires_at, timezone)
        if application.offer_expires_at
        else None,
        "decline_message": application.decline_note or definition.decline_message,
        "invoice": _invoice_view(application, timezone),
        "paid_by_invoice": application.invoice is not None and application.invoice.status == "paid",
        "funded": application.fully_funded(definition.price),
        # A bursary or a 100% code covers the whole price: no payment to speak of.
        "nothing_to_pay": application.amount_due(price) == 0,
        # What a button or a line asking for payment names: what is left to pay.
        "to_pay": money_words(application.amount_due(price), price.currency)
        if application.amount_due(price)
        else price.display(),
        "bursary": _money(application.bursary, currency),
        "amount_due": money_words(application.amount_due(price), price.currency)
        if application.amount_due(price)
        else None,
        "discount_code": application.discount.code if application.discount else None,
    }


def _invoice_view(application: Application, timezone: str) -> dict[str, Any] | None:
    invoice, billing = application.invoice, application.billing
    if invoice is None:
        return None
    return {
        "number": invoice.number or invoice.invoice_id,
        "url": invoice.url,
        "due": day_when(invoice.due_at, timezone),
        "amount": money_words(invoice.amount_due, invoice.currency)
        if invoice.amount_due
        else "nothing",
        "billing_name": billing.billing_name if billing else "",
        "billing_email": billing.billing_email if billing else "",
        "po_number": billing.po_number if billing else "",
    }


def _session_view(
    schedule: Sequence[ScheduledSession],
    session: ScheduledSession,
    timezone: str,
    changed: bool = False,
) -> dict[str, Any]:
    position, total = session_position(schedule, session)
    follow_up = session.kind is SessionKind.FOLLOW_UP
    label = f"{'Follow-up session' if follow_up else 'Session'} {position} of {total}"
    # Organisers often title sessions "Session 2 of 6: Attending" already; do not say it twice.
    heading = (
        session.title
        if session.title.lower().startswith(label.lower())
        else (f"{label}: {session.title}")
    )
    return {
        "label": label,
        "heading": heading,
        "title": session.title,
        "when": session_when(session, timezone),
        "home_practice": session.home_practice,
        "is_follow_up": follow_up,
        "changed": changed,
    }


def _session(course: Course, job: EmailJob) -> ScheduledSession | None:
    """The session a job is about, by its stable key (by index for jobs queued before keys)."""
    if job.session_key is not None:
        return next((s for s in course.schedule if s.key == job.session_key), None)
    return next((s for s in course.schedule if s.index == job.session_index), None)


def _joining_url(course: Course) -> str | None:
    url = course.definition.joining_url
    return str(url) if url else None


def _money(amount: int, currency: str) -> str | None:
    return money_words(amount, currency) if amount > 0 else None
