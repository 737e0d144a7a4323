"""What a booking keeps of each move to another cohort (``domain.transfers`` decides them).

Its own module because the application (``domain.application``) holds these records, while the
rules that make them read applications.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from booking.domain.money import Money


class TransferRecord(BaseModel):
    """One move of a booking from one cohort to another: when, and the money it moved."""

    model_config = ConfigDict(frozen=True)

    from_course_id: str
    to_course_id: str
    at: datetime
    price_before: Money  # the place's price on the cohort it left
    price_after: Money  # and on the cohort it joined (a code and a bursary carried over)
    # What the move gives back (minor units): the payment kept less what the new cohort asks.
    refund_due: int = 0
    # Stripe's refund of it, once made (asked after the move was saved; see domain.transfers).
    refund_id: str | None = None
    # What the new cohort asked beyond what was kept, waived as less than Stripe's minimum
    # charge (minor units; 0: none). Nobody is asked for it.
    difference_waived: int = 0

    @property
    def refund_pending(self) -> bool:
        return self.refund_due > 0 and self.refund_id is None


def owed_by_a_move(transfers: tuple[TransferRecord, ...], amount: int) -> bool:
    """Whether a refund of ``amount`` that Stripe reports is the one the latest move still owes
    (asked of Stripe by the move itself, whose email told the person already)."""
    return bool(transfers) and transfers[-1].refund_pending and transfers[-1].refund_due == amount


def made_by_a_move(
    transfers: tuple[TransferRecord, ...], refund_id: str | None, amount: int
) -> bool:
    """Whether a refund Stripe reports is one a move made (known by the refund id its record
    keeps) or still owes (the latest move's, by amount, before its id was recorded). Such a
    refund gives back a price difference: the booking stands, whatever is left of the payment."""
    if refund_id is not None and any(t.refund_id == refund_id for t in transfers):
        return True
    return owed_by_a_move(transfers, amount)


def waived_on_this_cohort(transfers: Sequence[TransferRecord]) -> int:
    """What the latest move left unpaid (below Stripe's minimum charge): the booking's due on
    the cohort it is on is its price less that. An earlier move's waiver was about the price
    of the cohort it moved to, which the booking has left since."""
    return transfers[-1].difference_waived if transfers else 0
