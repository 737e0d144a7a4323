"""What an organiser's action on one application did: the application as it left it, and
whether this request changed anything. A repeat (two tabs, a form sent again) of an action
whose end holds already is answered quietly, with ``changed`` False: nothing was written and
nobody was emailed again, and what the surfaces say of it comes from this, never from the
action's name and the state now."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application


@dataclass(frozen=True)
class Acted:
    """An application after an action, and whether the action changed it."""

    application: Application
    changed: bool
    # A colleague's booking on a group place given up by the organisers (its manager erased):
    # what was refunded to the employer for the place (0: its share kept); None otherwise.
    employer_refund: int | None = None


def acted(result: Application | Acted) -> Acted:
    """The outcome of an action whose use case answers either: an application alone is one
    the action changed (an approval, a resend: each does something, or refuses)."""
    return result if isinstance(result, Acted) else Acted(result, changed=True)
