"""What the console's timeline says of each email sent: its kind in words, whom it went to
(counted, never named), and which session a reminder was for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from booking.domain.dispute_told import DISPUTE_SUBJECTS
from booking.domain.disputes import DISPUTE_COPY
from booking.domain.email_ids import occasion_in_id
from booking.domain.emails import CERTIFICATE_HELD, EmailKind, instant_of, instant_token
from booking.domain.facilitators_told import (
    BOOKED,
    TO_FACILITATORS,
    WITHDRAWN,
    managers_name_asked,
)
from booking.domain.group_events import GroupEvent
from booking.domain.payer import ABOUT_THE_INVOICE, BILLING_NOTICE_SUFFIX
from booking.domain.recipients import Recipient
from booking.domain.time_words import day_when
from booking.domain.timeline import TimelineEntry

EMAIL_WORDS: Mapping[EmailKind, str] = {
    EmailKind.APPLICATION_RECEIVED: "Application received",
    EmailKind.FACILITATOR_COPY: "Facilitators' copy of the application",
    EmailKind.BOOKING_CONFIRMED: "Booking confirmed, with the calendar file",
    EmailKind.CHECKOUT_EXPIRED: "Payment not completed",
    EmailKind.PAYMENT_REFUNDED: "Payment refunded",
    EmailKind.SESSION_REMINDER: "Session reminder",
    EmailKind.FOLLOW_UP_INVITATION: "Follow-up invitation",
    EmailKind.WAITLISTED: "On the waiting list",
    EmailKind.WAIT_ENDED: "Applications closed: no place will be offered from the waiting list",
    EmailKind.REVIEW_ENDED: "Applications closed before the application was reviewed",
    EmailKind.WAIT_REOPENED: "The dates moved: waiting (or awaiting review) to the new closing",
    EmailKind.OFFER: "A place is offered, with a link to pay",
    EmailKind.DECLINED: "Application declined",
    EmailKind.CANCELLED: "Cancellation",
    EmailKind.SESSIONS_CHANGED: "Session dates changed, with the new calendar file",
    EmailKind.BOOKING_TRANSFERRED: "Moved to another cohort, with the calendar updated",
    EmailKind.MOVE_PAYMENT_DUE: "A move to a dearer cohort: the link to pay the difference",
    EmailKind.MOVE_LAPSED: "A move to another cohort did not happen: the booking stays",
    EmailKind.MOVE_WAITING: "A move to a full cohort waits on its waiting list: the place stays",
    EmailKind.FOLLOW_UP_CHANGED: "A follow-up session changed, with the calendar update",
    EmailKind.CERTIFICATE: "Certificate of completion, with the PDF",
    EmailKind.FOLLOW_UPS_WITHDRAWN: "Not a graduate: the follow-ups taken out of the calendar",
    EmailKind.ALREADY_APPLIED: "Applied again: told where the application stands",
    EmailKind.INVOICE_SENT: "The employer has been invoiced",
    EmailKind.INVOICE_ENDED: "The invoice no longer holds the place",
    EmailKind.INVOICE_PAYMENT_FAILED: "A payment of the invoice failed: it is still open to pay",
    EmailKind.PAYMENT_RECEIVED: "The payment received outside Stripe acknowledged",
    EmailKind.BURSARY_GRANTED: "A bursary was granted, with what is left to pay",
    EmailKind.GROUP_BOOKED: "Places booked by a manager: their page, booked or paid",
    EmailKind.GROUP_PLACE_LINK: "A colleague's own link to apply for a booked place",
    EmailKind.GROUP_CHANGED: "A manager told of a change to their booking's places or money",
    EmailKind.GROUP_PLACE_GIVEN_UP: "A colleague told their place was given up: the link is dead",
    EmailKind.GROUP_DISPUTED: "The facilitators told the payer's bank disputed the group's payment",
    EmailKind.DELETE_YOUR_COPY: "Asked to delete the application: the person's data was erased",
    EmailKind.ERASED_DISPUTED: "The facilitators told of an erased person's disputed payment",
}

# What a message that a hold ended (or a payment of it failed) told, by its reason (a turning-down,
# and a refused payment of an offer that still holds, read "Payment not completed").
HOLD_NEWS_WORDS: Mapping[str, str] = {
    "offer_declined": "Offer turned down: the place went back to the course",
    "offer_lapsed": "The offer lapsed: the place was released",
    "failed": "The bank refused the payment: the place was released",
    "offer_payment_failed": "The bank refused the payment: the offered place is still held",
}

# The old billing contact's message when an invoice was corrected to another.
INVOICE_REPLACED_WORDS = "The invoice was replaced by a corrected one: nothing to pay on it"

# The facilitators' messages that are no copy of a new application, by their occasion (or its
# start): each named as what it told them, as its subject does.
FACILITATORS_TOLD_WORDS: Mapping[str, str] = {
    BOOKED: "New booking, with the application",
    f"{DISPUTE_COPY}-": "Payment disputed by the payer's bank",
    WITHDRAWN: "Participant withdrawn: no longer on the cohort's roster",
    "moved-in-": "Booking moved to the facilitators' cohort, with the application",
    "moved-out-": "Booking moved away from the facilitators' cohort",
}


def _facilitators_copy_said(job_id: str | None) -> str | None:
    """What a facilitators' message other than the copy of the application told them, by its
    job id's occasion; None for the copy of an application to review (or one queued before
    copies had occasions)."""
    occasion = occasion_in_id(EmailKind.FACILITATOR_COPY, job_id).get("occasion", "")
    return next(
        (words for start, words in FACILITATORS_TOLD_WORDS.items() if occasion.startswith(start)),
        None,
    )


def _dispute_said(entry: TimelineEntry) -> str:
    """An organisers' message about a dispute, as its subject said what the bank did when it
    went (an erased person's says it named nobody)."""
    subject = DISPUTE_SUBJECTS[entry.bank_did] if entry.bank_did else ""
    if entry.email is EmailKind.ERASED_DISPUTED:
        return f"{subject}: the person's data erased, naming nobody"
    return subject


# A request to delete made for the erasure of the manager who booked the place, not the person's.
MANAGERS_NAME_ASKED = (
    "Asked to delete the emails naming who booked the place: the manager's data was erased"
)


def reminded_session(job_id: str | None) -> tuple[str, str, str] | None:
    """The cohort, core session key and start (``instant_token``) a reminder's job was for
    (``EmailJob.session_reminder``'s id:
    ``session_reminder:<application>:<course>:<session>:<start>:h<hours>``), None otherwise."""
    parts = (job_id or "").split(":")
    if len(parts) != 6 or parts[0] != EmailKind.SESSION_REMINDER.value:
        return None
    return parts[2], parts[3], parts[4]


def reminder_key(course_id: str, session_key: str, start: datetime) -> str:
    """What names a session a reminder was for: its cohort, its key and its start then. A
    booking moved to another cohort, or a session moved since, is another key, so an earlier
    reminder is never named by the session as it is now."""
    return f"{course_id}:{session_key}:{instant_token(start)}"


def _reminder_said(
    job_id: str | None, sessions: Mapping[str, str], timezone: str, cohorts: Mapping[str, str]
) -> str:
    """ "Session 1 of 2, Sunday 6 December 2026" for a session of the booking's cohort as it
    still is (``sessions``, by ``reminder_key``); else its day when sent, and the cohort's
    name when it was another's (``cohorts``); "" for an email that is no reminder."""
    reminded = reminded_session(job_id)
    if reminded is None:
        return ""
    course_id, _key, token = reminded
    named = sessions.get(":".join(reminded))
    if named:
        return named
    start = instant_of(token)
    if start is None:
        return ""
    cohort = cohorts.get(course_id)
    return f"the session of {day_when(start, timezone)}" + (f" on {cohort}" if cohort else "")


def email_said(
    entry: TimelineEntry,
    sessions: Mapping[str, str],
    timezone: str = "Europe/London",
    cohorts: Mapping[str, str] | None = None,
) -> str | None:
    """ "Email sent to the applicant: Session reminder: Session 1 of 2, Sunday 6 December
    2026". ``sessions``: the booking's cohort's core sessions by ``reminder_key`` -> what to
    call each; ``cohorts``: course ids -> what to call each, for a reminder of a cohort the
    booking has left."""
    if entry.email is None:
        return None
    if (entry.job_id or "").endswith(f":{CERTIFICATE_HELD}"):  # a held certificate's news
        return f"Email sent {_audience(entry)}: completed, the certificate to follow (held)"
    said = EMAIL_WORDS[entry.email]
    if entry.email is EmailKind.CHECKOUT_EXPIRED:
        said = HOLD_NEWS_WORDS.get(entry.reason or "", said)
    if entry.email is EmailKind.INVOICE_ENDED and entry.reason == GroupEvent.INVOICE_CORRECTED:
        said = INVOICE_REPLACED_WORDS
    if entry.email is EmailKind.FACILITATOR_COPY:
        said = _facilitators_copy_said(entry.job_id) or said
    if managers_name_asked(entry.job_id):
        said = MANAGERS_NAME_ASKED
    if entry.bank_did is not None:  # a dispute's message: what it said, as its subject did
        said = _dispute_said(entry)
    named = _reminder_said(entry.job_id, sessions, timezone, cohorts or {})
    return f"Email sent {_audience(entry)}: {said}{f': {named}' if named else ''}"


# Whom an email went to, as the timeline says it (facilitators: counted by address).
AUDIENCE_WORDS: Mapping[Recipient, str] = {
    Recipient.APPLICANT: "to the applicant",
    Recipient.BILLING_CONTACT: "to the billing contact",
    Recipient.MANAGER: "to the manager who booked the place",
    Recipient.COLLEAGUE: "to the colleague named on the place",
}


def addresses_said(count: int) -> str:
    """How many addresses an email to the facilitators went to ("1 address"), as the timeline
    and the erasure's summary both count them: facilitators who share an inbox are one."""
    return f"{count} address{'es' if count != 1 else ''}"


def _audience(entry: TimelineEntry) -> str:
    to = entry.to or _recorded_before_roles(entry)
    if to is Recipient.FACILITATORS:
        # Counted by address: facilitators who share an inbox get one copy.
        return f"to the facilitators ({addresses_said(entry.recipients or 0)})"
    if to is None:  # one message to both, as was sent before each had their own
        return "to the applicant and the billing contact"
    return AUDIENCE_WORDS[to]


def _recorded_before_roles(entry: TimelineEntry) -> Recipient | None:
    """Whom an email recorded before the timeline kept its role went to, as far as its entry
    tells (the billing contact's own message by its job id's suffix)."""
    if entry.email in TO_FACILITATORS:
        return Recipient.FACILITATORS
    if (entry.job_id or "").endswith(f":{BILLING_NOTICE_SUFFIX}"):
        return Recipient.BILLING_CONTACT
    if entry.email in ABOUT_THE_INVOICE and (entry.recipients or 0) > 1:
        return None
    return Recipient.APPLICANT
