"""What an email cannot be written without ("It costs None more" reached a test
with thin data): a kind's context lacking one is refused, naming it, rather than sent with a hole
in it. Any other value a template prints as None is refused the same way by the renderer
(``adapters.email_templates``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from booking.domain.emails import EmailKind

# The values each kind prints whatever its wording turns on.
REQUIRED_VALUES: dict[EmailKind, tuple[str, ...]] = {
    EmailKind.MOVE_PAYMENT_DUE: ("move_difference",),
    EmailKind.BURSARY_GRANTED: ("bursary",),  # what is left to pay: said only when any
}


class MissingEmailValue(ValueError):
    """An email whose context lacks a value it prints: never sent with "None" (or nothing)
    where the value should be. Raised while composing, so the mailer's record fails, is
    retried, and lands in the dead-letter queue (alarmed) as every failure does."""

    def __init__(self, kind: EmailKind, missing: Sequence[str]) -> None:
        self.kind, self.missing = kind, tuple(missing)
        super().__init__(f"the {kind.value} email lacks {', '.join(missing)}: not sent")


def missing_values(kind: EmailKind, context: Mapping[str, Any]) -> list[str]:
    """The values ``kind`` needs that ``context`` lacks (None or absent)."""
    return [name for name in REQUIRED_VALUES.get(kind, ()) if context.get(name) is None]
