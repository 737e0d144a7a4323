"""Email jobs: which message to send about which application.

A job names a message and the ids it is about, never an address or a name: the mailer looks the
person up when it sends, so nothing personal waits in a queue, and an erased person gets nothing.
The job id is deterministic, so a job queued twice is sent once (the mailer claims it by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class EmailKind(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    FACILITATOR_COPY = "facilitator_copy"
    BOOKING_CONFIRMED = "booking_confirmed"
    CHECKOUT_EXPIRED = "checkout_expired"
    PAYMENT_REFUNDED = "payment_refunded"
    SESSION_REMINDER = "session_reminder"
    FOLLOW_UP_INVITATION = "follow_up_invitation"
    WAITLISTED = "waitlisted"
    OFFER = "offer"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    INVOICE_SENT = "invoice_sent"  # to the applicant: their employer has been invoiced
    INVOICE_ENDED = "invoice_ended"  # to applicant and billing contact: the place went back
    BURSARY_GRANTED = "bursary_granted"  # part funded: what is left to pay


class EmailJob(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    kind: EmailKind
    application_id: str
    course_id: str
    session_index: int | None = None
    offset_hours: int | None = None
    reason: str | None = None

    @classmethod
    def about(
        cls,
        kind: EmailKind,
        application_id: str,
        course_id: str,
        *,
        occasion: str = "",
        session_index: int | None = None,
        offset_hours: int | None = None,
        reason: str | None = None,
    ) -> EmailJob:
        """``occasion`` distinguishes legitimately repeated messages (a second checkout expiry)."""
        parts = [kind.value, application_id, occasion]
        if session_index is not None:
            parts.append(f"s{session_index}")
        if offset_hours is not None:
            parts.append(f"h{offset_hours}")
        return cls(
            job_id=":".join(p for p in parts if p),
            kind=kind,
            application_id=application_id,
            course_id=course_id,
            session_index=session_index,
            offset_hours=offset_hours,
            reason=reason,
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


@dataclass(frozen=True)
class Party:
    """A calendar user (RFC 5545 ORGANIZER or ATTENDEE): an address and the name shown."""

    email: str
    name: str | None = None
