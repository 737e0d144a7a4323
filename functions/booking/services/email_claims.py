"""An email's claim in the ledger (``EmailLedger``): what the mailer is answered claiming it
(``EmailClaim``), and what a decision read of it (``ClaimRead``), which the save carrying that
decision may hold on (``ApplicationStore.save``). ``booking.services.ports`` re-exports both."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
