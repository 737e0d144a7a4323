"""What a repository stores when it saves an application or a group booking: the one
rule the DynamoDB adapters and the tests' fakes both keep (``repository_port``: "returns what
was stored"), so that a fake cannot drift from what the table holds.

A save stores the next version (each write expects the version it read: ``previous``, None when
nothing is stored yet) and an empty outbox (its emails are written beside it, on their way); a
group's save claims its colleagues' enrolments too (``domain.enrolments``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from booking.domain.application import Application

if TYPE_CHECKING:  # the mailer's cold start saves applications and never reads a group
    from booking.domain.groups import GroupBooking


def next_version(previous: Application | GroupBooking | None) -> int:
    """The version a save writes over ``previous`` (1 for the first)."""
    return previous.version + 1 if previous else 1


def stored_application(new: Application, previous: Application | None) -> Application:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied."""
    return new.model_copy(update={"version": next_version(previous), "outbox": ()})


def stored_group(new: GroupBooking, previous: GroupBooking | None) -> GroupBooking:
    """``new`` as a save over ``previous`` stores it: its next version, its outbox emptied, its
    enrolments claimed."""
    return new.model_copy(
        update={"version": next_version(previous), "outbox": (), "enrolments_claimed": True}
    )
