"""What a queued email says: every value its template may use, built from the job, the
application and the course as they are at send time (``services.mailer`` sends it,
``services.email_composing`` renders it). Pure: no ports, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from booking.domain.application import PAID_WHEN_FULL, Application, ApplicationStatus
from booking.domain.billing import invoice_can_be_asked
from booking.domain.billing_notices import (
    PAID_BY_ORGANISATION_WORDS,
    PERSONS_PAYMENT_WORDS,
    billing_reason_text,
    reason_as_of,
)
from booking.domain.course import (
    CHECKOUT_HOLD_SAID,
    Course,
    CourseDefinition,
    ScheduledSession,
    SessionKind,
)
from booking.domain.covered import covered_words
from booking.domain.decline_message import STANDARD_DECLINE_MESSAGE, decline_message_chosen
from booking.domain.dispute_told import dispute_told_values
from booking.domain.disputes import own_place
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.emails_as_queued import still_asks
from booking.domain.money import money_if_any
from booking.domain.payer import named, payer_of, refunded_invoice_number, to_billing_contact_alone
from booking.domain.refund_figures import MOVE_PAID_AFTER_END, refund_said
from booking.domain.reminders import reminder_said, session_position
from booking.domain.waiting_list_leaving import WITHDRAWN_BY_APPLICANT
from booking.domain.wording import (
    answers_said,
    course_name,
    moment_when,
    money_words,
    refunded_earlier_words,
    session_when,
    status_words,
)
from booking.services.email_invoice import billing_alone_context, invoice_view

S = ApplicationStatus
# Messages that carry the joining link or are about attending: only for confirmed people.
ATTENDEE_KINDS = frozenset(
    {
        EmailKind.BOOKING_CONFIRMED,
        EmailKind.SESSION_REMINDER,
        EmailKind.FOLLOW_UP_INVITATION,
        EmailKind.SESSIONS_CHANGED,
        EmailKind.FOLLOW_UP_CHANGED,
        EmailKind.BOOKING_TRANSFERRED,
    }
)
# Messages that list every session of the booking.
LISTS_SESSIONS = frozenset(
    {EmailKind.BOOKING_CONFIRMED, EmailKind.SESSIONS_CHANGED, EmailKind.BOOKING_TRANSFERRED}
)
# Messages about one session.
SESSION_KINDS = frozenset(
    {EmailKind.SESSION_REMINDER, EmailKind.FOLLOW_UP_INVITATION, EmailKind.FOLLOW_UP_CHANGED}
)
# Messages about one follow-up event (and no other session).
ONE_EVENT_KINDS = frozenset({EmailKind.FOLLOW_UP_INVITATION, EmailKind.FOLLOW_UP_CHANGED})

# Reasons whose words say whom to ask if it is a mistake (the manager who booked the place):
# the cancellation email then does not add its own "reply to this email" after them.
MISTAKE_SAID = frozenset({"substituted", "group_place_cancelled", WITHDRAWN_BY_APPLICANT})

# A colleague withdrawn from a group's place, said by who did it.
WITHDRAWN_FROM_GROUP = {
    "substituted": "the manager who booked their place has named another colleague instead",
    "group_place_cancelled": "the manager who booked their place has given the place up",
    "group_place_cancelled_by_organisers": (
        "the organisers cancelled the place the group booking held for them"
    ),
    # Not a group's: an ordinary booking the organisers cancelled.
    "cancelled_by_organisers": "the organisers cancelled their booking",
    "booking_refunded": "their payment was refunded in full, so their booking has ended",
}

REASON_WORDS = {
    WITHDRAWN_BY_APPLICANT: (
        "You asked to leave the waiting list from your application's page, so we will not "
        "offer you a place on this course. If you did not ask for this, please reply to this "
        "email. You are welcome to apply again while the course is taking applications."
    ),
    # A colleague's place in a manager's group booking, withdrawn by the manager.
    "substituted": (
        "The manager who booked your place has given it to a colleague instead, so you no "
        "longer have a place on this course. If you think this is a mistake, please ask them."
    ),
    "group_place_cancelled": (
        "The manager who booked your place has given it up, so you no longer have a place on "
        "this course. If you think this is a mistake, please ask them."
    ),
    # The same, by the organisers, once the manager who booked it was erased.
    "group_place_cancelled_by_organisers": (
        "The organisers have cancelled the place your employer's group booking held for you, "
        "so you no longer have a place on this course."
    ),
    PAID_WHEN_FULL: (
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
        "Your booking has been cancelled, and your payment refunded in full. If you did not "
        "expect this, just reply to this email."
    ),
    "moved_cheaper": (
        "The booking moved to another cohort of the course that costs less, so the difference "
        "is given back; the place itself goes on, on the new cohort."
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
    **PERSONS_PAYMENT_WORDS,
    "invoice_not_issued": (
        "We could not send the new invoice for what is left to pay after your bursary, so "
        "the place could not be held for it."
    ),
    "move_lapsed_payment_refunded": (
        "This payment was for moving your place to another cohort, but that move had ended "
        "when it reached us (it was not paid in time, it was withdrawn, or your booking "
        "changed), so we have refunded it in full. Your booking is as it was."
    ),
    MOVE_PAID_AFTER_END: (
        "This payment was for moving your place to another cohort. Your booking has been "
        "cancelled, so we have refunded this payment in full as well."
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
    ``console_url``: the application's page in the organisers' console (given to theirs);
    ``schedule``: the sessions to show, when not the course's own list; ``booked_on``: the
    name of the cohort the person booked, when the message is from another (a follow-up's)."""
    definition = course.definition
    attendee = job.kind in ATTENDEE_KINDS and application.status is S.CONFIRMED
    return {
        "course": _course_view(course),
        "name": named(application),
        # Quoted on the phone and in replies; every message carries it.
        "reference": application.reference or "",
        "console_url": console_url,
        "status_url": status_url,
        "approval_required": definition.approval_required,
        "submitted": moment_when(application.created_at, definition.timezone),
        # Never to their billing contact (``domain.payer.as_the_billing_contact_sees``).
        "answers": answers_said(application.answers),
        # The cohort the person booked (and their reference belongs to), where it is not the
        # one the message is from: a follow-up's host may be another cohort.
        "booked_on": booked_on,
        # A programme's follow-up event, sent to a graduate of any of its cohorts.
        "for_graduate": job.person is not None,
        # The joining link is never public: only confirmed attendees see it.
        "joining_url": _joining_url(course) if attendee else None,
        **_status_context(job, application, definition),
        # Who paid (an organisation, by invoice, or the person; ``domain.payer``).
        "payer": payer_of(application, job).organisation,
        # Written to the billing contact alone: its own message beside the person's about its
        # invoice or money, or a move's refund (the person has the move's email); an invoice
        # corrected to another billing contact: the one it went to, and it.
        **billing_alone_context(job, application.price_or(definition.price).currency),
        **_payment_context(application, definition, now),
        **_refund_context(job, application, definition.price.currency),
        **_sessions_context(job, course, course.schedule if schedule is None else schedule, now),
        # A move to another cohort: the cohort left, the one moved to when written for another
        # (named by the composer, which reads them), and what the move gives back.
        "moved_from": "",
        "moved_via": "",
        # A move that did not happen: the cohort it was to join (named by the composer).
        "move_to": "",
        # A colleague filling a manager's group place: who booked and paid for it ("<manager>
        # of <organisation>"), said by the composer, which reads the group.
        "paid_by_group": None,
        "moved_refund": money_if_any(job.amount or 0, definition.price.currency)
        if job.kind is EmailKind.BOOKING_TRANSFERRED
        else None,
        "moved_charged": _moved_charged(job, application, definition.price.currency),
        **_move_context(job, application, definition.timezone),
    }


def _moved_charged(job: EmailJob, application: Application, currency: str) -> str | None:
    """The difference the person paid for the move the message is about (a dearer cohort's),
    in words; None for any other message or move."""
    if job.kind is not EmailKind.BOOKING_TRANSFERRED:
        return None
    move = job.move
    if move is None or not 0 < move <= len(application.transfers):
        return None
    charged = application.transfers[move - 1].difference_charged
    return money_if_any(charged, currency) if charged else None


def _move_context(job: EmailJob, application: Application, timezone: str) -> dict[str, Any]:
    """A move to a dearer cohort (``domain.dearer_moves``): the difference the message is
    about, and, while that move still waits, its link to pay and its deadline."""
    pending = application.pending_move
    waiting = still_asks(application, job)
    price = pending.price_after if pending else application.price
    currency = price.currency if price is not None else "gbp"
    return {
        "bursary_beyond": None,  # a bursary beyond a move's new price (said by the composer)
        "move_difference": money_if_any(job.amount or 0, currency)
        if job.kind in (EmailKind.MOVE_PAYMENT_DUE, EmailKind.MOVE_LAPSED)
        else None,
        "move_pay_url": pending.url if waiting and pending is not None else None,
        "move_until": moment_when(pending.expires_at, timezone)
        if waiting and pending is not None
        else None,
    }


def _course_view(course: Course) -> dict[str, Any]:
    definition = course.definition
    return {
        "title": definition.title,
        # The title with its first day: which cohort the message is about.
        "name": course_name(definition.title, course.first_start(), definition.timezone),
        "organisation": definition.organisation or "",
        "enquiries_email": str(definition.enquiries_email or ""),
        "price": definition.price.display(),
    }


def _status_context(
    job: EmailJob, application: Application, definition: CourseDefinition
) -> dict[str, Any]:
    """Where the application stands, and why."""
    reason = reason_as_of(job.reason or application.status_reason, application.status.value)
    offer_expires = application.offer_expires_at
    # A facilitators' copy says the application as it was queued (``EmailJob.status_then``).
    status_then = job.status_then or application.status.value
    return {
        "paid": status_then == S.CONFIRMED.value,
        "was_paid": application.charges_paid > 0,
        "was_booked": application.was_booked,
        "status": application.status.value,
        "status_reason": application.status_reason,
        "payment_pending": application.payment_pending,
        "reason": reason,
        # Filled in by the composer for the kinds that say them.
        "waitlist_position": None,
        "earlier_status": None,
        "offer_reason": job.reason if job.kind is EmailKind.OFFER else None,
        "applicant_status": status_words(status_then),
        "status_recorded": job.status_then is not None,
        # The organisers' message about a payer's bank's dispute (its occasion names it, as
        # only the facilitators' copy's and an erased person's do): its words and subject.
        **dispute_told_values(
            job.occasion,
            application.disputes,
            definition.timezone,
            application.payment_refunds,
            place=own_place(application.enrolment_ended),
        ),
        # A facilitators' copy about a colleague withdrawn from a group's place: who did it and
        # how, from the job's own reason (never the application's later one).
        "withdrawn_from_group": WITHDRAWN_FROM_GROUP.get(job.reason or "")
        if job.kind is EmailKind.FACILITATOR_COPY
        else None,
        "reason_text": billing_reason_text(reason, named(application))
        if to_billing_contact_alone(job)
        else _reason_text(job.kind, reason, payer_of(application, job).organisation),
        "mistake_said": reason in MISTAKE_SAID,
        "offer_until": moment_when(offer_expires, definition.timezone) if offer_expires else None,
        "decline_message": decline_message_chosen(
            application.decline_note, definition.decline_message
        ),
        "standard_decline": STANDARD_DECLINE_MESSAGE,  # neither given (``domain.decline_message``)
    }


def _reason_text(kind: EmailKind, reason: str | None, payer: str) -> str | None:
    """The words for why: a refund always explains itself, other messages only when a reason
    has words of its own; said of the organisation's payment when its invoice paid."""
    if payer and reason in PAID_BY_ORGANISATION_WORDS:
        return PAID_BY_ORGANISATION_WORDS[reason].format(payer=payer)
    if kind is EmailKind.PAYMENT_REFUNDED:
        return REASON_WORDS.get(reason or "", DEFAULT_REFUND_WORDS)
    return REASON_WORDS.get(reason) if reason else None


def _payment_context(
    application: Application, definition: CourseDefinition, now: datetime
) -> dict[str, Any]:
    """What was paid, what is owed, and how to pay it."""
    currency = definition.price.currency
    price = application.price_or(definition.price)
    due = application.amount_due(price)
    checkout = application.checkout
    open_checkout = application.has_open_checkout(now) and checkout is not None
    return {
        "pay_url": checkout.url if open_checkout and checkout else None,
        "amount_paid": money_if_any(application.charges_paid, currency)
        or definition.price.display(),
        "amount_refunded": money_if_any(application.charges_refunded, currency),
        "invoice": invoice_view(application, definition.timezone),
        "paid_by_invoice": payer_of(application).by_invoice,
        "funded": application.fully_funded(definition.price),
        # A bursary or a 100% code covers the whole price: no payment to speak of.
        "nothing_to_pay": due == 0,
        # An invoice may be asked for again (the billing contact is still named).
        "invoice_possible": invoice_can_be_asked(application.billing, definition.invoice_allowed),
        # What a button or a line asking for payment names: what is left to pay.
        "to_pay": money_words(due, price.currency) if due else price.display(),
        # How long a checkout holds the place: the one setting (``CHECKOUT_HOLD``) in words.
        "hold_said": CHECKOUT_HOLD_SAID,
        "bursary": money_if_any(application.bursary_covering(definition.price), currency),
        # Paid beyond what is due (a bursary granted as the payment was made): it goes back.
        "paid_beyond_due": money_if_any(application.charges_paid - due, currency),
        # Left to pay now (``Application.left_to_pay``): nothing once paid, if as it was granted.
        "amount_due": money_if_any(application.left_to_pay(price), price.currency),
        "discount_code": application.discount.code if application.discount else None,
        # What brought the price to nothing, with amounts: the code, the bursary or both.
        "covered": covered_words(application, definition.price) if due == 0 else "",
    }


def _refund_context(job: EmailJob, application: Application, currency: str) -> dict[str, Any]:
    """What the refund a message is about gives back (``refund_now``) and, when earlier refunds
    were made, what has come back in all (``refunded_earlier``: "" when there were none). A
    refund's message says what that refund gave back; a cancellation's, what its refund gives
    back: all that was kept, so with the earlier ones everything paid."""
    this_refund, in_all = refund_said(job, application)
    return {
        "refund_now": money_if_any(this_refund, currency),
        "paid_invoice_number": refunded_invoice_number(job, application),
        "refunded_earlier": refunded_earlier_words(this_refund, in_all, currency),
    }


def _sessions_context(
    job: EmailJob, course: Course, schedule: Sequence[ScheduledSession], now: datetime
) -> dict[str, Any]:
    """The sessions the message lists, the one it is about, and what changed in them."""
    timezone = course.definition.timezone
    session = job_session(course, job) if job.kind in SESSION_KINDS else None
    listed = ([session] if session else []) if job.kind in ONE_EVENT_KINDS else schedule
    changed = set(job.changed_sessions)
    return {
        "sessions": [_session_view(schedule, s, timezone, s.key in changed) for s in listed],
        "sessions_removed": bool(job.removed_sessions or job.removed_follow_ups),
        "renamed_only": job.renamed_only,
        # A new joining link, alone or with the changes above.
        "relinked": job.relinked,
        "link_only": job.relinked
        and not (job.changed_sessions or job.removed_sessions or job.removed_follow_ups),
        "links_elsewhere": [],  # follow-ups another cohort hosts, by their link (the composer's)
        "removed_when": _removed_when(job, timezone),
        # A changed follow-up: what changed, and when and what it was before.
        "change": job.follow_up_change or "moved",
        "was_when": moment_when(job.was_start, timezone) if job.was_start else None,
        "was_title": job.was_title,
        "session": _session_view(schedule, session, timezone) if session else None,
        # How soon a reminder's session is: by its offset or, sent late, by the time left.
        "soon": reminder_said(job, session, timezone, now),
        # An invitation promises a reminder only while one is still to come (the composer's).
        "reminded_later": True,
    }


def _removed_when(job: EmailJob, timezone: str) -> str | None:
    """A change notice about a follow-up no cohort lists any more: when it would have been."""
    if job.kind is EmailKind.FOLLOW_UP_CHANGED and job.removed_follow_ups and job.session_start:
        return moment_when(job.session_start, timezone)
    return None


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
    titled = session.title.lower().startswith(label.lower())
    heading = session.title if titled else f"{label}: {session.title}"
    return {
        "label": label,
        "heading": heading,
        "title": session.title,
        "when": session_when(session, timezone),
        "home_practice": session.home_practice,
        "is_follow_up": follow_up,
        "changed": changed,
    }


def job_session(course: Course, job: EmailJob) -> ScheduledSession | None:
    """The session a job is about, by its stable key (by index for jobs queued before keys)."""
    if job.session_key is not None:
        return next((s for s in course.schedule if s.key == job.session_key), None)
    return next((s for s in course.schedule if s.index == job.session_index), None)


def _joining_url(course: Course) -> str | None:
    url = course.definition.joining_url
    return str(url) if url else None
