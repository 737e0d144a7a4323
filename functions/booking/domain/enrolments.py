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


__all__ = ["enrolled_on"]
