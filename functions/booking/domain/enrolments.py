"""One person, one place on a course: the cohorts on which an application claims the person's
one place (the table's enrolment item per course and address, claimed and given back by the
same save that changes the application, derived from its states before and after).

An application claims its own course while it lives. A confirmed booking whose move waits
claims the cohort it is to join as well: on that cohort's waiting list
(``domain.waiting_moves``) or holding a seat there while its difference is paid
(``domain.dearer_moves``). So the person cannot apply there meanwhile (``already_applied``),
and a move cannot wait for a cohort where they hold another application: the save that joins
the list is refused, not a read before it. The move made keeps the claim (it is then the
booking's own course); the move ended gives it back.

A manager's group booking claims the one place of each colleague it names on a place that
holds a seat (``colleagues_enrolled``), with the save that claims its seats, and gives it back
when the place is given up, its colleague substituted or erased, or the booking lapses
(``group_enrolment_changes``). The colleague's application through their place's link takes
the claim over; an application of their own, or another group naming them, finds it taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import Refusal

if TYPE_CHECKING:  # for types only: an application's save (every mailer's) needs no group model
    from booking.domain.groups import GroupBooking


def enrolled_on(application: Application | None) -> frozenset[str]:
    """The courses on which ``application`` holds the person's one place (None: not stored).
    An erased application holds none: the save that erases it gives its claims back (keyed by
    the address it had), and it never claims again, as an erased group place claims nothing
    (its address is the placeholder every erased record carries, nobody's key)."""
    if application is None or application.is_erased:
        return frozenset()
    claimed: set[str] = set()
    if not application.enrolment_ended:
        claimed.add(application.course_id)
    if application.status is ApplicationStatus.CONFIRMED:
        for move in (application.waiting_move, application.pending_move):
            if move is not None:
                claimed.add(move.to_course_id)
    return frozenset(claimed)


@dataclass(frozen=True)
class EnrolmentChanges:
    """What a save from ``before`` to ``after`` does to the person's enrolments."""

    claimed: tuple[str, ...]  # each free or already this application's, else the save fails
    given_back: tuple[str, ...]  # the application's own course it ended on: its claim goes
    # A waiting or dearer move's claim that goes: given back only while it is this
    # application's (a move asked before moves claimed a place holds none to give back).
    moves_given_back: tuple[str, ...]


def enrolment_changes(before: Application | None, after: Application) -> EnrolmentChanges:
    """The enrolments a save claims and gives back, derived from the states before and after.
    A booking moved to another cohort claims it again even when its move held it already (a
    move asked before moves claimed a place did not), so the person never holds two."""
    old, new = enrolled_on(before), enrolled_on(after)
    claimed = set(new - old)
    if before is not None and before.course_id != after.course_id and after.course_id in new:
        claimed.add(after.course_id)
    own = before.course_id if before is not None else None
    gone = old - new
    return EnrolmentChanges(
        claimed=tuple(sorted(claimed)),
        given_back=tuple(sorted(c for c in gone if c == own)),
        moves_given_back=tuple(sorted(c for c in gone if c != own)),
    )


def colleagues_enrolled(group: GroupBooking | None) -> frozenset[tuple[int, str]]:
    """The (place number, address in lower case) whose one place on the course ``group``
    holds: each place that holds a seat (not given up, its colleague not erased, the booking
    holding its seats)."""
    if group is None or group.seats_held == 0:
        return frozenset()
    return frozenset(
        (place.number, place.colleague.email.lower())
        for place in group.places
        if not place.released and not place.erased
    )


@dataclass(frozen=True)
class GroupEnrolmentChanges:
    """What a group's save from ``before`` to ``after`` does to its colleagues' enrolments."""

    claimed: tuple[tuple[int, str], ...]  # each free or this place's already, else refused
    # Each given back only while it is still this place's (not taken over by the colleague's
    # application through their link: that application gives it back when it ends).
    given_back: tuple[tuple[int, str], ...]
    # A group saved before groups claimed enrolments holds none: at its next save it takes
    # each its places held before that is free, and leaves one already held as it is (so a
    # save of a booking made earlier never fails on it). Someone it names anew is ``claimed``.
    taken_where_free: tuple[tuple[int, str], ...] = ()


def group_enrolment_changes(
    before: GroupBooking | None, after: GroupBooking
) -> GroupEnrolmentChanges:
    """The enrolments a group's save claims and gives back, from its states before and after."""
    old, new = colleagues_enrolled(before), colleagues_enrolled(after)
    saved_before_claims = before is not None and not before.enrolments_claimed
    return GroupEnrolmentChanges(
        claimed=tuple(sorted(new - old)),
        given_back=tuple(sorted(old - new)),
        taken_where_free=tuple(sorted(new & old)) if saved_before_claims else (),
    )


def held_there(cohort: str, organisation: str | None) -> Refusal:
    """Why a booking cannot move (or wait to move) to ``cohort``: the person's one place there
    is held already, by another application of theirs (``organisation`` None: the organiser
    can cancel one of the two), or by a manager's group booking naming them (it is the
    manager's to give up, or to give to someone else: the organisers cannot cancel it)."""
    if organisation is None:
        return Refusal(
            "already_applied",
            f"the person already has an application for {cohort}; cancel one of the two first",
        )
    return Refusal(
        "place_booked_for_you",
        f"{organisation}'s group booking holds this person's place on {cohort}; its manager "
        "can give that place up or name someone else on it, and then the booking can move there",
    )


__all__ = [
    "EnrolmentChanges",
    "GroupEnrolmentChanges",
    "colleagues_enrolled",
    "enrolled_on",
    "enrolment_changes",
    "group_enrolment_changes",
    "held_there",
]
