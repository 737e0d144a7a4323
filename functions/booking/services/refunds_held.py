"""An organiser's refund that Stripe answers with "refunded already" (on its dashboard,
say, with the refund's events not heard yet): what Stripe holds is read back and recorded,
each refund as its own ``refund.*`` event would have recorded it, so the roster shows what
Stripe holds and the person is told once, by that record (DESIGN "One truth")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import AlreadyRefunded
from booking.domain.groups import GroupBooking
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.organiser_money_acts import Cancellation
from booking.domain.provider_objects import payments_recorded
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.services.concurrency import load_application
from booking.services.group_payments import record_group_refunds_held
from booking.services.groups import find_group
from booking.services.ports import Ports
from booking.services.settle import Settled, settle_money

logger = Logger(child=True)
T = TypeVar("T")

REFUND_PENDING_AT_STRIPE = (
    "Stripe holds a refund of this payment that has not gone through yet (one made in its "
    "dashboard, say: a Bacs or SEPA refund takes days), so it refuses another: nothing was "
    "recorded and nobody was emailed. The refund is recorded, and the person emailed, when "
    "Stripe reports it succeeded"
)


def settled_as_stripe_holds(
    ports: Ports,
    application_id: str,
    asked: Cancellation,
    *,
    first: Application | None = None,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
) -> Settled:
    """``asked`` settled (``first``: the application read already; ``read_against``: as
    :func:`~booking.services.settle.settle_money` holds it); when Stripe says a charge
    it asks to refund is refunded already, Stripe's refunds of the booking's payments are
    recorded first, then it is decided again from a fresh read (a charge still kept is
    refunded then; none kept: nothing is left to do)."""
    try:
        return settle_money(ports, application_id, asked, first=first, read_against=read_against)
    except AlreadyRefunded:
        record_refunds_held(ports, application_id)
    try:
        again = settle_money(ports, application_id, asked, read_against=read_against)
    except AlreadyRefunded as still:
        # Stripe still answers "refunded already" with no succeeded refund to record: one
        # not through yet (a Bacs or SEPA refund is pending for days), said in words.
        raise AlreadyRefunded(REFUND_PENDING_AT_STRIPE, code=still.code) from None
    return Settled(again.settlement, again.before, again.saved, changed=True)


def record_refunds_held(ports: Ports, application_id: str) -> None:
    """Each refund Stripe holds of the booking's payments, through the one money path the
    webhook's refund events take (a refund recorded already changes nothing)."""
    application = load_application(ports, application_id)
    for payment_intent in payments_recorded(application):
        for refund in ports.payments.refunds_held(payment_intent):
            logger.info(
                "refund found at the payment provider",
                extra={"application_id": application_id, "refund_id": refund.refund_id},
            )
            settle_money(ports, application_id, refund)


def given_up_as_stripe_holds(
    ports: Ports, group: GroupBooking, step: Callable[[GroupBooking], T]
) -> T:
    """``step`` on ``group``; when Stripe answers that the group's payment was refunded
    already (in its dashboard, its events not heard yet), Stripe's refunds of it are read back
    and recorded as their events will record them (once), and ``step`` runs again on a fresh
    read, as if those events had come first (as a single booking's refund:
    ``services.refunds_held``)."""
    try:
        return step(group)
    except AlreadyRefunded:
        record_group_refunds_held(ports, group)
    try:
        return step(find_group(ports, group.group_id))
    except AlreadyRefunded as still:
        # Still "refunded already" with no succeeded refund to record: one not through yet.
        raise AlreadyRefunded(REFUND_PENDING_AT_STRIPE, code=still.code) from None
