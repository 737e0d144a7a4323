"""The people a move's freed seat was offered to, by name and reference, for the console's
notice after the move (``domain.offered_words``)."""

from __future__ import annotations

from collections.abc import Sequence

from booking.services.ports import Ports


def offered_named(ports: Ports, ids: Sequence[str]) -> list[str]:
    """ "Dan Evans (CL-4F7KQ)" for each application ``ids`` names that is still found."""
    found = (ports.repository.get_application(i) for i in ids)
    return [f"{a.answers.name} ({a.reference or a.application_id})" for a in found if a]
