"""The ledgers' ports: what the mailer and the reminders keep of what was sent, claimed and
told (one DynamoDB table in AWS, dictionaries in the tests), part of the ``Repository``
(``services.repository_port``); ``booking.services.ports`` re-exports every name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from booking.domain.reminders import INVITATION, reminder_counts_from
from booking.services.email_claims import ClaimHeld, EmailClaim

if TYPE_CHECKING:
    from booking.domain.emails import EmailJob
    from booking.domain.invitations import Telling, Told


@dataclass(frozen=True)
class ReminderMarker:
    """The claim on one reminder: (what, when, offset, recipient), carrying its job. ``about``
    names the session by what it is: ``COURSE#<course>#<session key>`` for a cohort's own
    session, ``PROGRAMME#<programme>#<event key>`` for a follow-up event shared by the
    programme's cohorts. ``session_start`` is part of the claim, so a session moved after its
    reminder went out is reminded again at its new time. ``recipient``: the application id
    for a cohort's attendees, the person key for a programme's graduates (one reminder each)."""

    about: str
    session_start: datetime
    offset: str  # "h24", "h1", or "invite"
    recipient: str
    job: EmailJob | None = None

    @property
    def occasion(self) -> datetime | None:
        """The start the claim is for: a reminder's (a moved session is reminded again at its
        new time); None for an invitation to a programme's event, which is one per person
        wherever the event moves (a move is announced to the invited instead, and the claims
        on an event's invitations are the list of whom it was announced to)."""
        return None if self.offset == INVITATION else self.session_start

    @property
    def offset_hours(self) -> int | None:
        """A reminder's offset ("h24": 24); None for an invitation."""
        return None if self.offset == INVITATION else int(self.offset.removeprefix("h"))

    @property
    def counts_from(self) -> datetime | None:
        """A reminder's: one already sent for the same (about, offset, recipient) at or after
        this moment, whatever start it named, still reminds in time for this start and is
        this one (``domain.reminders.still_reminds``). None for an invitation."""
        hours = self.offset_hours
        return None if hours is None else reminder_counts_from(self.session_start, hours)


class EmailLedger(Protocol):
    def claim_email(self, job_id: str, now: datetime, stale_before: datetime) -> EmailClaim:
        """Claim a job for sending at ``now`` (atomic: of two mailers racing, one claims it).
        CLAIMED when it was never claimed, when its claim ``failed``, or when a ``sending``
        claim is older than ``stale_before`` (its delivery died before calling SES); IN_FLIGHT
        while a younger ``sending`` claim holds it; DONE for any other outcome (``sent``,
        ``sent_unconfirmed``: SES was called, a ``skipped_*``)."""
        ...

    def finish_email(self, job_id: str, state: str, now: datetime) -> None:
        """Record what became of a claimed job (``sent``, ``sent_unconfirmed``, ``failed`` or a
        ``skipped_*``): ``email_state`` answers it from then on."""
        ...

    # Leases on sends (``services.send_leases``), by the id of what the send is about: an
    # application, or a group booking (``GroupStore.hold_group_send``).
    def hold_send(
        self, application_id: str, job_id: str, until: datetime, *, erased_read: bool = False
    ) -> bool:
        """Lease the send of a job about the application until ``until``, in one write with
        the check that its person is not erased: False, and no lease, if they are (or the
        application is gone). ``erased_read``: composed from the record already erased (it
        names nobody: ``domain.payer.erased_persons_notice``), so only that it exists."""
        ...

    def release_send(self, application_id: str, job_id: str) -> None: ...

    def sends_held(self, application_id: str) -> list[datetime]:
        """Until when each lease on a send about the application lasts, read consistently."""
        ...

    def email_state(self, job_id: str) -> str | None:
        """What became of a job the mailer claimed: ``sending``, ``sent_unconfirmed`` (SES
        called, its answer not recorded), ``sent``, ``failed`` or a
        ``skipped_*`` outcome; None when it was never claimed or its claim has expired."""
        ...

    def email_claim(self, job_id: str) -> ClaimHeld | None:
        """A job's claim (``email_state``) with when it was last claimed; None as there."""
        ...

    def suppress_address(self, address: str, reason: str, now: datetime) -> None:
        """Never mail ``address`` again (an SES bounce or complaint): ``is_suppressed`` is True
        for it from now on. Kept by its digest, never the address itself."""
        ...

    def is_suppressed(self, address: str) -> bool: ...

    def calendar_sequence(self, person: str) -> int:
        """The SEQUENCE last given to ``person`` (0: none yet), read without moving it on: what
        a file they download again carries, as new as the last message they were sent."""
        ...

    def next_calendar_sequence(self, person: str) -> int:
        """The next SEQUENCE for any calendar entry sent to ``person`` (a person key): one
        counter per person, so it only grows, whatever was sent before (atomic: two mailers
        never get the same number)."""
        ...


class ReminderLedger(Protocol):
    def claim_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """Claim it for sending at ``now``: False when anyone claimed, queued or superseded
        this marker before, or (a reminder) when one for the same (about, offset, recipient)
        was claimed at or after ``marker.counts_from`` for another start: it still reminds in
        time. Atomic: of two runs racing, one wins."""
        ...

    def supersede_reminder(self, marker: ReminderMarker, now: datetime) -> bool:
        """Record that this reminder will never be sent (a nearer one went out instead): False,
        and nothing changed, when the marker was claimed, queued or superseded before."""
        ...

    def mark_reminder_queued(
        self, marker: ReminderMarker, now: datetime, state: str = "queued"
    ) -> None:
        """Settle a claim: ``queued`` (its job is on the queue) or ``abandoned`` (its session
        started before a crashed run's leftover could be queued); either way it leaves
        ``claimed_reminders``."""
        ...

    def claimed_reminders(self) -> list[ReminderMarker]:
        """Reminders claimed but not (known to be) queued: normally none; a crashed run's
        leftovers, which the next run settles."""
        ...

    def invitations_to(self, about: str) -> list[ReminderMarker]:
        """Every claim on an invitation to the programme's event ``about``, whatever its state
        (one per person, wherever the event has moved since)."""
        ...


class AnnouncementLedger(Protocol):
    """Whom each of a programme's follow-up events was told to: every message that put it in a
    person's calendar (a confirmation, a "Changed dates", an invitation, a change notice) or
    took it out (a cancellation), as it went. A change to the event reaches them from this,
    not from what the cohorts' files list now."""

    def record_told(self, telling: Telling, *, keep_until: datetime, now: datetime) -> None:
        """``telling`` was just sent (at ``now``). Kept until ``keep_until``."""

    def told_of(self, about: str) -> dict[str, bool]:
        """Person key -> whether they hold the event (False: taken out), for everyone sent it."""

    def told_when(self, about: str) -> dict[str, Told]:
        """Person key -> the start and end of the event their calendar holds, where recorded."""

    # ``told_of`` and ``told_when`` of one person, in one read (None: never sent).
    def told_to(self, about: str, person: str) -> tuple[bool, Told | None] | None: ...
