"""Send one email through SES v2 as a raw MIME message.

Raw rather than SES "Simple" content because only raw MIME carries attachments (the ``.ics``);
the message is ``multipart/mixed`` holding a ``multipart/alternative`` (plain text first, so
plain-text clients show it, then HTML) followed by the attachments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from booking.domain.emails import OutgoingEmail
from booking.services.ports import EmailSendError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client


# Headers are written unfolded, up to RFC 5322's hard limit of 998 characters a line: Python's
# folder breaks a subject before an encoded word leaving a space on both sides of the break, so
# mail clients showed "Training  - June" (two spaces). Bodies are already quoted-printable or
# base64 with short lines when set, so this policy changes only the headers.
_UNFOLDED = SMTP.clone(max_line_length=998)


def build_mime(message: OutgoingEmail, sender: str, now: datetime) -> bytes:
    mime = EmailMessage(policy=SMTP)
    # Subjects are written by us, never by applicants; strip line breaks all the same so a
    # future template cannot inject headers.
    mime["Subject"] = " ".join(message.subject.split())
    # The email package encodes a non-ASCII display name as RFC 2047 words and quotes
    # specials; the address itself stays ASCII, as SES requires.
    mime["From"] = Address(
        display_name=" ".join((message.sender_name or "").split()), addr_spec=sender
    )
    mime["To"] = ", ".join(message.to)
    if message.reply_to:
        mime["Reply-To"] = ", ".join(message.reply_to)
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # Quoted-printable keeps the message 7-bit clean for any relay while staying readable.
    mime.set_content(message.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    mime.add_alternative(message.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params={**attachment.params, **({"charset": "utf-8"} if maintype == "text" else {})},
        )
    return mime.as_bytes(policy=_UNFOLDED)


class SesSender:
    def __init__(
        self, client: SESV2Client | Any, sender: str, configuration_set: str | None = None
    ) -> None:
        # ``Any`` admits the local stack's capturing wrapper around the real client.
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, message: OutgoingEmail, *, now: datetime | None = None) -> str:
        raw = build_mime(message, self._sender, now or datetime.now(UTC))
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": list(message.to)},
            "Content": {"Raw": {"Data": raw}},
        }
        if self._configuration_set:
            # Bounce and complaint events are published through the configuration set.
            request["ConfigurationSetName"] = self._configuration_set
        try:
            answer = self._client.send_email(**request)
        except (ClientError, BotoCoreError) as exc:
            code = (
                exc.response.get("Error", {}).get("Code", "")
                if isinstance(exc, ClientError)
                else type(exc).__name__
            )
            raise EmailSendError(f"SES refused the message ({code})") from exc
        return str(answer.get("MessageId", ""))
