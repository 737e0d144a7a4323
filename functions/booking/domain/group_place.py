"""The place of a manager's group booking an application fills (a record on the application;
the group and its rules are ``domain.groups``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class GroupPlaceRef(BaseModel):
    """The place of a manager's group booking (``domain.groups``) an application fills: the
    group, the place's number in it, and the group's version when the colleague's link was
    checked (the save that claims the place holds the group to it, so a substitution or a
    cancellation in between refuses the claim)."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    place: int
    group_version: int
