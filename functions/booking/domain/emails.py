"""Email jobs: which message to send about which application.

A job names a message and the ids it is about, never an address or a name: the mailer looks the
person up when it sends, so nothing personal waits in a queue, and an erased person gets nothing.
The job id is deterministic and names everything the message is about, so a job queued twice is
sent once (the mailer claims it by id) and two different messages never share an id: a session
reminder names the course (or the programme, for a follow-up event), the session by its stable
key *and* its start (a moved session is a new occasion to remind), the person and the offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypedDict, Unpack

from pydantic import ConfigDict, model_validator

from booking.domain.email_records import BookingThen, ReplacedBilling
from booking.domain.model import Model
from booking.domain.statuses import refuse_the_erased

# What a facilitator's copy of a moved booking tells (its reason): joining or leaving them.
MOVED_IN, MOVED_OUT = "moved_in", "moved_out"
# The occasion of a completer's news while their certificate is held (it will follow).
CERTIFICATE_HELD = "held"


class EmailKind(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    FACILITATOR_COPY = "facilitator_copy"
    BOOKING_CONFIRMED = "booking_confirmed"
    CHECKOUT_EXPIRED = "checkout_expired"
    PAYMENT_REFUNDED = "payment_refunded"
    SESSION_REMINDER = "session_reminder"
    FOLLOW_UP_INVITATION = "follow_up_invitation"
    WAITLISTED = "waitlisted"
    # Applications closed (``domain.offer_ends``): a wait on the list ended, a review was never
    # made; the dates moved later and the list (or the review) opened again.
    WAIT_ENDED, REVIEW_ENDED, WAIT_REOPENED = "wait_ended", "review_ended", "wait_reopened"
    OFFER = "offer"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    INVOICE_SENT = "invoice_sent"  # to the applicant: their employer has been invoiced
    INVOICE_ENDED = "invoice_ended"  # to applicant and billing contact: the place went back
    # To applicant and billing contact: a payment of the open invoice failed, it is still open
    INVOICE_PAYMENT_FAILED = "invoice_payment_failed"
    PAYMENT_RECEIVED = "payment_received"  # to whoever paid: a payment outside Stripe recorded
    BURSARY_GRANTED = "bursary_granted"  # part funded: what is left to pay
    ALREADY_APPLIED = "already_applied"  # someone applied again: where their application stands
    SESSIONS_CHANGED = "sessions_changed"  # the organiser moved, renamed or removed sessions
    FOLLOW_UP_CHANGED = "follow_up_changed"  # a follow-up event changed: to one person
    # The register closed: completing, their certificate (a PDF); not, their follow-ups out.
    CERTIFICATE, FOLLOW_UPS_WITHDRAWN = "certificate", "follow_ups_withdrawn"
    # The organiser moved the booking to another cohort: old sessions out, new ones in.
    BOOKING_TRANSFERRED = "booking_transferred"
    # A move to a dearer cohort: the link to pay the difference (with its deadline), and, if
    # it lapses unpaid or is withdrawn, that the booking stays where it is.
    MOVE_PAYMENT_DUE = "move_payment_due"
    MOVE_LAPSED = "move_lapsed"
    # A move joined a full cohort's waiting list (``domain.waiting_moves``): the place stays.
    MOVE_WAITING = "move_waiting"
    # Places booked by a manager (``domain.groups``): to the manager, their page (booked, then
    # paid); to each colleague, their own link to the application form (and to a substitute).
    GROUP_BOOKED, GROUP_PLACE_LINK = "group_booked", "group_place_link"
    # To the manager: something happened to their booking they did not just see on their page
    # (a place's share refunded, the invoice reissued, the hold lapsed, places released at the
    # deadline, a payment given back); ``reason`` says which (``domain.group_notices``).
    GROUP_CHANGED = "group_changed"
    # To a colleague sent a link who had not applied: the manager gave the place up (dead link).
    GROUP_PLACE_GIVEN_UP = "group_place_given_up"
    # To the course's facilitators: a payer's bank disputed the group's payment (once per
    # dispute, ``occasion`` its id: ``services.group_dispute_told``).
    GROUP_DISPUTED = "group_disputed"
    # To the course's facilitators: a payer's bank disputed the payment of a booking whose
    # person was erased: the facilitators' copy of the dispute, composed as
    # this kind under the copy's own job id (``mailer``), naming nobody.
    ERASED_DISPUTED = "erased_disputed"
    # To the facilitators sent an erased person's application: delete it (its reference alone).
    DELETE_YOUR_COPY = "delete_your_copy"


# The kinds about a group booking rather than an application (``application_id`` names the
# group): the mailer sends them through ``services.group_emails``.
GROUP_KINDS = frozenset(
    {
        EmailKind.GROUP_BOOKED,
        EmailKind.GROUP_PLACE_LINK,
        EmailKind.GROUP_CHANGED,
        EmailKind.GROUP_PLACE_GIVEN_UP,
        EmailKind.GROUP_DISPUTED,
    }
)

# The messages that describe the application as it stood when they were queued (each job
# records the status then, ``EmailJob.status_then``): the facilitators' copy of what was
# submitted, and where a new application stood when it was made or joined the waiting list.
SAID_AS_QUEUED = frozenset(
    {EmailKind.FACILITATOR_COPY, EmailKind.APPLICATION_RECEIVED, EmailKind.WAITLISTED}
)


_INSTANT = "%Y%m%dT%H%MZ"


def instant_token(moment: datetime) -> str:
    """A session's start as it appears in ids and keys: UTC, to the minute."""
    return moment.astimezone(UTC).strftime(_INSTANT)


def instant_of(token: str) -> datetime | None:
    """The moment an :func:`instant_token` names (None: ``token`` is not one)."""
    try:
        return datetime.strptime(token, _INSTANT).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class FollowUpRecipient:
    """Whom a message about a programme's follow-up event goes to, and which event: the person
    (their key) with the booking the message is about, the programme, the event's key, its
    start and the cohort hosting it."""

    person: str
    application_id: str
    programme: str
    event_key: str
    session_start: datetime
    host_course_id: str


class JobAbout(TypedDict, total=False):
    """What ``EmailJob.about`` takes beside the kind and the ids, each optional."""

    occasion: str  # tells legitimately repeated messages apart (a second checkout expiry)
    reason: str | None
    amount: int | None  # the money the message is about (a refund's)
    move: int | None  # the move's number
    from_course_id: str | None  # BOOKING_TRANSFERRED: the cohort the booking left


class EmailJob(Model):
    model_config = ConfigDict(frozen=True)

    job_id: str
    kind: EmailKind
    application_id: str  # the booking whose person the message is for
    course_id: str  # the course whose details it carries (a follow-up event: its host cohort)
    session_index: int | None = None  # jobs queued before sessions had keys
    session_key: str | None = None
    session_start: datetime | None = None  # the start the reminder was planned for
    # When a reminder was claimed: if the session moved since, it is still sent when in time for
    # the new start (``domain.reminders.still_reminds``), and is then that offset's one reminder.
    planned_at: datetime | None = None
    offset_hours: int | None = None
    person: str | None = None  # follow-up events: the person (key) one message goes to
    programme: str | None = None  # follow-up events: the programme the event belongs to
    changed_sessions: tuple[str, ...] = ()  # SESSIONS_CHANGED: keys moved or renamed
    removed_sessions: tuple[str, ...] = ()  # SESSIONS_CHANGED: core keys no longer held
    removed_follow_ups: tuple[str, ...] = ()  # SESSIONS_CHANGED: follow-up keys no longer listed
    renamed_only: bool = False  # SESSIONS_CHANGED: only titles changed (no date or time)
    # SESSIONS_CHANGED: the sessions' joining link is another now; FOLLOW_UP_CHANGED: the
    # event's too, beside the change ``follow_up_change`` names.
    relinked: bool = False
    # FOLLOW_UP_CHANGED: what changed (``domain.programme.EventChange.what``: moved, retimed,
    # renamed, moved_renamed, added, removed, relinked) and the event as it was, to word it.
    follow_up_change: str | None = None
    was_start: datetime | None = None
    was_title: str | None = None
    reason: str | None = None
    # PAYMENT_REFUNDED: what this refund gave back (minor units), beside what has been refunded
    # in all; None for jobs queued before it was recorded.
    amount: int | None = None
    # PAYMENT_REFUNDED of what an invoice paid (the employer's money, whatever invoice the
    # booking holds by the time it is said): that invoice's number ("" when not known). None:
    # not an invoice's payment, or queued before this was recorded (the booking's invoice says).
    refunded_invoice: str | None = None
    from_course_id: str | None = None  # BOOKING_TRANSFERRED: the cohort left (sessions out)
    to_course_id: str | None = None  # MOVE_LAPSED: the cohort the booking was to join
    # GROUP_PLACE_LINK: the place (its number in the group) whose colleague it goes to.
    group_place: int | None = None
    # The kinds in SAID_AS_QUEUED: the application's status when queued, so the message says it
    # as it was then, never a later one (None: queued before it was recorded: the current one).
    status_then: str | None = None
    # GROUP_CHANGED: the places the event was about (their numbers), and how many the group
    # kept after it (a reissued invoice's places).
    group_places: tuple[int, ...] = ()
    places_kept: int | None = None
    # GROUP_CHANGED of a payment given back: why it could not be taken, as decided when it came
    # (``domain.group_stripe_events.why_not_taken``; None: queued before it was kept).
    returned_because: str | None = None
    # The billing contact's own message about what became of the invoice or the money it paid
    # (``domain.payer.billing_notice``): to them alone, beside the person's message.
    to_billing_contact: bool = False
    # The kinds that say the booking's money (``domain.emails_as_queued.MONEY_AS_QUEUED``):
    # its record when the message was saved to the outbox (None: queued before it was kept,
    # composed from the record as it is).
    booking_then: BookingThen | None = None
    # Which message of its kind about the booking (or group) this is: its ``occasion``
    # ("withdrawn", "held", an invoice's id, "v2"), and the ``move`` it is about (its number).
    # Set where jobs are made; the id (the idempotency key) names them too, and a job queued
    # before they were kept has them read from it as it loads (``email_ids.occasion_in_id``).
    occasion: str | None = None
    move: int | None = None
    # INVOICE_ENDED of an invoice corrected to another billing contact: the contact it was
    # sent to, told it was replaced; None for every other message.
    replaced_billing: ReplacedBilling | None = None

    @model_validator(mode="before")
    @classmethod
    def _kept_from_its_id(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "occasion" in data or "move" in data:
            return data
        from booking.domain.email_ids import occasion_in_id  # which reads ids of these jobs

        return {**data, **occasion_in_id(data.get("kind"), data.get("job_id"))}

    def as_of(self, status: str, *, again: bool = False) -> EmailJob:
        """This job recording ``status`` as its application's status when it was queued, if it
        is of a kind said as queued; once recorded, a status changes only ``again`` (a new
        application's place is decided after its first messages are queued)."""
        if self.kind not in SAID_AS_QUEUED or (self.status_then is not None and not again):
            return self
        return self.model_copy(update={"status_then": status})

    @classmethod
    def for_group(
        cls, kind: EmailKind, group_id: str, course_id: str, *, occasion: str, place: int | None
    ) -> EmailJob:
        """A message about a group booking: to its manager, or to the colleague of ``place``
        (``occasion`` tells a paid notice from a booked one, a substitute's link from the
        first)."""
        parts = [kind.value, group_id, *([f"place{place}"] if place else []), occasion]
        return cls(
            job_id=":".join(parts),
            kind=kind,
            application_id=group_id,
            course_id=course_id,
            group_place=place,
            occasion=occasion,
        )

    @classmethod
    def group_changed(
        cls, group_id: str, course_id: str, event: str, occasion: str, **said: Any
    ) -> EmailJob:
        """A group booking's ``event`` told (``domain.group_notices``, ``domain.payer``), keyed
        by the group, the event and its ``occasion``; ``said``: the fields that word it (an
        amount, the places, ``to_billing_contact``: the billing contact's own message)."""
        kind = EmailKind.GROUP_CHANGED
        job_id = f"{kind.value}:{group_id}:{event}:{occasion}"
        if said.get("to_billing_contact"):
            job_id += ":payer"  # apart from the manager's message about the same event
        ids = {"application_id": group_id, "course_id": course_id, "occasion": occasion}
        return cls(job_id=job_id, kind=kind, reason=event, move=None, **ids, **said)

    @classmethod
    def about(
        cls, kind: EmailKind, application_id: str, course_id: str, **about: Unpack[JobAbout]
    ) -> EmailJob:
        """A message about an application (``JobAbout`` says what each keyword is)."""
        occasion = about.get("occasion", "")
        return cls(
            job_id=":".join(p for p in (kind.value, application_id, occasion) if p),
            kind=kind,
            application_id=application_id,
            course_id=course_id,
            reason=about.get("reason"),
            amount=about.get("amount"),
            occasion=occasion or None,
            move=about.get("move"),
            from_course_id=about.get("from_course_id"),
        )

    @classmethod
    def session_reminder(
        cls,
        application_id: str,
        course_id: str,
        session_key: str,
        session_start: datetime,
        offset_hours: int,
        planned_at: datetime | None = None,
    ) -> EmailJob:
        """A core session's reminder to one booking, claimed at ``planned_at``."""
        parts = (application_id, course_id, session_key, instant_token(session_start))
        return cls(
            job_id=":".join((EmailKind.SESSION_REMINDER.value, *parts, f"h{offset_hours}")),
            kind=EmailKind.SESSION_REMINDER,
            application_id=application_id,
            course_id=course_id,
            session_key=session_key,
            session_start=session_start,
            offset_hours=offset_hours,
            planned_at=planned_at,
        )

    @classmethod
    def follow_up(
        cls,
        kind: EmailKind,
        to: FollowUpRecipient,
        *,
        offset_hours: int | None = None,
        planned_at: datetime | None = None,
    ) -> EmailJob:
        """An invitation to, or a reminder of, a programme's follow-up event, to one person.

        Keyed by the person and the event, not by a booking or a cohort: a graduate of three
        cohorts is one person, and the event is the programme's whichever cohort hosts it; then
        by the start and the offset, as a core session's reminder.
        """
        offset = () if offset_hours is None else (f"h{offset_hours}",)
        return cls._to_person_about_event(
            kind,
            to,
            (instant_token(to.session_start), *offset),
            offset_hours=offset_hours,
            planned_at=planned_at,
        )

    @classmethod
    def follow_up_changed(
        cls,
        to: FollowUpRecipient,
        *,
        change: str,
        removed: bool,
        what: str | None = None,
        was_start: datetime | None = None,
        was_title: str | None = None,
        relinked: bool = False,
    ) -> EmailJob:
        """A change to a programme's follow-up event, announced to one person who holds it.

        Keyed by the person, the event and the change (``change`` names the replacement of a
        cohort's file that made it), so each change reaches each person once, however often
        the announcement is retried. ``to.session_start``: the event's new start (its last one,
        for a removed event); ``what``, ``was_start``, ``was_title``: what changed, and the
        event before it, for the words; ``relinked``: its joining link changed as well
        (a retitle that moves the event to another host's link says so).
        """
        return cls._to_person_about_event(
            EmailKind.FOLLOW_UP_CHANGED,
            to,
            (change,),
            removed_follow_ups=(to.event_key,) if removed else (),
            follow_up_change=what,
            was_start=was_start,
            was_title=was_title,
            relinked=relinked,
        )

    @classmethod
    def _to_person_about_event(
        cls, kind: EmailKind, to: FollowUpRecipient, occasion: tuple[str, ...], **details: Any
    ) -> EmailJob:
        """One person's message about one of a programme's follow-up events: keyed by the
        person, the programme and the event, then by what makes this message its own
        (``occasion``: the start and offset of a reminder, the change announced)."""
        return cls(
            job_id=":".join((kind.value, to.person, to.programme, to.event_key, *occasion)),
            kind=kind,
            application_id=to.application_id,
            course_id=to.host_course_id,
            session_key=to.event_key,
            session_start=to.session_start,
            person=to.person,
            programme=to.programme,
            **details,
        )

    @classmethod
    def sessions_changed(
        cls,
        application_id: str,
        course_id: str,
        course_version: int,
        changed: Sequence[str],
        removed: Sequence[str],
        removed_follow_ups: Sequence[str],
        *,
        renamed_only: bool = False,
        relinked: bool = False,
    ) -> EmailJob:
        """One update per booking per version of the course that changed its sessions or link."""
        return cls(
            job_id=f"{EmailKind.SESSIONS_CHANGED.value}:{application_id}:{course_id}:"
            f"v{course_version}",
            kind=EmailKind.SESSIONS_CHANGED,
            application_id=application_id,
            course_id=course_id,
            changed_sessions=tuple(changed),
            removed_sessions=tuple(removed),
            removed_follow_ups=tuple(removed_follow_ups),
            renamed_only=renamed_only,
            relinked=relinked,
        )

    @classmethod
    def transferred(
        cls, application_id: str, from_course_id: str, to_course_id: str, move: int, refund: int
    ) -> EmailJob:
        """The one message about a booking's ``move``-th move to another cohort."""
        return cls.about(
            EmailKind.BOOKING_TRANSFERRED,
            application_id,
            to_course_id,
            occasion=f"move-{move}",
            amount=refund,
            move=move,
            from_course_id=from_course_id,
        )


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    content: bytes
    params: dict[str, str] = field(default_factory=dict)  # e.g. {"method": "PUBLISH"}


@dataclass(frozen=True)
class OutgoingEmail:
    """One message as composed: recipients, words and attachments (the sender adds MIME)."""

    to: Sequence[str]
    reply_to: Sequence[str]
    subject: str
    text: str
    html: str
    attachments: Sequence[Attachment] = ()
    # Shown as the From header's display name ("Course title <courses@example.org>").
    sender_name: str | None = None

    def __post_init__(self) -> None:
        refuse_the_erased(self.to, "an email")


@dataclass(frozen=True)
class Party:
    """A calendar user (RFC 5545 ORGANIZER or ATTENDEE): an address and the name shown."""

    email: str
    name: str | None = None
