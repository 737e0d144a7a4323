"""An erasure's search at the payment provider, when the provider could not answer it.

An erasure also deletes the customers the provider finds by the person's address though no
booking records them (``provider_erasure.with_those_only_provider_finds``). With the provider
unreachable, the erasure of what we hold completes at once all the same (it never waits on the
provider) and the search is owed: the address alone is kept (the customers our bookings record
are owed already, by invoice id, in the ledger of deletions), for at most ``SEARCH_KEPT``.
Each run of the sweep claims the searches due (a claim makes each not due again for
``SEARCH_CLAIM``, so two runs never make one search at once), asks the provider, owes the
deletion of every customer it finds (the same run's deletions make them) and forgets the
search, address and all. Owed again by a later erasure of the address before it is made, it
finds the customers the provider made by the later erasure; owed again while it is being made,
it is kept for the later one. Not answered (silent, or failing: a 500), a search is due again
once its claim ends, behind the others claimed with it, so it never stops them every run. A
customer deleted at the provider meanwhile is no longer found: it counts as done. An erasure
or export of the same address meanwhile makes the search at once (``search_owed_now``)
through the same claim, so the provider back before the next run finishes it there and then.

Operators see how many are owed, never whose: the erasure's answer counts them, and a search
owed for longer than ``SEARCH_OVERDUE`` is logged as such by each run (a metric filter on that
line alarms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict, DependencyUnavailable
from booking.services.ports import OwedSearch, Ports

logger = Logger(child=True)

SEARCH_KEPT = timedelta(days=30)  # the address is kept no longer, answered or not
SEARCH_CLAIM = timedelta(minutes=10)  # within the reminders' schedule of 15 minutes
SEARCH_OVERDUE = timedelta(days=1)
SEARCHES_PER_RUN = 20
# How much later than the others claimed with it an unanswered search comes due again: the
# table orders the searches by when each is due, to the second.
BEHIND = timedelta(seconds=1)
# The line the alarm counts (``infra/cdk/monitoring.py``): say it in one place.
OVERDUE_LINE = "erasure searches overdue at the payment provider"
REFUSED_LINE = "erasure searches refused by the payment provider"


def search_later(ports: Ports, email: str, spellings: Sequence[str] = ()) -> None:
    """The provider could not answer an erasure's search by ``email``: owed, due at once,
    with how our records spelt the address (``spellings``), which are erased meanwhile."""
    now = ports.clock()
    ports.repository.owe_provider_search(email, spellings, now, now + SEARCH_KEPT)
    logger.warning("erasure's search at the payment provider owed: it did not answer")


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
    until = now + SEARCH_CLAIM
    for owed in repository.claim_provider_searches(now, until, SEARCHES_PER_RUN):
        if _given_up(ports, owed, now):
            continue
        try:
            found = _searched(ports, owed)
        except DependencyUnavailable:
            # Unreachable (or too slow: the gateway's short-timeout reader): the rest claimed
            # come due again when their claims end, and are not asked of it one by one now,
            # so an outage never holds the run's other work. This one goes behind them, as
            # an owed deletion does: one Stripe keeps failing (a 500 is an answer, but no
            # search) would otherwise come first and stop them on every run.
            repository.claim_provider_search(owed.email, until, until + BEHIND)
            break
        made += found is not None
        refused += found is None
    if refused:
        logger.warning(REFUSED_LINE, extra={"refused": refused})
    overdue = sum(now - at > SEARCH_OVERDUE for at in repository.provider_searches_owed())
    if overdue:
        logger.error(OVERDUE_LINE, extra={"overdue": overdue})
    return made


def search_owed_now(ports: Ports, email: str) -> tuple[str, ...] | None:
    """An erasure (or export) of ``email`` while an earlier erasure's search of it is owed:
    that search made now, Stripe back meanwhile, through the claim the sweep's runs take (so
    never while a run makes it, nor two at once). The invoices whose customers it found
    (owed for deletion: ``()`` when no search was owed); None while it is still owed: the
    provider not answering, refusing it, or a run making it this moment."""
    now = ports.clock()
    owed = ports.repository.claim_provider_search(email, now, now + SEARCH_CLAIM)
    if owed is None:
        return None if ports.repository.provider_search_owed_for(email) else ()
    if _given_up(ports, owed, now):
        return ()
    try:
        return _searched(ports, owed)
    except DependencyUnavailable:
        return None  # due again when this claim ends, as a run's


def _given_up(ports: Ports, owed: OwedSearch, now: datetime) -> bool:
    """Past its time-to-live (the table's own expiry may lag): the address goes."""
    if now - owed.owed_at < SEARCH_KEPT:
        return False
    ports.repository.provider_search_done(owed.email)
    logger.error("erasure's search at the payment provider given up: kept 30 days")
    return True


def _searched(ports: Ports, owed: OwedSearch) -> tuple[str, ...] | None:
    """``owed`` asked of the provider, what it finds owed for deletion and the search
    forgotten, address and all: the invoices found. None when the provider refused it as
    invalid, not an outage: the same address may be refused on every try, and must never stop
    a run nor the searches and deletions after it. Kept as any unanswered search (asked again
    once its claim ends, alarmed once owed a day, given up at its time-to-live), since a fix
    of ours may yet make it answer. DependencyUnavailable when it does not answer."""
    try:
        # Customers made by the erasure only: never one of a booking made since by the
        # same address (its customer is that booking's, not the erased person's).
        # By the latest erasure that owed it: a customer made between two erasures of the
        # address is the erased person's too.
        found = ports.payments.invoices_no_longer_payable_to(
            owed.email, owed.spellings, made_by=owed.made_by
        )
    except Conflict:
        return None
    if found:
        ports.repository.owe_customer_deletions(found, ports.clock())
    # Kept when an erasure owed it again while it was being made: searched again for that.
    ports.repository.provider_search_done(owed.email, owed.made_by)
    return found
