"""What an organiser's act (a cancel, a bursary, a corrected invoice, an invoice to the
employer instead of the card; a group's corrected invoice) was read against, so that it acts
only on the booking as it stood then: pressed on a page, what that page showed (``seen``,
compared by the act's own decision: ``domain.page_seen``); completed by the sweep after it was
left half done, the mark the act left on what it closes first at Stripe (``marked``: one
person's invoice or card checkout, ``domain.invoice_voiding``; a group's invoice, the details
it is replaced for), which must still be there. One value for both, so that every act is held
to them by the same rule, whichever asked it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Never, TypeVar

from booking.domain.errors import Conflict
from booking.domain.invoice_voiding import ACT_REPLACED

if TYPE_CHECKING:
    from booking.domain.page_seen import Seen

# The mark an act leaves while it closes something at Stripe first.
Mark = TypeVar("Mark", covariant=True)


@dataclass(frozen=True)
class ReadAgainst(Generic[Mark]):
    """What the act was read against: the page the organiser pressed it on (``seen``; None:
    not known, as for an API caller that sent none), and, when the sweep completes an act left
    half done, the act's own mark (``marked``; None: the organiser pressed it)."""

    seen: Seen | None = None
    marked: Mark | None = None

    @property
    def pressed(self) -> bool:
        """Whether the organiser pressed it now, rather than the sweep completing it later."""
        return self.marked is None

    def refuse_if_replaced(self, mark_now: object) -> None:
        """Refused when the sweep completes the half-done act it marked and the booking (or
        group) no longer carries that mark (``mark_now``: the one it carries): the organiser
        replaced it with another act (or ended it), which stands."""
        if self.marked is not None and mark_now != self.marked:
            raise Conflict(ACT_REPLACED, code="act_replaced")


def pressed_on(seen: Seen | None) -> ReadAgainst[Never]:
    """An organiser's press on a page that showed ``seen`` (None: not known)."""
    return ReadAgainst(seen)


# An act asked with nothing known of what it was read against (an API caller that sent no
# ``seen``, a use case's own call): held to nothing but its own decision.
NOTHING_READ: ReadAgainst[Never] = ReadAgainst()
