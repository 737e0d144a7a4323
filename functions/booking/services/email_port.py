"""The ports that send email: the queue the outbox is relayed to, the mail service, and what
renders a message and its attachments (calendar entries, certificates);
``booking.services.ports`` re-exports every name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from booking.domain.errors import DependencyUnavailable

if TYPE_CHECKING:
    from booking.domain.emails import EmailJob, EmailKind, OutgoingEmail
    from booking.domain.invitations import CalendarEntry, CalendarMessage
    from booking.domain.register import CertificateDetails


class QueueUnavailable(DependencyUnavailable):
    """Some jobs could not be queued; they stay in the outbox and are relayed again."""

    code = "email_queue_unavailable"


class EmailQueue(Protocol):
    def send(self, jobs: Sequence[EmailJob]) -> None:
        """Queue every job or raise :class:`QueueUnavailable`."""
        ...


# -- sending email --------------------------------------------------------------------------


class EmailSendError(Exception):
    """The mail service throttled or rejected the message: the queue record must be retried."""


class EmailSender(Protocol):
    def send(self, message: OutgoingEmail) -> str:
        """Send and return the provider's message id, or raise :class:`EmailSendError`."""
        ...


@dataclass(frozen=True)
class RenderedEmail:
    """An email's subject and its two bodies, ready to send."""

    subject: str
    text: str
    html: str


class EmailRenderer(Protocol):
    def render(self, kind: EmailKind, context: Mapping[str, object]) -> RenderedEmail: ...


class CalendarWriter(Protocol):
    def calendar(self, entries: Sequence[CalendarEntry], message: CalendarMessage) -> bytes:
        """An iTIP calendar (RFC 5546) with one event per entry, as identified by the domain
        (``domain.invitations``): REQUEST, or CANCEL when ``message.cancelled``, or PUBLISH
        (no attendee) when ``message.published``."""
        ...


class CertificateWriter(Protocol):
    def certificate(self, details: CertificateDetails) -> bytes:
        """A certificate of completion as a PDF document."""
        ...

    def unprintable(self, text: str) -> str:
        """The characters of ``text`` the certificate's font has no glyph for, each once, in
        order ("" when it prints in full): such a name would print with gaps."""
        ...
