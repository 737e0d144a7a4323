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
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application, ApplicationStatus


def enrolled_on(application: Application | None) -> frozenset[str]:
    """The courses on which ``application`` holds the person's one place (None: not stored)."""
    if application is None:
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


__all__ = ["EnrolmentChanges", "enrolled_on", "enrolment_changes"]
