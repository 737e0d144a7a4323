"""What the organisers' API answers about money given back by hand (``domain.given_back``): each
record, and a group's line after one is recorded. JSON models, named in the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.domain.given_back import GivenBack
from booking.domain.group_overview import GroupLine
from booking.domain.model import Model


class GivenBackOut(Model):
    """One record of money given back by hand (pence)."""

    amount: int = Field(description="Pence given back")
    given_on: date = Field(description="The day it was given back")
    method: str = Field(description="bank_transfer, cheque, cash or other")
    recorded_at: datetime = Field(description="When it was recorded")


def records_out(records: tuple[GivenBack, ...]) -> list[GivenBackOut]:
    """Each record as the API answers it, oldest first (its press is never said)."""
    return [GivenBackOut.model_validate(r, from_attributes=True) for r in records]


# What the answer to a record says beside the application or the group, a person's or a group's
# alike (declared in each answer, so each keeps its fields' order).
Recorded = Annotated[
    Literal["now", "before"],
    Field(
        description="`now`: this request made the record; `before`: an earlier request with "
        "the same Idempotency-Key had, and this one changed nothing"
    ),
]
AmountsCurrency = Annotated[
    str, Field(description="The currency of the amounts (ISO code, lower case)")
]
GivenBackRecords = Annotated[list[GivenBackOut], Field(description="Every record, oldest first")]


class GroupGivenBackRecordedOut(GroupLine):
    """The answer to recording a group's money given back by hand: the group's line after it,
    and what this request did (the same key again records nothing)."""

    recorded: Recorded
    left_to_give_back: int = Field(description="Pence still owed back to the employer by hand")
    currency: AmountsCurrency
    given_back_by_hand: GivenBackRecords
