"""The organiser's choice of another cohort for a booking, a move or a wait on a full cohort's
waiting list (``services.transfers``, ``services.waiting_moves``): typed as the caller gave it,
then checked against the booking as read for the save and against what the organiser's page
showed of it (``domain.page_seen``). One rule for both: a wait chosen from an out-of-date page
is refused in the same words as a move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.page_seen import move_seen_refusal, seen_digests
from booking.domain.wording import cohort_name
from booking.services.concurrency import course_of
from booking.services.ports import Ports

COURSE_ID_MAX = 200  # longer than any course id the table holds


@dataclass(frozen=True)
class ChosenCohort:
    """The cohort chosen for the booking (``to_course_id``), and what the organiser's page
    showed when it was chosen: the cohort the booking was on (``course_seen``, the older
    check: ``refused_if_moved_since``; None: not sent) and the digests of the booking and the
    chosen cohort (``refused_if_changed``; none: not sent)."""

    to_course_id: str
    course_seen: str | None = None
    digests: tuple[str, ...] = ()

    @classmethod
    def typed(
        cls, to_course_id: object, *, course_seen: object = None, seen: object = None
    ) -> ChosenCohort:
        """The choice as the caller gave it (the console's form, the organiser API's body),
        each value checked here: one not understood is refused in words, naming its field."""
        return cls(
            typed_course_id(to_course_id), typed_course_seen(course_seen), seen_digests(seen)
        )


def chosen_cohorts(
    ports: Ports, current: Application, chosen: ChosenCohort
) -> tuple[Course, Course]:
    """The cohort ``current`` is on and the one ``chosen`` names, once the choice is found to
    be made from the booking and the cohort as they are: refused in words, nothing changed,
    when the booking moved since the page showed it, or it or the chosen cohort changed."""
    refused_if_moved_since(ports, current, chosen.course_seen)
    source = course_of(ports, current)
    target = target_course(ports, chosen.to_course_id)
    refused_if_changed(current, source, target, chosen.digests, ports.clock())
    return source, target


def target_course(ports: Ports, target_id: str) -> Course:
    target = ports.repository.get_course(target_id)
    if target is None:
        raise InvalidInput(
            "the cohort to move to needs attention", {"to_course_id": "no such cohort"}
        )
    return target


def typed_course_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            "the cohort to move to needs attention", {"to_course_id": "choose a cohort"}
        )
    if len(value) > COURSE_ID_MAX:
        raise InvalidInput(
            "the cohort to move to needs attention", {"to_course_id": "no such cohort"}
        )
    return value.strip()


def typed_course_seen(value: object) -> str | None:
    """The cohort the organiser's page showed the booking on (None: not sent)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > COURSE_ID_MAX:
        raise InvalidInput(
            "the move needs attention",
            {"course_seen": "the course id of the cohort the booking was on, as the page showed"},
        )
    return value.strip()


def refused_if_changed(
    current: Application, source: Course, target: Course, digests: tuple[str, ...], now: datetime
) -> None:
    """The one rule of a move (or a wait) chosen from an out-of-date page (``domain.page_seen``):
    the booking or the chosen cohort is no longer as the page showed it (moved meanwhile, even
    away and back; paid, refunded; the cohort's price changed): refused in words, nothing
    changed. Judged on the application read for the save, which holds only while it is that
    version."""
    refused = move_seen_refusal(current, source, target, digests, now)
    if refused is not None:
        raise Conflict(refused.message, code=refused.code)


def refused_if_moved_since(ports: Ports, current: Application, seen: str | None) -> None:
    """A move (or a wait) whose caller gave the older ``course_seen``: the
    booking is no longer on the cohort it names (another organiser or tab moved it): refused in
    words, nothing changed, rather than moved a second time. A cohort the booking was never on
    is no move meanwhile: refused as unclear, naming the field."""
    if seen is None or current.course_id == seen:
        return
    been = {c for t in current.transfers for c in (t.from_course_id, t.to_course_id)}
    if seen not in been:
        raise InvalidInput(
            "the move needs attention",
            {"course_seen": "this booking was never on that cohort: give the one it was on"},
        )
    raise Conflict(
        f"this booking moved meanwhile to {cohort_name(course_of(ports, current))} (another "
        f"organiser, or another tab): nothing was changed; look at it again and choose from "
        f"where it is now",
        code="booking_moved",
    )
