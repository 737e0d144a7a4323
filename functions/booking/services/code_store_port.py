"""The repository's port for a course's discount codes (part of ``repository_port.Repository``;
``booking.services.ports`` re-exports it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from booking.domain.billing import DiscountCode


class DiscountCodeStore(Protocol):
    def put_discount_code(self, code: DiscountCode) -> None:
        """Keep a new code (no use yet); Conflict ``discount_code_exists`` if the course has
        one with the same letters."""
        ...

    def get_discount_code(self, course_id: str, code: str) -> DiscountCode | None:
        """The course's code as typed (in any case), with its uses now."""
        ...

    def discount_codes(self, course_id: str) -> list[DiscountCode]: ...

    def record_code_active(
        self, course_id: str, code: str, *, active: bool, at: datetime
    ) -> DiscountCode:
        """Record whether the code may still be given (what the provider holds after an
        organiser expired it, at ``at``: kept as its ``expired_at`` once it may not, the
        first time only), leaving its uses as they are; the code after the change.
        NotFound when the course has no such code."""
        ...
