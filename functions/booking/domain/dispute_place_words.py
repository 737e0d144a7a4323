"""The words a dispute's sentence says of the place its payment paid for (``domain.disputes``):
one colleague's place, or all a group's places on the group's own line, so that neither is said
in the other's number."""

from __future__ import annotations

from typing import NamedTuple

# A booking whose place is gone: nothing to cancel, whoever's it was.
PLACE_GONE = (
    "The booking holds no place any more (cancelled, or its places given up or released), so "
    "there is nothing to cancel"
)


class PlaceWords(NamedTuple):
    """The words for the place a dispute's payment paid for: one colleague's, or all a
    group's places on the group's own line."""

    kept: str
    managers: str
    not_while_held: str
    the: str  # "the place", "the places"
    it: str  # "it", "them"


ONE_PLACE = PlaceWords(
    "The place has not been taken away (a dispute may be won)",
    "It is a group booking's place, which only the group's manager can give up, on their "
    "page: the organisers' console offers no cancel of it",
    ", and the manager cannot give it up while the dispute holds the payment",
    "the place",
    "it",
)
ALL_PLACES = PlaceWords(
    "The group's places have not been taken away (a dispute may be won)",
    "They are a group booking's places, which only the group's manager can give up, on their "
    "page: the organisers' console offers no cancel of them",
    ", and the manager cannot give them up while the dispute holds the payment",
    "the places",
    "them",
)
