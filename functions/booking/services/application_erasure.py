"""One application erased in one save, with what its facilitators' lists are asked: each list
sent it is asked to delete it (``domain.facilitators_told.delete_your_copy``), in that save's
outbox. The person's erasure (``services.people``) does this for each of their applications."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.emails import EmailJob
from booking.domain.facilitators_told import delete_your_copy
from booking.services.concurrency import retried
from booking.services.emails_gone import went_for
from booking.services.ports import Ports


def erase_one(
    ports: Ports, application: Application, *, withdraw: bool = True
) -> tuple[Application | None, Application | None, tuple[EmailJob, ...]]:
    """Erase one application: it as it was just before, as stored after (None, None if it
    had gone), and what its facilitators' lists were asked. ``withdraw``: what is on its way
    is withdrawn (not when its checkout was paid meanwhile)."""
    first: Application | None = application

    def erase(
        current: Application | None,
    ) -> tuple[Application | None, Application | None, tuple[EmailJob, ...]]:
        if current is None:  # gone meanwhile (retention): nothing left to erase
            return None, None, ()
        # Each list of facilitators sent the application is asked to delete it, in the
        # erasure's own save (``domain.facilitators_told.delete_your_copy``).
        asked = delete_your_copy(current, went_for(ports, current)[0])
        erased = current.erased(ports.clock(), withdraw=withdraw).with_emails(*asked)
        return current, ports.repository.save(erased, current), asked

    return retried(
        erase, lambda: ports.repository.get_application(application.application_id), first=first
    )
