"""What an organiser's *Decline* would send (it acted at once, with a message
the organiser never saw): the console's page before it shows the message the email carries,
chosen by the email's own rule (``domain.decline_message``), and changes nothing."""

from __future__ import annotations

from booking.domain.decline_message import decline_message_sent
from booking.services.console import ApplicationDetail, application_detail
from booking.services.lifecycle import decline_note
from booking.services.ports import Ports


def decline_confirmation(
    ports: Ports, application_id: str, typed: object
) -> tuple[ApplicationDetail, str | None, str]:
    """The application as shown (NotFound first), the organiser's own message (``typed``, read
    as the decline reads it: InvalidInput beside ``message``; None: none) and the message the
    decline email would carry."""
    detail = application_detail(ports, application_id)
    note = decline_note(typed)
    return detail, note, decline_message_sent(note, detail.course.definition.decline_message)
