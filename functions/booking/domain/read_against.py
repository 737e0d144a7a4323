"""What an organiser's act on one person's booking (a cancel, a bursary, a corrected invoice,
an invoice to the employer instead of the card) was read against, so that it acts only on the
booking as it stood then: pressed on a page, what that page showed (``seen``, compared by the
act's own decision: ``domain.page_seen``); completed by the sweep after it was left half done,
the mark the act left on the invoice or the card checkout it closes first (``marked``), which
must still be there (``domain.invoice_voiding``). One value for both, so that each act is held
to them by the same rule, whichever asked it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from booking.domain.errors import Conflict
from booking.domain.invoice_voiding import ACT_REPLACED, VoidingFor, act_marked

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.page_seen import Seen


@dataclass(frozen=True)
class ReadAgainst:
    """What the act was read against: the page the organiser pressed it on (``seen``; None:
    not known, as for an API caller that sent none), and, when the sweep completes an act left
    half done, the act's own mark (``marked``; None: the organiser pressed it)."""

    seen: Seen | None = None
    marked: VoidingFor | None = None

    @property
    def pressed(self) -> bool:
        """Whether the organiser pressed it now, rather than the sweep completing it later."""
        return self.marked is None

    def refuse_if_replaced(self, application: Application) -> None:
        """Refused when the sweep completes the half-done act it marked and ``application`` no
        longer carries that mark, on its invoice or its card checkout: the organiser replaced
        it with another act (or ended it), which stands."""
        if self.marked is not None and act_marked(application) != self.marked:
            raise Conflict(ACT_REPLACED, code="act_replaced")


# An act asked with nothing known of what it was read against (an API caller that sent no
# ``seen``, a use case's own call): held to nothing but its own decision.
NOTHING_READ = ReadAgainst()
