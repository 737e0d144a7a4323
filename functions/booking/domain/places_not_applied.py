"""The places of a course's group bookings that hold no application yet, by group (the
printable *Read all answers* page said nothing of a group's colleagues who had not applied, so
the facilitators' meeting could not tell how many more answers were to come, nor from which
employer). Counted from the organisers' own view of each place (``domain.group_overview``), so
this page and the *Group bookings* page say the same of a place.

Nothing of the colleagues is said: no answers are held for anyone who has not applied, and
their names and addresses stay on the group bookings page, off a page printed for a meeting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from booking.domain.group_overview import GroupLine

# A place kept for the group, with no application in it: one a colleague may still fill (their
# link sent, or sent once the booking is paid; an erased colleague's, for the manager to name
# someone else), or one nobody can (paid after the apply-by date). A place released (given up,
# at the apply-by date, with a booking that ended) is no place of the group's any more.
NOT_APPLIED = frozenset({"link_sent", "substituted", "awaiting_payment", "erased", "no_link"})


@dataclass(frozen=True)
class GroupNotApplied:
    """One group booking's places with no application yet, in words."""

    organisation: str
    booked_said: str  # when it was booked: tells apart two groups of one employer
    apply_by_said: str
    places_booked: int
    not_applied: int
    # Each state the places are in, in the group bookings page's words, with how many.
    states: tuple[tuple[str, int], ...]

    @property
    def said(self) -> str:
        """ "2 of its 3 places have no application yet" """
        places = "place" if self.places_booked == 1 else "places"
        have = "has" if self.not_applied == 1 else "have"
        return f"{self.not_applied} of its {self.places_booked} {places} {have} no application yet"


def places_not_applied(groups: Iterable[GroupLine]) -> tuple[GroupNotApplied, ...]:
    """Each group (in the order given) with a place kept for it that holds no application."""
    found: list[GroupNotApplied] = []
    for group in groups:
        waiting = [place for place in group.places if place.state in NOT_APPLIED]
        if not waiting:
            continue
        states = Counter(place.state_said for place in waiting)
        found.append(
            GroupNotApplied(
                organisation=group.organisation,
                booked_said=group.booked_said,
                apply_by_said=group.apply_by_said,
                places_booked=group.places_booked,
                not_applied=len(waiting),
                states=tuple(states.items()),
            )
        )
    return tuple(found)


def total_said(groups: tuple[GroupNotApplied, ...]) -> str:
    """ "3 places of 2 group bookings have no application yet." ("" when none)."""
    places = sum(group.not_applied for group in groups)
    if not places:
        return ""
    noun = "place" if places == 1 else "places"
    bookings = "group booking" if len(groups) == 1 else "group bookings"
    have = "has" if places == 1 else "have"
    return f"{places} {noun} of {len(groups)} {bookings} {have} no application yet."
