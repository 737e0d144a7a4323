"""Things that can run out, and which of them an application holds. Pure rules, no I/O.

The one list of limited things (add a kind here and every rule below covers it):

- ``SEAT``: a place on a course, up to its capacity. Held while the application has a place
  kept for it (paying, offered, invoiced, booked); a booking whose move to a dearer cohort
  waits for its difference holds a seat on that cohort as well, until the move is made or
  lapses.
- ``GROUP_PLACE``: one named place of a manager's group booking (``domain.groups``), up to
  one application at a time, and only while the group has it paid and not given back. The
  group holds the place's seat on the course (its own save claims and gives back seats); the
  colleague's application holds the place instead of a seat, from the moment it is made
  until it ends.
- ``CODE_USE``: one use of a discount code, up to the code's ``max_uses``. Held from the moment
  the application that gives the code is created (that is when its price is promised) while
  it is on its way to a booking and holds or waits for a place, and for good once it was a
  booking. It goes back when the application stops without ever having been a booking:
  declined, cancelled (an erasure of an application on its way is a cancellation), refunded a
  payment it was never booked by, and every hold that ended unpaid (``expired``: a checkout
  expired or failed, an offer lapsed or turned down by its person, an invoice voided or not
  paid by its due date), one rule for all of them. Started again (a new
  checkout or invoice for an expired one, a payment of it arriving late) it claims a use
  again, refused when none is left (``CodeUsedUp``: a late payment goes back).

What an application holds is derived from its state alone (:func:`holdings`), and the
repository's one transaction that saves a change claims what the new state holds and the old
did not, and gives back the reverse (:func:`holding_changes`), with a condition that refuses a
claim beyond the limit. So no counter can drift from the applications, and no claim and its use
can be separated by a crash.

An application ended after it was a booking (cancelled, refunded) keeps its code use. If it
is deleted after the retention period by the table's time-to-live, which runs no transaction,
the deletion reaches the stream, and the relay gives back what the deleted application held,
once (each such holding is an item of its own, deleted with its give-back). Only what an ended
application can still hold needs that item (:data:`OUTLIVES_ITS_HOLD`): a seat never does,
since an application is deleted only after it ended without one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from booking.domain.application import ON_THE_WAY, Application, ApplicationStatus
from booking.domain.errors import CodeUsedUp


class Limited(StrEnum):
    SEAT = "seat"
    CODE_USE = "code_use"
    # One place of a manager's group booking (``domain.groups``), filled by one colleague's
    # application: the group holds the seat on the course, the application holds the place.
    GROUP_PLACE = "group_place"


# What an application may still hold once it ended (and so when the table deletes it).
OUTLIVES_ITS_HOLD = frozenset({Limited.CODE_USE})


@dataclass(frozen=True, order=True)
class Holding:
    """One unit of a limited thing, held by an application: ``of`` names which (the course of
    a seat, the code of a code use, as :func:`code_key` writes it)."""

    thing: Limited
    of: str

    @property
    def key(self) -> str:
        """One string per holding, unique among an application's holdings."""
        return f"{self.thing.value}#{self.of}"


def code_key(course_id: str, code: str) -> str:
    """A discount code's identity: codes are per course and typed in any case."""
    return f"{course_id}#{code.upper()}"


def group_place_key(group_id: str, place: int) -> str:
    """One place of a group booking: the group and the place's number in it."""
    return f"{group_id}#{place}"


# Said when a hold that ended unpaid is started again (a checkout, an invoice) and its code's
# uses were all taken since its own went back (``holds_code_use``).
CODE_TAKEN_SINCE = (
    "the discount code given with this application has been used up since the time to pay ran "
    "out, so the place cannot be paid at that price now"
)


@contextmanager
def code_taken_since() -> Iterator[None]:
    """A save that starts a hold that ended unpaid again (a checkout, an invoice, a booking
    with nothing left to pay): its code's uses all taken since its own went back
    (``holds_code_use``) is refused in the words of ``CODE_TAKEN_SINCE``, the one place they
    are said (the nothing-to-pay save answered the store's bare words)."""
    try:
        yield
    except CodeUsedUp as used_up:
        raise CodeUsedUp(CODE_TAKEN_SINCE) from used_up


def holds_code_use(application: Application) -> bool:
    """Whether ``application`` holds a use of its discount code (see the module's rule): a
    hold that ended unpaid (``expired``, however it ended) holds none."""
    if application.discount is None:
        return False
    if application.status is ApplicationStatus.CONFIRMED or application.booked_at is not None:
        return True
    return application.status in ON_THE_WAY and application.status is not ApplicationStatus.EXPIRED


def code_use_kept_by_expiry(application: Application) -> Holding | None:
    """The code use an expired ``application`` was stored holding by the rule before
    :func:`holds_code_use` gave an expired hold's use back, for the backfill to
    give back where its item is still stored; None when it holds its use by today's rule, or
    has none to hold."""
    discount = application.discount
    if discount is None or application.status is not ApplicationStatus.EXPIRED:
        return None
    if holds_code_use(application):
        return None
    return Holding(Limited.CODE_USE, code_key(code_course(application), discount.code))


def holdings(application: Application | None) -> frozenset[Holding]:
    """Every limited thing ``application`` holds in its current state (None: not stored)."""
    if application is None:
        return frozenset()
    held: set[Holding] = set()
    if application.seat_held and application.group_place is not None:
        place = application.group_place
        held.add(Holding(Limited.GROUP_PLACE, group_place_key(place.group_id, place.place)))
    elif application.seat_held:
        held.add(Holding(Limited.SEAT, application.course_id))
        if (
            application.pending_move is not None
            and application.status is ApplicationStatus.CONFIRMED
        ):
            # A move to a dearer cohort waiting for its difference holds a seat there too.
            held.add(Holding(Limited.SEAT, application.pending_move.to_course_id))
    if application.discount is not None and holds_code_use(application):
        held.add(
            Holding(Limited.CODE_USE, code_key(code_course(application), application.discount.code))
        )
    return frozenset(held)


@dataclass(frozen=True)
class HoldingChanges:
    """The units a change of an application takes and gives back."""

    claimed: tuple[Holding, ...]  # held after, not before: each needs one free unit
    released: tuple[Holding, ...]  # held before, not after: each goes back

    def delta(self, thing: Limited, of: str) -> int:
        unit = Holding(thing, of)
        return int(unit in self.claimed) - int(unit in self.released)


def already_held(changes: HoldingChanges, kept: frozenset[Holding]) -> HoldingChanges:
    """``changes`` less the claims of what the application's own holding items say it holds
    already (``kept``): a code use claimed under the rule before ``holds_code_use`` gave it
    back on expiry, its item and count still stored. Claimed again at a
    restart, it would be counted twice and never given back; held, it counts once."""
    claimed = tuple(holding for holding in changes.claimed if holding not in kept)
    return dataclasses.replace(changes, claimed=claimed)


def outliving_claims(changes: HoldingChanges) -> tuple[Holding, ...]:
    """The claims of ``changes`` whose holding items outlive the hold (the ones a store looks
    up for :func:`already_held`)."""
    return tuple(h for h in changes.claimed if h.thing in OUTLIVES_ITS_HOLD)


def holding_changes(before: Application | None, after: Application) -> HoldingChanges:
    """What a save from ``before`` to ``after`` claims and gives back, in a stable order."""
    old, new = holdings(before), holdings(after)
    return HoldingChanges(claimed=tuple(sorted(new - old)), released=tuple(sorted(old - new)))


def code_course(application: Application) -> str:
    """The course whose code ``application`` was given: its own, or, after a move to another
    cohort, the one it was given on (the use stays counted there)."""
    discount = application.discount
    return (discount.course_id if discount else None) or application.course_id


def released_to(
    application: Application, status: ApplicationStatus, now: datetime, **changes: Any
) -> Application:
    """``application`` moved to ``status`` giving its seat back: no seat held, so no hold left
    for the sweep to lapse."""
    return application.moved_to(status, now, seat_held=False, hold_expires_at=None, **changes)


def booked_now(application: Application, now: datetime, **changes: Any) -> Application:
    """``application`` confirmed: its seat kept for good (no hold left to lapse), no payment
    pending."""
    return application.moved_to(
        ApplicationStatus.CONFIRMED,
        now,
        seat_held=True,
        hold_expires_at=None,
        payment_pending=False,
        **changes,
    )


def waiting_places(application: Application | None) -> frozenset[str]:
    """The courses on whose waiting list ``application`` has a place (each course's
    ``waiting`` counter counts them, and while it is above nought no newcomer takes a seat
    there): its own while it is waitlisted; the cohort a confirmed booking's waiting move waits
    for (``domain.waiting_moves``)."""
    if application is None:
        return frozenset()
    if application.status is ApplicationStatus.WAITLISTED:
        return frozenset({application.course_id})
    move = application.waiting_move
    if move is not None and application.status is ApplicationStatus.CONFIRMED:
        return frozenset({move.to_course_id})
    return frozenset()


def counter_moves(
    before: Application | None, after: Application, changes: HoldingChanges
) -> dict[str, tuple[int, int]]:
    """Each course's counters a save from ``before`` to ``after`` (claiming and giving back
    ``changes``) moves, as (seats, waiting places), by course, where either moves. It may move
    them on the application's course, the one it left, every one whose seat it claims or
    gives back (a dearer move's hold) and every one whose waiting list it joins or leaves (a
    waiting move's cohort)."""
    seated = {h.of for h in (*changes.claimed, *changes.released) if h.thing is Limited.SEAT}
    waits_after, waits_before = waiting_places(after), waiting_places(before)
    left = (before.course_id,) if before else ()
    moves: dict[str, tuple[int, int]] = {}
    for course_id in sorted({after.course_id, *left, *seated, *waits_after, *waits_before}):
        seats = changes.delta(Limited.SEAT, course_id)
        waiting = int(course_id in waits_after) - int(course_id in waits_before)
        if seats or waiting:
            moves[course_id] = (seats, waiting)
    return moves
