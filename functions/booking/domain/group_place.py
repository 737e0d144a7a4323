"""The place of a manager's group booking an application fills (a record on the application;
the group and its rules are ``domain.groups``)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class GroupStatus(StrEnum):
    """Where a group booking stands (``domain.groups``). Here, with the place an application
    fills, so that the table's condition on a claimed place (the group is paid) names it
    without loading the groups' models, which only group requests use."""

    AWAITING_PAYMENT = "awaiting_payment"  # the checkout is open; seats held until it expires
    AWAITING_INVOICE_PAYMENT = "awaiting_invoice_payment"  # seats held until it falls due
    PAID = "paid"  # places held for the colleagues to apply
    LAPSED = "lapsed"  # ended without being paid: its seats went back


class GroupPlaceRef(BaseModel):
    """The place of a manager's group booking (``domain.groups``) an application fills: the
    group, the place's number in it, and the group's version when the colleague's link was
    checked (the save that claims the place holds the group to it, so a substitution or a
    cancellation in between refuses the claim)."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    place: int
    group_version: int
