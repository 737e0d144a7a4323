"""*Send the certificate again*: a completer who says "I lost my certificate"
is sent it again from their application's page, by the path the first one took (the
certificate email, with its PDF, composed by the mailer from the certificate's frozen words),
once per press of the button: the same press posted twice, or twice at once, is one email (the
job id names the press, and the mailer sends a job id once); two presses are two.
"""

from __future__ import annotations

import re

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.commands import nobody_to_tell
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.register import certificate_code
from booking.services.concurrency import load_application, retried
from booking.services.ports import Ports
from booking.services.register import printable

logger = Logger(child=True)

# What a press is named by in the job id: the form's random value, never anything personal.
_PRESS = re.compile(r"[A-Za-z0-9_-]{8,64}")

HELD = (
    "its certificate is held: the certificate's font cannot print the name, so it was never "
    "sent; give the name as it should be printed on the course's register (Reissue)"
)


def _refusal(application: Application, ports: Ports) -> Conflict | None:
    if certificate_code(application) is None:
        return Conflict(
            "this booking has no certificate: only a completer's register, once closed, gives one",
            code="no_certificate",
        )
    if not printable(ports, application):
        return Conflict(HELD, code="certificate_held")
    refused = nobody_to_tell(application)
    return Conflict(refused.message, code=refused.code) if refused is not None else None


def send_certificate_again(ports: Ports, application_id: str, press: str) -> Application:
    """Email the booking's certificate to its holder again, once per ``press``. Refused in words
    (409) for a booking without a certificate, one held (its name unprintable: the register's
    reissue sends it), or one whose person cannot be told (erased)."""
    if not _PRESS.fullmatch(press):
        raise InvalidInput("Press the button on the page again.", fields={"press": "missing"})
    first = load_application(ports, application_id)
    job = EmailJob.about(
        EmailKind.CERTIFICATE, application_id, first.course_id, occasion=f"again-{press}"
    )

    def write(current: Application) -> Application:
        if any(j.job_id == job.job_id for j in current.outbox):
            return current  # this press was written already (sent twice, or twice at once)
        refused = _refusal(current, ports)
        if refused is not None:
            raise refused
        new = current.model_copy(update={"updated_at": ports.clock()}).with_emails(job)
        return ports.repository.save(new, current)

    sent = retried(write, lambda: load_application(ports, application_id), first=first)
    logger.info("certificate sent again", extra={"application_id": application_id})
    return sent
