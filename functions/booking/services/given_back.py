"""An organiser records money given back by hand: a cancelled booking's payment received outside
Stripe (its invoice marked paid), returned the way it came, since Stripe holds nothing to refund
(``domain.given_back``). Nothing is asked of Stripe and nobody is emailed: the record is the
organiser's word on what their bank did, counted as refunded from then on.

Once per press: the console's form carries a press bound to its session and the booking, the
API an ``Idempotency-Key``; the same press sent again, or twice at once, finds its record and
changes nothing. A page shown before another record or change (a second tab, a stale page) is
refused by what it showed (``domain.page_seen``), nothing written."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import Conflict
from booking.domain.given_back import GiveBackAsked, given_back, holding_of, recorded_by
from booking.domain.page_seen import Seen, seen_refusal
from booking.services.acted import Acted
from booking.services.concurrency import course_of, load_application, retried
from booking.services.ports import Ports

logger = Logger(child=True)
LOOK_AGAIN = "look at it again before recording money given back"


def record_given_back(
    ports: Ports,
    application_id: str,
    asked: GiveBackAsked,
    press: str,
    seen: Seen | None = None,
) -> Acted:
    """Record ``asked`` as given back by hand on the booking, once for ``press``: recorded by
    it already, nothing changes (``changed`` False). Refused in words, nothing written: the page
    seen out of date (409 ``application_changed``), nothing left to give back or the booking
    not cancelled (409 ``nothing_to_give_back``), the press recorded already with other details
    (409 ``idempotency_key_reused``), an amount above what is left, a day in the
    future or before the payment arrived (422 on the field)."""
    first = load_application(ports, application_id)
    definition = course_of(ports, first).definition

    def write(current: Application) -> Acted:
        if recorded_by(holding_of(current), press, asked) is not None:
            return Acted(current, changed=False)  # this press was recorded already
        now = ports.clock()
        refused = seen_refusal(seen, current, definition.price.currency, LOOK_AGAIN, now=now)
        if refused is not None:
            raise Conflict(refused.message, code=refused.code)
        new = given_back(current, asked, press, now=now, timezone=definition.timezone)
        return Acted(ports.repository.save(new, current), changed=True)

    done = retried(write, lambda: load_application(ports, application_id), first=first)
    logger.info(
        "money given back by hand recorded",
        extra={"application_id": application_id, "changed": done.changed},
    )
    return done
