"""Claims on reminders and follow-up invitations in the ledger, made before anything is sent:
the scheduled run's (``services.reminders``) and an organiser's *Invite now*
(``services.follow_up_invitations``), by one rule.

A claim is a conditional put of a marker per (what, start, offset, recipient): whoever claims
first sends, the other finds it claimed. When several offsets are due at once only the nearest
is claimed, the farther ones marked superseded first.

An invitation to a follow-up that goes when a reminder of it is due (invited late: their cohort
just ended, the runs were out, or an organiser pressed *Invite now* then) is that reminder: it
says how soon, and its one job is claimed first as that offset's reminder, then as the
invitation. So no run sends that reminder minutes after the invitation, nor one before it. A
run or a press stopped between the two claims leaves the invitation's job claimed for the next
run to queue; two at once claim one job id, which the mailer sends once.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from booking.domain.application import Application
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.programme import FollowUpEvent
from booking.domain.reminders import INVITATION, DueReminder, due_reminders
from booking.services.ports import Ports, ReminderMarker


class ReminderClaims:
    """The claims one run (or one press) makes at ``now``, counted in ``summary``."""

    def __init__(self, ports: Ports, now: datetime, summary: Counter[str] | None = None) -> None:
        self._ports = ports
        self._now = now
        self._summary: Counter[str] = Counter() if summary is None else summary
        self._invitations: dict[str, set[str]] = {}

    def due(self, event: FollowUpEvent, offsets: list[int]) -> DueReminder | None:
        """The reminder of ``event`` due now at one of ``offsets`` (the nearest), if any."""
        return next(iter(due_reminders([event.session], offsets, self._now)), None)

    def invite(
        self, event: FollowUpEvent, person: str, application: Application, offsets: list[int]
    ) -> list[ReminderMarker]:
        """Claim ``person``'s invitation to ``event`` now (about ``application``, reminded at
        ``offsets``, their own cohort's): what was claimed, nothing when they were invited
        already. With a reminder due, the invitation is that reminder, claimed as it first."""
        due = self.due(event, offsets)
        if due is not None and person in self.invited(event):
            return []  # the reminder due is their own, not an invitation's
        stands_in = None if due is None else due.offset_hours
        job = _follow_up_job(event, person, application, None, self._now, stands_in)
        reminded = [] if due is None else self.claim_due(event.about, due, person, job)
        invitation = ReminderMarker(event.about, event.session.start, INVITATION, person, job)
        return reminded + self.claim(invitation)

    def remind(
        self, event: FollowUpEvent, person: str, application: Application, due: DueReminder | None
    ) -> list[ReminderMarker]:
        """Claim ``person``'s reminder of ``event`` that is ``due`` now (None: none is)."""
        if due is None:
            return []
        job = _follow_up_job(event, person, application, due.offset_hours, self._now)
        return self.claim_due(event.about, due, person, job)

    def invited(self, event: FollowUpEvent) -> set[str]:
        """Whom ``event``'s invitation was claimed for (read once, and only when an invitation
        and a reminder of it are both due)."""
        if event.about not in self._invitations:
            claims = self._ports.repository.invitations_to(event.about)
            self._invitations[event.about] = {m.recipient for m in claims}
        return self._invitations[event.about]

    def claim_due(
        self, about: str, due: DueReminder, recipient: str, job: EmailJob
    ) -> list[ReminderMarker]:
        start = due.session.start
        # Superseded first: once the nearer reminder is claimed, no delayed tick carrying an
        # older time may send the farther one.
        for hours in due.superseded:
            farther = ReminderMarker(about, start, f"h{hours}", recipient)
            if self._ports.repository.supersede_reminder(farther, self._now):
                self._summary["superseded"] += 1
        return self.claim(ReminderMarker(about, start, f"h{due.offset_hours}", recipient, job))

    def claim(self, marker: ReminderMarker) -> list[ReminderMarker]:
        if self._ports.repository.claim_reminder(marker, self._now):
            self._summary["claimed"] += 1
            return [marker]
        self._summary["already_claimed"] += 1
        return []


def _follow_up_job(
    event: FollowUpEvent,
    person: str,
    application: Application,
    offset_hours: int | None,
    now: datetime,
    stands_in: int | None = None,
) -> EmailJob:
    """A reminder at ``offset_hours``, or (None) the invitation: ``stands_in`` for the
    reminder at that offset, due as it goes (its id the invitation's all the same)."""
    job = EmailJob.follow_up(
        EmailKind.FOLLOW_UP_INVITATION if offset_hours is None else EmailKind.SESSION_REMINDER,
        event.to(person, application),
        offset_hours=offset_hours,
        planned_at=now,
    )
    return job if stands_in is None else job.model_copy(update={"offset_hours": stands_in})
