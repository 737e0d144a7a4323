"""Whether a message of an application's went: the one reading of "the person (or the
facilitators) may have been told", for the rules that name what someone was last told (the
cohort whose sessions are in the person's calendar, the cohort whose facilitators' list has
them). A message went when its send is in the application's history, or the mailer took its
claim up (``sending``, ``sent_unconfirmed``, ``sent``: from then on it may have reached them).
The history is read once; a claim only for a message the history does not name. Where a
decision waits for a send at work rather than count it (``claim_reached_ses``), a ``sending``
claim is in flight only while a delivery can still be making it: one older than the mailer's
claim timeout never reached SES."""

from __future__ import annotations

from collections.abc import Callable

from booking.domain.application import Application
from booking.domain.timeline import EntryKind, TimelineEntry
from booking.services.email_claims import TAKEN_UP, reached_ses
from booking.services.ports import Ports


def went_for(
    ports: Ports, application: Application
) -> tuple[Callable[[str], bool], list[TimelineEntry]]:
    """A test of whether a job (by its id) of ``application``'s went, and the history read
    for it (its emails' entries name their kinds)."""
    _, history = ports.repository.application_with_timeline(application.application_id)
    sent_ids = {entry.job_id for entry in history if entry.kind is EntryKind.EMAIL}

    def went(job_id: str) -> bool:
        return job_id in sent_ids or ports.repository.email_state(job_id) in TAKEN_UP

    return went, history


def claim_reached_ses(ports: Ports, job_id: str) -> bool | None:
    """Whether a job's message reached SES by its claim (``email_claims.reached_ses``): None
    while a delivery is sending it; a ``sending`` claim older than the mailer's claim timeout
    (``ports.email_claim_timeout``) is a delivery that died before SES, so False."""
    stale_before = ports.clock() - ports.email_claim_timeout
    return reached_ses(ports.repository.email_claim(job_id), stale_before)
