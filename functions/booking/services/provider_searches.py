"""An erasure's search at the payment provider, when the provider could not answer it.

An erasure also deletes the customers the provider finds by the person's address though no
booking records them (``provider_erasure.with_those_only_provider_finds``). With the provider
unreachable, the erasure of what we hold completes at once all the same (it never waits on the
provider) and the search is owed: the address alone is kept (the customers our bookings record
are owed already, by invoice id, in the ledger of deletions), for at most ``SEARCH_KEPT``.
Each run of the sweep claims the searches due (a claim makes each not due again for
``SEARCH_CLAIM``, so two runs never make one search at once), asks the provider, owes the
deletion of every customer it finds (the same run's deletions make them) and forgets the
search, address and all. Not answered, a search is due again once its claim ends. A customer
deleted at the provider meanwhile is no longer found: it counts as done.

Operators see how many are owed, never whose: the erasure's answer counts them, and a search
owed for longer than ``SEARCH_OVERDUE`` is logged as such by each run (a metric filter on that
line alarms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict, DependencyUnavailable, NotFound
from booking.services.ports import Ports

logger = Logger(child=True)

SEARCH_KEPT = timedelta(days=30)  # the address is kept no longer, answered or not
SEARCH_CLAIM = timedelta(minutes=10)  # within the reminders' schedule of 15 minutes
SEARCH_OVERDUE = timedelta(days=1)
SEARCHES_PER_RUN = 20
# The line the alarm counts (``infra/cdk/monitoring.py``): say it in one place.
OVERDUE_LINE = "erasure searches overdue at the payment provider"
REFUSED_LINE = "erasure searches refused by the payment provider"
NOTHING_HELD = "no data is held about this email address"


def search_later(ports: Ports, email: str, spellings: Sequence[str] = ()) -> None:
    """The provider could not answer an erasure's search by ``email``: owed, due at once,
    with how our records spelt the address (``spellings``), which are erased meanwhile."""
    now = ports.clock()
    ports.repository.owe_provider_search(email, spellings, now, now + SEARCH_KEPT)
    logger.warning("erasure's search at the payment provider owed: it did not answer")


def nothing_held(ports: Ports, email: str) -> NotFound:
    """The refusal of an address nothing here is held about (to find, export or erase): an
    erasure of it still waiting for the provider's search is said too, since the provider may
    still hold customers under it meanwhile."""
    if not ports.repository.provider_search_owed_for(email):
        return NotFound(NOTHING_HELD)
    return NotFound(
        f"{NOTHING_HELD}: its erasure still waits for Stripe to answer, to find and delete "
        "the customers Stripe alone holds under it (tried again every 15 minutes)"
    )


def searches_owed(ports: Ports, *, one_just_owed: bool = False) -> int:
    """How many erasures still wait for the provider's search (no address read out); with
    ``one_just_owed``, this erasure's own among them, though the index they are counted on
    (eventually consistent) may not list it yet."""
    return max(len(ports.repository.provider_searches_owed()), int(one_just_owed))


def make_owed_searches(ports: Ports, now: datetime) -> int:
    """The sweep's part: each search due claimed, made, and what it found owed for deletion;
    how many were made. Then the searches owed too long are logged, counted."""
    made = refused = 0
    repository = ports.repository
    for owed in repository.claim_provider_searches(now, now + SEARCH_CLAIM, SEARCHES_PER_RUN):
        if now - owed.owed_at >= SEARCH_KEPT:
            # Past its time-to-live (the table's own expiry may lag): the address goes.
            repository.provider_search_done(owed.email)
            logger.error("erasure's search at the payment provider given up: kept 30 days")
            continue
        try:
            # Customers made by the erasure only: never one of a booking made since by the
            # same address (its customer is that booking's, not the erased person's).
            found = ports.payments.invoices_no_longer_payable_to(
                owed.email, owed.spellings, made_by=owed.owed_at
            )
        except DependencyUnavailable:
            # Unreachable (or too slow: the gateway's short-timeout reader): the rest claimed
            # come due again when their claims end, and are not asked of it one by one now,
            # so an outage never holds the run's other work.
            break
        except Conflict:
            # Refused as invalid, not an outage: the same address may be refused on every
            # try, and must never stop the run nor the searches and deletions after it. Kept
            # as any unanswered search (asked again once its claim ends, alarmed once owed a
            # day, given up at its time-to-live), since a fix of ours may yet make it answer.
            refused += 1
            continue
        if found:
            repository.owe_customer_deletions(found, now)
        repository.provider_search_done(owed.email)
        made += 1
    if refused:
        logger.warning(REFUSED_LINE, extra={"refused": refused})
    overdue = sum(now - at > SEARCH_OVERDUE for at in repository.provider_searches_owed())
    if overdue:
        logger.error(OVERDUE_LINE, extra={"overdue": overdue})
    return made
