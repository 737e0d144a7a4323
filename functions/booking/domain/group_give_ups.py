"""When the manager of an unpaid group booking may give a place up (hostile21 F10), one rule for
the API and the manager's page. Pure rules, no I/O.

A place given up before the booking is paid is paid for no longer: the payment open for every
place is replaced by one for the places kept (``services.group_changes``). Once the course's
applications have closed, no new payment may be opened (nothing is paid for a place after the
closing: ``domain.paying``), so only the last place held may go, ending the booking with nothing
to pay; any other is refused, and the page offers no give-up then. The refusal's advice is what
can be done: pay the open payment as it is, or leave it unpaid, every place then released when
its hold ends.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.errors import CourseClosed
from booking.domain.groups import GroupBooking, GroupStatus

UNPAID = frozenset({GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT})


def may_give_up(group: GroupBooking, *, taking_applications: bool) -> bool:
    """Whether a place ``group`` holds may be given up now: always once paid; unpaid, while its
    course takes applications (a payment for the places kept is opened), or when it is the
    last place held (the booking ends, nothing left to pay)."""
    return group.status not in UNPAID or taking_applications or group.seats_held <= 1


def give_up_refused(held_until: str | None) -> CourseClosed:
    """The refusal of giving up a place of an unpaid group once applications closed, with what
    can be done (``held_until``: when its hold ends, in words, if it is known)."""
    until = f" at {held_until}" if held_until else ""
    return CourseClosed(
        "applications for this course are closed, so a new payment for the places kept can no "
        "longer be opened: nothing was changed. Pay the open payment as it is, or leave it "
        f"unpaid: every place is then released when its hold ends{until}"
    )


def hold_ends(group: GroupBooking) -> datetime | None:
    """When an unpaid group's places are released if nobody pays (its checkout's hold)."""
    return group.hold_expires_at if group.status is GroupStatus.AWAITING_PAYMENT else None
