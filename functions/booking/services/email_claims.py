"""An email's claim in the ledger (``EmailLedger``): what the mailer is answered claiming it
(``EmailClaim``), and what a decision read of it (``ClaimRead``), which the save carrying that
decision may hold on (``ApplicationStore.save``); the claim as held (``ClaimHeld``), and
whether its message reached SES by it (``reached_ses``); and the retry a send at work asks for
(``EmailInFlight``). ``booking.services.ports`` re-exports the claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# A claim's state from just before its SES call until SES's answer is recorded. Chosen over
# making a ``sending`` claim's timeout outlast the queue's retention (14 days, and a copy can
# be queued later still): that would also hold back, for as long, a job whose delivery died
# before SES was ever called, and lose it. Written before the call (written after, it is the
# very record that failed), it tells the two apart: ``sending`` never reached SES, and is
# taken over once stale; ``sent_unconfirmed`` did, and is never sent again. The price: a
# delivery that dies inside the SES call itself (at most SES_CALL_LIMIT; the adapter turns
# every SES error into EmailSendError, recorded ``failed``) leaves a message that may not
# have gone, treated as sent; so does a refusal whose ``failed`` cannot be recorded (logged as
# an error). Both need a crash or a table out for a whole retry in a seconds-long window,
# rarer than a copy of a job queued again; such a claim stays visible in the ledger.
SENT_UNCONFIRMED = "sent_unconfirmed"
# The states of a claim whose SES call was made (``services.send_leases``: ``sent_unconfirmed``
# is written just before the call, ``sent`` once SES took the message).
CALLED_SES = frozenset({"sent", SENT_UNCONFIRMED})
SENDING = "sending"
# The claims of a message the mailer took up (``services.emails_gone.went_for``).
TAKEN_UP = CALLED_SES | {SENDING}


class EmailInFlight(Exception):
    """Another delivery of this job is sending it right now (or of one it waits on): retry
    this record later."""


class EmailClaim(StrEnum):
    CLAIMED = "claimed"  # this caller may send now
    DONE = "done"  # already sent (or deliberately skipped): do nothing
    IN_FLIGHT = "in_flight"  # another delivery is sending it right now: retry later


@dataclass(frozen=True)
class ClaimRead:
    """An email's claim as a decision read it (``EmailLedger.email_state``): its state, None
    while nobody has claimed it. A save made on that decision holds only while the claim is
    still so: the mailer claiming it meanwhile makes the save lose (``StaleWrite``), and the
    decision is made again from what the claim says then."""

    job_id: str
    state: str | None = None


@dataclass(frozen=True)
class ClaimHeld:
    """An email's claim as the ledger holds it (``EmailLedger.email_claim``): its state, and
    when it was last claimed (a ``sending`` claim's age tells a delivery at work from one that
    died)."""

    state: str
    claimed_at: datetime


def reached_ses(claim: ClaimHeld | None, stale_before: datetime) -> bool | None:
    """Whether a job's message reached SES, by its claim: True once its SES call was made (it
    may have reached them); None while a delivery is sending it (``sending``, claimed since
    ``stale_before``: it may yet); False when it never will by that claim: none, skipped,
    failed, or ``sending`` since before ``stale_before`` (the mailer's claim timeout, past
    any delivery's run): that delivery died before SES, as ``sent_unconfirmed`` is written
    before the call, and ``claim_email`` hands the job to the next delivery."""
    if claim is None:
        return False
    if claim.state in CALLED_SES:
        return True
    return None if claim.state == SENDING and claim.claimed_at >= stale_before else False
