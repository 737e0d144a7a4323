"""An organiser records money given back by hand for a group booking paid outside Stripe: the
shares of its places given up or released, owed back to the employer the way the payment came
(``domain.group_given_back``, the one rule a person's booking has too). Nothing is asked of
Stripe and nobody is emailed: the record is the organiser's word on what their bank did, counted
as refunded from then on.

Once per press: the console's form carries a press bound to its session and the group, the API
an ``Idempotency-Key``; the same press sent again, or twice at once, finds its record and
changes nothing. A card shown before another record or change (a second tab, a stale page) is
refused by what it showed (``page_seen.group_facts``), nothing written."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.errors import Conflict, NotFound
from booking.domain.given_back import GiveBackAsked, recorded_by
from booking.domain.group_given_back import group_given_back, group_holding
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import CHANGED, Seen, group_seen
from booking.services.concurrency import retried
from booking.services.groups import find_group, group_reader
from booking.services.ports import Ports

logger = Logger(child=True)
LOOK_AGAIN = (
    "the group booking changed since you last looked at it (a place given up, or money "
    "recorded as given back): nothing was recorded; look at it again before recording money "
    "given back"
)


def record_group_given_back(
    ports: Ports, group_id: str, asked: GiveBackAsked, press: str, seen: Seen | None = None
) -> tuple[GroupBooking, bool]:
    """Record ``asked`` as given back by hand on the group, once for ``press``: the group
    after, and whether this changed it (False: the press was recorded already). Refused in
    words, nothing written: the card seen out of date (409 ``application_changed``), nothing
    owed back by hand (409 ``nothing_to_give_back``), the press recorded already with other
    details (409 ``idempotency_key_reused``), an amount above it, a day in the future or
    before the payment arrived (422 on the field)."""
    first = find_group(ports, group_id)
    course = ports.repository.get_course(first.course_id)
    if course is None:
        raise NotFound("the course of this group booking no longer exists")
    timezone = course.definition.timezone

    def write(current: GroupBooking) -> tuple[GroupBooking, bool]:
        if recorded_by(group_holding(current), press, asked) is not None:
            return current, False  # this press was recorded already
        if seen is not None and seen.digests and group_seen(current) not in seen.digests:
            raise Conflict(LOOK_AGAIN, code=CHANGED)
        now = ports.clock()
        new = group_given_back(current, asked, press, now=now, timezone=timezone)
        return ports.groups.save_group(new, current), True

    after, changed = retried(write, group_reader(ports, group_id), first=first)
    logger.info(
        "group money given back by hand recorded", extra={"group_id": group_id, "changed": changed}
    )
    return after, changed
